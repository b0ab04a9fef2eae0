package dev.signalbox.registry;

import java.util.Comparator;

/**
 * One key of a keyed family, in a {@link PrimitiveView}'s hot keys.
 *
 * @param key          the key's string form
 * @param waiting      callers waiting for this key now
 * @param active       permits of this key held now
 * @param capacity     permits per key
 * @param borrowers    callers that borrowed the key now (waiting for it or holding it)
 * @param acquisitions borrows since the key's primitive was created
 * @param cluster      for a cluster family asked with {@link Registration#viewWithMembers}, who holds and
 *                     waits for this key on every instance; otherwise null
 */
public record KeyView(String key, int waiting, int active, int capacity, int borrowers, long acquisitions, ClusterView cluster) {

    /**
     * The one ranking of hot keys, hottest first: most callers waiting now, then most permits held
     * now, then most acquisitions since the key's primitive was created, then by key.
     *
     * <p>The endpoint used to rank by borrowers now, the dashboard by acquisitions; both views now
     * share this order. Waiting, then active, is the contention that borrowers summed (a borrower
     * waits or holds), split so that a queue outranks a mere hold; acquisitions then orders keys
     * that nobody contends, so a key busy over time still leads an idle one; the key makes the
     * order total, so equal keys never swap between two views.
     */
    public static final Comparator<KeyView> HOTTEST_FIRST = Comparator.comparingInt(KeyView::waiting).reversed()
            .thenComparing(Comparator.comparingInt(KeyView::active).reversed())
            .thenComparing(Comparator.comparingLong(KeyView::acquisitions).reversed())
            .thenComparing(KeyView::key);

    KeyView withCluster(ClusterView members) {
        return new KeyView(key, waiting, active, capacity, borrowers, acquisitions, members);
    }
}

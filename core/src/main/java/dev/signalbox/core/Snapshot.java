package dev.signalbox.core;

import java.util.List;

/**
 * The state of a primitive at one instant.
 *
 * @param name the primitive's name
 * @param kind the primitive's kind
 * @param waiting callers waiting now (queue depth); for a barrier, the parties arrived in the current generation
 * @param active permits held now; for a queue, the items queued; for a worker pool, the tasks running
 * @param capacity the permits that exist now (free plus held: a semaphore's change with {@code release(n)}
 *        and {@code take}), queue capacity, resources or parties
 * @param holders who holds it now, oldest first; empty when not tracked (see {@link Holder})
 */
public record Snapshot(String name, Kind kind, int waiting, int active, int capacity, List<Holder> holders) {

    public Snapshot {
        holders = List.copyOf(holders);
    }
}

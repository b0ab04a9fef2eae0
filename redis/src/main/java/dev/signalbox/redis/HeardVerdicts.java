package dev.signalbox.redis;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The verdicts this instance heard (published, or answered by a settle script), for a party whose
 * arrival's answer is handled after its generation's verdict: the two come back on different
 * connections, and under load the answer can lag behind many generations. A verdict is kept at
 * least until every arrival sent before it was heard has been answered (only those can belong to
 * its generation), and the last {@value #KEPT_AT_LEAST} are kept in any case. Not thread-safe:
 * guarded by its {@link RedisBarrier}'s lock.
 */
final class HeardVerdicts {

    /** Verdicts kept whatever is pending (the newest). */
    static final int KEPT_AT_LEAST = 64;

    private final Map<String, String> verdicts = new HashMap<>();
    /** Generation ids in the order heard, each with the number of arrivals sent when it was heard. */
    private final ArrayDeque<Heard> order = new ArrayDeque<>();
    /** Arrivals sent whose answer has not been handled yet, by their number. */
    private final TreeSet<Long> pending = new TreeSet<>();
    private long sent;

    /** An arrival is about to be sent: its number, for {@link #answered}. */
    long sending() {
        pending.add(++sent);
        return sent;
    }

    /** The answer to arrival {@code number} has been handled (0: no-op). */
    void answered(long number) {
        if (number != 0L && pending.remove(number)) {
            prune();
        }
    }

    /** Records a verdict; the first one heard for a generation stays (a later "lost" means only that Redis forgot it). */
    void put(String generation, String verdict) {
        if (verdicts.putIfAbsent(generation, verdict) == null) {
            order.addLast(new Heard(generation, sent));
            prune();
        }
    }

    String verdict(String generation) {
        return verdicts.get(generation);
    }

    private void prune() {
        long oldestPending = pending.isEmpty() ? Long.MAX_VALUE : pending.first();
        while (order.size() > KEPT_AT_LEAST && order.peekFirst().sentBefore() < oldestPending) {
            verdicts.remove(order.removeFirst().generation());
        }
    }

    private record Heard(String generation, long sentBefore) {
    }
}

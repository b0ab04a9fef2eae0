package dev.signalbox.dashboard;

import java.util.List;

/**
 * One primitive in the dashboard's overview, as of the last sampler tick.
 *
 * @param name the primitive's name
 * @param kind its kind tag ({@code lock}, {@code queue}...)
 * @param scope {@code local} or {@code cluster}
 * @param shape what it is, e.g. "semaphore with 4 permits"
 * @param keys live keys of a keyed family, or -1 for a single primitive
 * @param waiting callers waiting now (for a barrier: parties arrived in the current generation)
 * @param active permits held now (for a queue: items queued)
 * @param capacity permits, queue capacity or parties
 * @param acquiredPerSecond waits that ended in acquisition during the last second
 * @param timeoutsPerSecond waits that timed out during the last second
 * @param rejectedPerSecond waits rejected during the last second
 * @param waitP50 median wait of the last second, ms
 * @param waitP99 99th percentile wait of the last second, ms
 * @param holdP50 median hold of the last second, ms
 * @param holdP99 99th percentile hold of the last second, ms
 * @param oldestHoldMillis how long the oldest current holder has held it, ms (0 when none is tracked)
 * @param warnings what should draw the eye, e.g. "queue at capacity"
 * @param waitingHistory waiting over the recent seconds, oldest first, for the sparkline (empty in the live stream)
 */
public record PrimitiveRow(String name, String kind, String scope, String shape, int keys, int waiting, int active,
        int capacity, int acquiredPerSecond, int timeoutsPerSecond, int rejectedPerSecond, float waitP50, float waitP99,
        float holdP50, float holdP99, long oldestHoldMillis, List<String> warnings, List<Integer> waitingHistory) {

    /** Contention first: a row that should be looked at sorts before one that should not. */
    static int byContention(PrimitiveRow a, PrimitiveRow b) {
        int c = Integer.compare(b.warnings.size(), a.warnings.size());
        if (c == 0) {
            c = Integer.compare(b.waiting, a.waiting);
        }
        if (c == 0) {
            c = Float.compare(b.waitP99, a.waitP99);
        }
        if (c == 0) {
            c = Integer.compare(b.timeoutsPerSecond + b.rejectedPerSecond, a.timeoutsPerSecond + a.rejectedPerSecond);
        }
        return c != 0 ? c : a.name.compareTo(b.name);
    }

    PrimitiveRow withWaitingHistory(List<Integer> history) {
        return new PrimitiveRow(name, kind, scope, shape, keys, waiting, active, capacity, acquiredPerSecond,
                timeoutsPerSecond, rejectedPerSecond, waitP50, waitP99, holdP50, holdP99, oldestHoldMillis, warnings, history);
    }
}

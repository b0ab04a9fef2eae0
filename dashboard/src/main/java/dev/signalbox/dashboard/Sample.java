package dev.signalbox.dashboard;

/**
 * One second of one primitive, as the sampler saw it.
 *
 * @param epochSecond when the second ended
 * @param waiting callers waiting at that instant (for a barrier: parties arrived)
 * @param active permits held (for a queue: items queued)
 * @param capacity permits, queue capacity or parties
 * @param acquired waits that ended in acquisition during the second
 * @param timeouts waits that timed out during the second
 * @param rejected waits rejected at once during the second
 * @param broken barrier waits broken during the second
 * @param waitP50 median wait, ms
 * @param waitP99 99th percentile wait, ms
 * @param holdP50 median hold, ms
 * @param holdP99 99th percentile hold, ms
 */
public record Sample(long epochSecond, int waiting, int active, int capacity, int acquired, int timeouts, int rejected,
        int broken, float waitP50, float waitP99, float holdP50, float holdP99) {
}

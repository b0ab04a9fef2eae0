package dev.signalbox.core;

import java.time.Duration;

/**
 * How a {@link Lock} or {@link Semaphore} orders the callers competing for its permits.
 *
 * <p>In both modes the callers that have to wait queue in arrival order and are served in that
 * order among themselves; the modes differ in whether a caller that has <em>not</em> queued (one
 * that arrives while a permit is free, or {@code tryAcquire}) may take a permit ahead of them.
 */
public enum Fairness {

    /**
     * Throughput first, with a bounded wait (the default, and how Go's {@code sync.Mutex} works).
     *
     * <p>A released permit goes back to the pool and the waiter at the head of the queue is woken
     * to compete for it, so a running caller may take it first ("barging"): a thread that releases
     * and re-acquires in a loop keeps its processor instead of paying a context switch per
     * acquisition, as with an unfair {@code ReentrantLock}. {@code tryAcquire} succeeds whenever
     * enough permits are free.
     *
     * <p>Barging is bounded: once the waiter at the head of the queue has been overtaken for
     * {@link #STARVATION_THRESHOLD} or longer, the primitive switches to hand-off, where nobody may
     * take a free permit any more (not even {@code tryAcquire}) and every released permit goes
     * straight to the queued waiters in arrival order. A hand-off lasts until every waiter that was
     * queued when it began has been served (or has given up); then barging resumes. A waiter's time
     * counts from when it queued, or from the end of the last hand-off if that is later, so each
     * barging spell lasts at least the threshold: with more threads than processors a hand-off costs
     * a context switch each, and without that restart hand-off could feed itself and never end. So a
     * queued waiter waits at most about the threshold plus two rounds of hand-off (each a context
     * switch and a hold per waiter ahead of it). The switch happens when the primitive next looks at
     * the head: at a release, or when the woken head finds its permit taken.
     *
     * <p>An async waiter has no thread to wake, so a permit released while an async waiter heads
     * the queue and the free permits cover its request is granted to it directly.
     */
    BARGING,

    /**
     * Strict first come, first served: a permit released while anyone waits is handed directly to
     * the head of the queue, and nobody who arrives later (not even {@code tryAcquire}, which
     * succeeds only when nobody waits) takes one before it. Every acquisition under contention then
     * costs a context switch, so throughput under contention is far lower than with
     * {@link #BARGING}; choose it when arrival order itself matters.
     */
    FIFO;

    /** How long the head of the queue may be overtaken in {@link #BARGING} mode before hand-off starts: 1 ms, as in Go. */
    public static final Duration STARVATION_THRESHOLD = Duration.ofMillis(1);

    /** The engine's setting: how long the head may wait before hand-off (0: always hand off). */
    long handOffAfterNanos() {
        return this == FIFO ? 0L : STARVATION_THRESHOLD.toNanos();
    }
}

package dev.signalbox.core;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one daemon thread that fires async timeouts (and the rate limiter's delayed grants). Its tasks
 * only flip a waiter's status and complete a future; user callbacks attached to those futures run
 * on it, so they should be quick or move to their own executor ({@code thenApplyAsync}).
 *
 * <p><b>Pacing.</b> A {@link ScheduledThreadPoolExecutor} wakes its thread whenever a new task becomes
 * the earliest in its queue, which is every time when timeouts are armed and then cancelled one
 * after the other (a wait granted before its timeout, the common case): a cross-thread wake-up per
 * async wait, several times the cost of the wait's own bookkeeping. While timeouts are being armed,
 * a no-op pacer task therefore runs every {@value #PACE_MILLIS} ms, so a timeout due later than that
 * is never the earliest task and arming it wakes nobody. The pacer stops after a second with no
 * other task queued and starts again with the next timeout. Timeouts still fire at their own time;
 * pacing only saves wake-ups, and a race that leaves it off costs a wake-up, nothing else.
 */
final class Timeouts {

    static final long PACE_MILLIS = 10;
    /** Consecutive pacer runs that find no other task queued before it stops: one second. */
    private static final int IDLE_RUNS = 100;

    private static final ScheduledThreadPoolExecutor SCHEDULER = create();
    private static final AtomicBoolean PACING = new AtomicBoolean();
    /** Pacer runs in a row that found nothing else queued; touched only by the scheduler's thread. */
    private static int idleRuns;

    private Timeouts() {
    }

    static ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        if (!PACING.get() && PACING.compareAndSet(false, true)) {
            SCHEDULER.schedule(Timeouts::pace, PACE_MILLIS, TimeUnit.MILLISECONDS);
        }
        return SCHEDULER.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** The pacer, on the scheduler's thread: re-arms itself until the queue has been idle for {@link #IDLE_RUNS} runs. */
    private static void pace() {
        if (!SCHEDULER.getQueue().isEmpty()) {
            idleRuns = 0;
        } else if (++idleRuns >= IDLE_RUNS) {
            idleRuns = 0;
            PACING.set(false);
            // A timeout armed just now may have seen the pacer still on: keep pacing for it.
            if (SCHEDULER.getQueue().isEmpty() || !PACING.compareAndSet(false, true)) {
                return;
            }
        }
        SCHEDULER.schedule(Timeouts::pace, PACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** True while the pacer runs (for tests). */
    static boolean isPacing() {
        return PACING.get();
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "signalbox-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        // A cancelled timeout (the common case: the wait was granted first) leaves the queue at once.
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}

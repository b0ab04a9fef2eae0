package dev.signalbox.redis;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one daemon thread of the Redis rate limiters and barriers: it fires their timers (a waiter's
 * due time, a timeout, the bound on a Redis call) and completes the futures they hand out. Redisson
 * completes its own futures on its I/O threads, where a caller's callback must not run (a blocking
 * Redisson call there fails), so every reply is handed over to this thread first. Callbacks attached
 * to the futures run here too: keep them quick or move them on with an {@code ...Async} method.
 */
final class RedisTimer {

    private static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private RedisTimer() {
    }

    static ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return EXECUTOR.schedule(task, Math.max(0L, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} every {@code periodNanos}, first after one period. */
    static ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long periodNanos) {
        return EXECUTOR.scheduleAtFixedRate(task, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    static void execute(Runnable task) {
        EXECUTOR.execute(task);
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "signalbox-redis-timer");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}

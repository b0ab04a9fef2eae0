package dev.signalbox.core;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one daemon thread that fires async timeouts (and the rate limiter's delayed grants). Its tasks
 * only flip a waiter's status and complete a future; user callbacks attached to those futures run
 * on it, so they should be quick or move to their own executor ({@code thenApplyAsync}).
 */
final class Timeouts {

    private static final ScheduledThreadPoolExecutor SCHEDULER = create();

    private Timeouts() {
    }

    static ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return SCHEDULER.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
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

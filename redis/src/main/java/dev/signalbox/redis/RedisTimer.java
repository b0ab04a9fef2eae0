package dev.signalbox.redis;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one timer of every Redis primitive of the process, a single daemon thread: it fires the bound
 * on each Redis call ({@link RedisBackend#call}), the cluster locks' retry waits and lease sweeps, and
 * the barriers' rechecks; and it completes the futures the rate limiters and barriers hand out (the
 * locks' futures complete on {@link RedisBackend#completions}). Their local waits (the rate limiters'
 * queue, the barriers' wait for a verdict) are core primitives, timed by core; what ends those waits
 * is handed over to this thread too.
 * Redisson completes its own futures on its I/O threads, where a caller's callback must not run (a
 * blocking Redisson call there fails), so every reply is handed over to this thread first. Callbacks
 * attached to those futures run here too: keep them quick or move them on with an {@code ...Async} method.
 *
 * <p>Why a scheduled executor and not a hashed wheel: a wheel fires only on its ticks (typically 10ms
 * apart), so a command's bound or a retry would end up to a tick late, while this fires within the
 * millisecond; and one thread that both fires timers and completes futures keeps each primitive's
 * replies in order. Arming and cancelling a task costs a lock and a heap operation on its queue,
 * next to nothing beside a Redis round trip. Since the timers fire here, no blocking wait may run on
 * this thread ({@link #refuseBlockingWait}).
 */
final class RedisTimer {

    private static final Logger log = LoggerFactory.getLogger(RedisTimer.class);

    private static final ScheduledThreadPoolExecutor EXECUTOR = create();

    private RedisTimer() {
    }

    static ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return EXECUTOR.schedule(logged(task), Math.max(0L, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} every {@code periodNanos}, first after one period. */
    static ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long periodNanos) {
        return EXECUTOR.scheduleAtFixedRate(logged(task), periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    static void execute(Runnable task) {
        EXECUTOR.execute(logged(task));
    }

    /** A task that logs what it throws instead of letting the executor swallow it (a periodic task keeps running). */
    private static Runnable logged(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                log.error("signalbox-redis-timer: a task failed; this is a bug, please report it", e);
            }
        };
    }

    /** True on the timer thread, where nothing may wait for Redis (see {@link #refuseBlockingWait}). */
    static boolean isTimerThread() {
        return Thread.currentThread() instanceof TimerThread;
    }

    /**
     * Refuses a blocking wait on this thread: the wait would be ended by this very thread (and its
     * bound by a timer on it), so it would never end.
     */
    static void refuseBlockingWait(String subject) {
        if (isTimerThread()) {
            throw new IllegalStateException(subject + ": a blocking wait on the signalbox-redis-timer thread would wait for"
                    + " itself; use the async form, or move the callback off this thread (thenRunAsync and the like)");
        }
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new TimerThread(runnable);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private static final class TimerThread extends Thread {

        TimerThread(Runnable task) {
            super(task, "signalbox-redis-timer");
        }
    }
}

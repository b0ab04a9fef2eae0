package dev.signalbox.redis;

import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;

/**
 * The timer behind command bounds, retry waits and lease renewal sweeps: one hashed wheel (Netty's,
 * which Redisson brings) with 10ms ticks, shared by every cluster primitive of the process. Arming
 * and cancelling a timeout wakes no thread, so bounding every Redis command costs the fast path
 * next to nothing; the price is up to one tick of lateness. Tasks run on the timer's thread and must
 * be short (they complete futures or send async commands).
 */
final class RedisTimer {

    private static final HashedWheelTimer WHEEL = new HashedWheelTimer(r -> {
        Thread t = new Thread(r, "signalbox-redis-timer");
        t.setDaemon(true);
        return t;
    }, 10, TimeUnit.MILLISECONDS, 512);

    private RedisTimer() {
    }

    static Timeout schedule(Runnable task, long delayNanos) {
        return WHEEL.newTimeout(timeout -> task.run(), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }
}

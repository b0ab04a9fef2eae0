package dev.signalbox.redis;

import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;

/**
 * The timer behind the cluster locks' command bounds, retry waits and lease renewal sweeps: one
 * hashed wheel (Netty's, which Redisson brings) with 10ms ticks, shared by every cluster primitive of
 * the process. Arming and cancelling a timeout wakes no thread, so bounding every Redis command costs
 * the fast path next to nothing; the price is up to one tick of lateness. Tasks run on the wheel's
 * thread and must be short (they complete futures or send async commands). The rate limiters and
 * barriers use {@link RedisTimer} instead, a scheduled executor that also completes their futures.
 */
final class RedisWheelTimer {

    private static final HashedWheelTimer WHEEL = new HashedWheelTimer(r -> {
        Thread t = new Thread(r, "signalbox-redis-wheel");
        t.setDaemon(true);
        return t;
    }, 10, TimeUnit.MILLISECONDS, 512);

    private RedisWheelTimer() {
    }

    static Timeout schedule(Runnable task, long delayNanos) {
        return WHEEL.newTimeout(timeout -> task.run(), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }
}

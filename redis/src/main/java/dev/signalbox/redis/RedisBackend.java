package dev.signalbox.redis;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

import io.netty.util.Timeout;

/**
 * What every cluster primitive of one {@link RedisClusterPrimitives} shares: the Redisson client,
 * the settings, the {@link RedisAvailability}, the ids of holds, and the renewal of every hold of
 * this instance: one sweep every third of a lease renews them all (each hold is thus renewed at
 * most a third of a lease after its grant or its last renewal).
 *
 * <p>Every Redis call goes through {@link #call}, which bounds it by its own timer: Redisson's
 * retries (attempts times timeout) may last longer than a caller's timeout, so no call relies on them.
 */
final class RedisBackend {

    /** The least time a single command is given, even for a try-once call. */
    static final long MIN_COMMAND_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** The most time a single command is given; a longer silence counts as Redis being unavailable. */
    private static final long MAX_COMMAND_NANOS = TimeUnit.SECONDS.toNanos(5);

    final RedissonClient client;
    final RScript script;
    final RedisClusterSettings settings;
    final long leaseNanos;
    final long leaseMillis;
    /** The instance id as written into Redis entries ({@code |} is the field separator there). */
    final String instance;
    final RedisAvailability availability;
    /** Completes async callers' futures, so their continuations never run on Redisson's or our threads. */
    final Executor completions = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("signalbox-redis-grant-", 0).factory());

    private final long maxCommandNanos;
    private final String nonce;
    private final AtomicLong holdIds = new AtomicLong();
    private final Set<RedisHold> renewed = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    RedisBackend(RedissonClient client, RedisClusterSettings settings) {
        this.client = client;
        this.script = client.getScript(StringCodec.INSTANCE);
        this.settings = settings;
        this.leaseNanos = settings.lease().toNanos();
        this.leaseMillis = settings.lease().toMillis();
        this.instance = settings.instanceId().replace('|', '/');
        this.availability = new RedisAvailability(settings.localFallback());
        this.maxCommandNanos = Math.max(MIN_COMMAND_NANOS, Math.min(leaseNanos / 3, MAX_COMMAND_NANOS));
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        this.nonce = HexFormat.of().formatHex(random);
        scheduleRenewals();
    }

    /** A new id for one hold, unique across instances (a random per-process nonce and a counter). */
    String newHoldId() {
        return nonce + "-" + Long.toString(holdIds.incrementAndGet(), 36);
    }

    /** How long one command may take when its caller has {@code remainingNanos} left. */
    long commandBound(long remainingNanos) {
        return Math.max(MIN_COMMAND_NANOS, Math.min(remainingNanos, maxCommandNanos));
    }

    /** How long renewals and releases may take. */
    long maintenanceBound() {
        return maxCommandNanos;
    }

    /** How often a waiter tries again when no release message wakes it: a third of the lease. */
    long pollNanos() {
        return leaseNanos / 3;
    }

    /**
     * Runs {@code lua}, failing with a {@link TimeoutException} after {@code boundNanos}. A reply that
     * arrives after that goes to {@code late} (to undo a grant nobody waits for any more), if given.
     * Records Redis' availability: an error counts as Redis being down, and so does silence when
     * {@code silenceMarksDown} (not when the bound was only the caller's short timeout).
     */
    <T> CompletableFuture<T> call(String what, LuaScript lua, long boundNanos, boolean silenceMarksDown, Consumer<T> late,
            List<Object> keys, Object... args) {
        CompletableFuture<T> bounded = new CompletableFuture<>();
        CompletableFuture<T> reply;
        try {
            reply = lua.run(script, keys, args);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        Timeout timer = reply.isDone() ? null : schedule(() -> {
            if (bounded.completeExceptionally(new TimeoutException("no answer from Redis within "
                    + Duration.ofNanos(boundNanos).toMillis() + "ms")) && silenceMarksDown) {
                availability.failed(what, new TimeoutException("no answer in time"));
            }
        }, boundNanos);
        reply.whenComplete((value, error) -> {
            if (timer != null) {
                timer.cancel();
            }
            if (error != null) {
                if (bounded.completeExceptionally(error)) {
                    availability.failed(what, error);
                }
                return;
            }
            availability.succeeded();
            if (!bounded.complete(value) && late != null) {
                late.accept(value);
            }
        });
        return bounded;
    }

    Timeout schedule(Runnable task, long delayNanos) {
        return RedisWheelTimer.schedule(task, delayNanos);
    }

    /** Renews {@code hold} from now on, until {@link #untrack}; false when this backend is closed. */
    boolean track(RedisHold hold) {
        renewed.add(hold);
        if (closed) {
            renewed.remove(hold);
            return false;
        }
        return true;
    }

    void untrack(RedisHold hold) {
        renewed.remove(hold);
    }

    private void scheduleRenewals() {
        schedule(() -> {
            if (closed) {
                return;
            }
            for (RedisHold hold : renewed) {
                hold.renew();
            }
            scheduleRenewals();
        }, leaseNanos / 3);
    }

    /** Stops renewing: the holds of this instance end with their leases. */
    void close() {
        closed = true;
        renewed.clear();
    }
}

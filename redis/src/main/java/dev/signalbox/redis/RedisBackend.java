package dev.signalbox.redis;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.CompletionStage;

import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every cluster primitive of one {@link RedisClusterPrimitives} shares: the Redisson client,
 * the settings, the {@link RedisAvailability}, the ids of holds, and the lease check of every hold of
 * this instance: a sweep every 100ms (or third of a lease, if shorter) registers the holds that have
 * lasted that long for other instances' {@code members()}, and asks Redis, every third of a lease
 * per hold, whether it is still ours (renewing semaphore permits; Redisson's watchdog renews lock holds).
 *
 * <p><b>The lease</b> is the Redisson client's {@code lockWatchdogTimeout}: Redisson's watchdog keeps
 * lock and read-write holds alive with it, and semaphore permits are given the same lease. A client
 * built by Signalbox's auto-configuration sets it from {@code signalbox.redis.lease}; with an
 * application's own client it is that client's setting (Redisson's default: 30s), and a different
 * {@code signalbox.redis.lease} is logged as ignored.
 *
 * <p>Every Redis call of every primitive goes through {@link #call}, which bounds it by a timer of
 * ours ({@link RedisTimer}): Redisson's retries (attempts times timeout) may last longer than a caller's
 * timeout, so no call relies on them. {@link #call} also records each answer or failure in the one
 * {@link RedisAvailability} of this backend, so an outage seen by any primitive is known to all of them.
 */
final class RedisBackend {

    /** The least time a single command is given, even for a try-once call. */
    static final long MIN_COMMAND_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** The most time a single command is given; a longer silence counts as Redis being unavailable. */
    private static final long MAX_COMMAND_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How often the holds of this instance are visited (see {@link RedisHold#tick}). */
    static final long SWEEP_NANOS = RedisMembers.REGISTER_AFTER_NANOS;

    private static final Logger log = LoggerFactory.getLogger(RedisClusterPrimitives.class);
    /** Synthetic Redisson thread ids, one per attempt; negative, so never a real thread's id. Shared by the process. */
    private static final AtomicLong THREAD_IDS = new AtomicLong();

    final RedissonClient client;
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
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile boolean closed;

    RedisBackend(RedissonClient client, RedisClusterSettings settings) {
        this.client = client;
        this.settings = settings;
        // A client without a readable config (a test double) uses the settings' lease.
        this.leaseMillis = client.getConfig() != null ? client.getConfig().getLockWatchdogTimeout() : settings.lease().toMillis();
        this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(leaseMillis);
        if (leaseMillis != settings.lease().toMillis()) {
            log.warn("signalbox.redis.lease = {}ms, but the RedissonClient's lockWatchdogTimeout is {}ms: cluster holds use the"
                    + " client's (Redisson's watchdog renews them with it). Set lockWatchdogTimeout on your client to change it",
                    settings.lease().toMillis(), leaseMillis);
        }
        this.instance = settings.instanceId().replace('|', '/');
        this.availability = new RedisAvailability(settings.localFallback());
        this.maxCommandNanos = Math.max(MIN_COMMAND_NANOS, Math.min(leaseNanos / 3, MAX_COMMAND_NANOS));
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        this.nonce = HexFormat.of().formatHex(random);
    }

    /** A new id for one hold, unique across instances (a random per-process nonce and a counter). */
    String newHoldId() {
        return nonce + "-" + Long.toString(holdIds.incrementAndGet(), 36);
    }

    /** A new synthetic thread id for one Redisson lock attempt (see {@link HoldEngine}). */
    long newThreadId() {
        return -THREAD_IDS.incrementAndGet();
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
     * Runs {@code command} (Redisson calls), failing with a {@link TimeoutException} after {@code boundNanos}
     * ({@link Long#MAX_VALUE}: no bound of ours). The returned future completes on a Redisson I/O thread or
     * the {@link RedisTimer} thread: hand it over before completing a caller's future. A reply that
     * arrives after that goes to {@code late} (to undo a grant nobody waits for any more), if given.
     * Records Redis' availability: an error counts as Redis being down, and so does silence when
     * {@code silenceMarksDown} (not when the bound was only the caller's short timeout).
     */
    <T> Call<T> call(String what, Supplier<? extends CompletionStage<T>> command, long boundNanos,
            boolean silenceMarksDown, Consumer<T> late) {
        Call<T> bounded = new Call<>(what, boundNanos, silenceMarksDown);
        CompletableFuture<T> reply;
        try {
            reply = command.get().toCompletableFuture();
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        ScheduledFuture<?> timer = reply.isDone() || boundNanos == Long.MAX_VALUE ? null : schedule(bounded::expire, boundNanos);
        reply.whenComplete((value, error) -> {
            if (timer != null) {
                timer.cancel(false);
            }
            if (!bounded.decided.compareAndSet(false, true)) {
                if (error == null && late != null) {
                    late.accept(value);
                }
                return;
            }
            if (error != null) {
                availability.failed(what, error);
                bounded.completeExceptionally(error);
            } else {
                availability.succeeded();
                bounded.complete(value);
            }
        });
        return bounded;
    }

    /**
     * The outcome of one {@link #call}, decided once, by whichever comes first: Redis' reply, or
     * {@link #expire} (the bound's timer, or a caller that stopped waiting on its own clock). Either
     * records Redis' availability before the outcome can be seen, so that a caller who saw a failure
     * finds the outage already known to every other primitive of the backend.
     */
    final class Call<T> extends CompletableFuture<T> {

        private final AtomicBoolean decided = new AtomicBoolean();
        private final String what;
        private final long boundNanos;
        private final boolean silenceMarksDown;

        private Call(String what, long boundNanos, boolean silenceMarksDown) {
            this.what = what;
            this.boundNanos = boundNanos;
            this.silenceMarksDown = silenceMarksDown;
        }

        /** Gives up on the reply, as the bound's timer does; no effect once the call is decided. */
        void expire() {
            if (decided.compareAndSet(false, true)) {
                if (silenceMarksDown) {
                    availability.failed(what, new TimeoutException("no answer in time"));
                }
                completeExceptionally(new TimeoutException("no answer from Redis within "
                        + Duration.ofNanos(boundNanos).toMillis() + "ms"));
            }
        }
    }

    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return RedisTimer.schedule(task, delayNanos);
    }

    /** Checks {@code hold} from now on, until {@link #untrack}; false when this backend is closed. */
    boolean track(RedisHold hold) {
        renewed.add(hold);
        if (sweeping.compareAndSet(false, true)) {
            scheduleRenewals(); // from the first hold on, so that a backend of only rate limiters and barriers never sweeps
        }
        if (closed) {
            renewed.remove(hold);
            return false;
        }
        return true;
    }

    void untrack(RedisHold hold) {
        renewed.remove(hold);
    }

    /** Visits every hold often enough to register it in time and to check its lease every third of it. */
    private void scheduleRenewals() {
        schedule(() -> {
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            for (RedisHold hold : renewed) {
                hold.tick(now);
            }
            scheduleRenewals();
        }, Math.min(SWEEP_NANOS, leaseNanos / 3));
    }

    /** Stops checking leases (Redisson's watchdog keeps lock holds alive until they are released or the client stops). */
    void close() {
        closed = true;
        renewed.clear();
    }
}

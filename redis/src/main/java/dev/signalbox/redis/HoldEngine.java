package dev.signalbox.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.redisson.RedissonFencedLock;
import org.redisson.api.RAtomicLong;
import org.redisson.api.RLock;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RReadWriteLock;

/**
 * How a hold of one sort is taken, checked and given back in Redis: always through Redisson's own
 * objects, never a script of ours.
 * <ul>
 * <li>lock: {@link RedissonFencedLock} (its token is the fencing token);</li>
 * <li>read and write sides: {@link RReadWriteLock}, writes fenced by an {@link RAtomicLong}
 *     incremented at each write grant;</li>
 * <li>semaphore: {@link RPermitExpirableSemaphore}, one permit id and lease per permit held.</li>
 * </ul>
 * Redisson's locks are bound to a thread id; every attempt here uses a fresh synthetic id
 * ({@link RedisBackend#newThreadId()}, negative, so it never equals a real thread's), remembered in the
 * {@link Grant}, so a hold may be released from any thread. Lock and read-write holds are renewed by
 * Redisson's watchdog (lease {@code -1}: the client's {@code lockWatchdogTimeout}); semaphore permits
 * carry an explicit lease, renewed by {@link #confirm}.
 */
abstract sealed class HoldEngine {

    final RedisBackend backend;
    final RedisKeys keys;

    private HoldEngine(RedisBackend backend, RedisKeys keys) {
        this.backend = backend;
        this.keys = keys;
    }

    static HoldEngine lock(RedisBackend backend, RedisKeys keys) {
        return new Lock(backend, keys);
    }

    static HoldEngine read(RedisBackend backend, RedisKeys keys, RReadWriteLock lock) {
        return new ReadOrWrite(backend, keys, lock.readLock(), null);
    }

    static HoldEngine write(RedisBackend backend, RedisKeys keys, RReadWriteLock lock) {
        return new ReadOrWrite(backend, keys, lock.writeLock(), backend.client.getAtomicLong(keys.fence()));
    }

    static HoldEngine semaphore(RedisBackend backend, RedisKeys keys, int capacity) {
        return new Semaphore(backend, keys, capacity);
    }

    /**
     * One attempt, bounded by {@code boundNanos}: resolves to the grant, or to null when the hold was
     * not free within {@code waitMillis} (0: tries once, one round trip; more: Redisson waits on its own
     * pub/sub channel for a release). A grant that arrives after the bound is given back at once.
     */
    abstract CompletableFuture<Grant> acquire(int permits, long waitMillis, long boundNanos, boolean silenceMarksDown);

    /** Asks Redis whether {@code grant} is still held (and renews what Redisson's watchdog does not). */
    abstract CompletableFuture<Boolean> confirm(Grant grant);

    /**
     * Gives the hold back; never releases anybody else's. Completes when Redis has answered (or
     * failed): true when all of it was still ours, false when Redis no longer had (some of) it.
     */
    abstract CompletableFuture<Boolean> release(Grant grant);

    /** True when grants of this side carry fencing tokens. */
    abstract boolean fenced();

    /**
     * True when a hold may be handed from one local caller to the next without a Redis round trip
     * (see {@link ClusterGate#handOver}): only for the exclusive lock, whose Redis hold is one owner's.
     */
    boolean handsOver() {
        return false;
    }

    /**
     * What Redis granted.
     *
     * @param threadId  the synthetic thread id the Redisson lock knows the hold by (locks, both sides)
     * @param permitIds the semaphore's permit ids (empty for locks)
     * @param token     the fencing token, 0 for none
     */
    record Grant(long threadId, List<String> permitIds, long token) {
    }

    private static <T> CompletableFuture<T> quietly(CompletionStage<T> stage) {
        return stage.toCompletableFuture().exceptionally(e -> null);
    }

    /**
     * Unlocks {@code threadId}'s hold: true when released, false when it was no longer ours (Redisson
     * answers that with an {@link IllegalMonitorStateException}, which is an answer, not an outage).
     */
    private static CompletionStage<Boolean> unlock(RLock lock, long threadId) {
        return lock.unlockAsync(threadId).handle((ignored, error) -> {
            if (error == null) {
                return true;
            }
            for (Throwable t = error; t != null; t = t.getCause()) {
                if (t instanceof IllegalMonitorStateException) {
                    return false;
                }
            }
            throw error instanceof java.util.concurrent.CompletionException c ? c : new java.util.concurrent.CompletionException(error);
        });
    }

    /** A lock: Redisson's fenced lock, renewed by its watchdog; the token comes with the grant. */
    private static final class Lock extends HoldEngine {

        private final RedissonFencedLock lock;

        Lock(RedisBackend backend, RedisKeys keys) {
            super(backend, keys);
            this.lock = (RedissonFencedLock) backend.client.getFencedLock(keys.main());
        }

        @Override
        CompletableFuture<Grant> acquire(int permits, long waitMillis, long boundNanos, boolean silenceMarksDown) {
            long threadId = backend.newThreadId();
            return backend.<Long>call("acquire " + keys.label(),
                    () -> lock.tryLockAndGetTokenAsync(waitMillis, -1, TimeUnit.MILLISECONDS, threadId), boundNanos,
                    silenceMarksDown, late -> {
                        if (late != null) {
                            release(new Grant(threadId, List.of(), late));
                        }
                    }).thenApply(token -> token == null ? null : new Grant(threadId, List.of(), token));
        }

        @Override
        CompletableFuture<Boolean> confirm(Grant grant) {
            return backend.call("check the lease of " + keys.label(), () -> lock.isHeldByThreadAsync(grant.threadId()),
                    backend.maintenanceBound(), true, null);
        }

        @Override
        CompletableFuture<Boolean> release(Grant grant) {
            return backend.call("release " + keys.label(), () -> unlock(lock, grant.threadId()), backend.maintenanceBound(),
                    true, null);
        }

        @Override
        boolean fenced() {
            return true;
        }

        @Override
        boolean handsOver() {
            return true;
        }
    }

    /** A side of Redisson's read-write lock, renewed by its watchdog; writes fenced by a counter. */
    private static final class ReadOrWrite extends HoldEngine {

        private final RLock side;
        /** The write side's token counter; null for the read side. */
        private final RAtomicLong fence;

        ReadOrWrite(RedisBackend backend, RedisKeys keys, RLock side, RAtomicLong fence) {
            super(backend, keys);
            this.side = side;
            this.fence = fence;
        }

        @Override
        CompletableFuture<Grant> acquire(int permits, long waitMillis, long boundNanos, boolean silenceMarksDown) {
            long threadId = backend.newThreadId();
            return backend.<Grant>call("acquire " + keys.label(), () -> side.tryLockAsync(waitMillis, -1, TimeUnit.MILLISECONDS, threadId)
                    .thenCompose(granted -> {
                        if (!granted) {
                            return CompletableFuture.completedFuture(null);
                        }
                        if (fence == null) {
                            return CompletableFuture.completedFuture(new Grant(threadId, List.of(), 0));
                        }
                        // The token is taken after the grant: see RedisHold#startRenewal for why that stays ordered.
                        return fence.incrementAndGetAsync().handle((token, error) -> {
                            if (error != null) {
                                side.unlockAsync(threadId);
                                throw new java.util.concurrent.CompletionException(error);
                            }
                            return new Grant(threadId, List.of(), token);
                        });
                    }), boundNanos, silenceMarksDown, late -> {
                        if (late != null) {
                            release(late);
                        }
                    });
        }

        @Override
        CompletableFuture<Boolean> confirm(Grant grant) {
            return backend.call("check the lease of " + keys.label(), () -> side.isHeldByThreadAsync(grant.threadId()),
                    backend.maintenanceBound(), true, null);
        }

        @Override
        CompletableFuture<Boolean> release(Grant grant) {
            return backend.call("release " + keys.label(), () -> unlock(side, grant.threadId()), backend.maintenanceBound(),
                    true, null);
        }

        @Override
        boolean fenced() {
            return fence != null;
        }
    }

    /**
     * Redisson's expirable-permit semaphore. Its permit count is set ({@code trySetPermits}) at first
     * use and again whenever Redis reports the key missing (idle expiry, or a restart that lost it).
     * Each grant and renewal sets the semaphore's keys to expire two leases later, so they outlive
     * every lease granted on them and vanish when idle.
     */
    private static final class Semaphore extends HoldEngine {

        private final RPermitExpirableSemaphore semaphore;
        private final int capacity;
        private volatile boolean initialized;

        Semaphore(RedisBackend backend, RedisKeys keys, int capacity) {
            super(backend, keys);
            this.semaphore = backend.client.getPermitExpirableSemaphore(keys.main());
            this.capacity = capacity;
        }

        private CompletionStage<Boolean> ensurePermits() {
            if (initialized) {
                return CompletableFuture.completedFuture(true);
            }
            return semaphore.trySetPermitsAsync(capacity).thenApply(set -> {
                initialized = true;
                return set;
            });
        }

        @Override
        CompletableFuture<Grant> acquire(int permits, long waitMillis, long boundNanos, boolean silenceMarksDown) {
            // Before its first acquisition a handle sets the permits: two round trips, so twice the bound.
            long bound = initialized ? boundNanos : 2 * boundNanos;
            return backend.<Grant>call("acquire " + keys.label(), () -> ensurePermits()
                    .thenCompose(ignored -> semaphore.tryAcquireAsync(permits, waitMillis, backend.leaseMillis, TimeUnit.MILLISECONDS))
                    .thenCompose(ids -> {
                        if (!ids.isEmpty()) {
                            keepAlive();
                            return CompletableFuture.completedFuture(new Grant(0, List.copyOf(ids), 0));
                        }
                        // Not granted: full, or the key is gone (expired when idle, or Redis lost it).
                        return semaphore.isExistsAsync().thenApply(exists -> {
                            if (!exists) {
                                initialized = false;
                            }
                            return (Grant) null;
                        });
                    }), bound, silenceMarksDown, late -> {
                        if (late != null) {
                            release(late);
                        }
                    });
        }

        private void keepAlive() {
            quietly(semaphore.expireAsync(Duration.ofMillis(2 * backend.leaseMillis)));
        }

        @Override
        CompletableFuture<Boolean> confirm(Grant grant) {
            return backend.<Boolean>call("renew the lease of " + keys.label(), () -> {
                CompletableFuture<Boolean> all = CompletableFuture.completedFuture(true);
                for (String id : grant.permitIds()) {
                    CompletableFuture<Boolean> one = semaphore.updateLeaseTimeAsync(id, backend.leaseMillis, TimeUnit.MILLISECONDS)
                            .toCompletableFuture();
                    all = all.thenCombine(one, Boolean::logicalAnd);
                }
                return all.thenApply(held -> {
                    if (held) {
                        keepAlive();
                    }
                    return held;
                });
            }, backend.maintenanceBound(), true, null);
        }

        @Override
        CompletableFuture<Boolean> release(Grant grant) {
            List<String> ids = grant.permitIds();
            return backend.<Boolean>call("release " + keys.label(), () -> {
                if (ids.size() == 1) {
                    return semaphore.tryReleaseAsync(ids.get(0));
                }
                // Redisson releases a list all-or-nothing: none when one of them has expired. Then one by one.
                return semaphore.tryReleaseAsync(ids).thenCompose(released -> {
                    if (released == ids.size()) {
                        return CompletableFuture.completedFuture(true);
                    }
                    // Not ours only where Redis said so (false); a release that failed (null) says nothing either way.
                    List<CompletableFuture<Boolean>> each = ids.stream().map(id -> quietly(semaphore.tryReleaseAsync(id))).toList();
                    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                            .thenApply(ignored -> each.stream().noneMatch(one -> Boolean.FALSE.equals(one.join())));
                });
            }, backend.maintenanceBound(), true, null);
        }

        @Override
        boolean fenced() {
            return false;
        }
    }
}

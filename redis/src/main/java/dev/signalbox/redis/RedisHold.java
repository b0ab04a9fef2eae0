package dev.signalbox.redis;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalbox.core.Permit;
import dev.signalbox.redis.HoldEngine.Grant;

/**
 * A hold in Redis, checked every third of the lease while held (Redisson's watchdog renews lock
 * holds; the check renews semaphore permits). Lost when Redis says it is no longer ours, or when a
 * whole lease has passed since Redis last confirmed it (counted from when that check was sent, so
 * the lease in Redis cannot have outlived what this instance believes). Closing it releases exactly
 * this hold in Redis (its synthetic thread id or permit ids), so a lost hold never releases somebody
 * else's, and gives the local queue's permit back only once Redis has answered (or failed to), so
 * the next local caller does not find its own predecessor still holding. Closing also decides whether
 * it was still ours, before {@code close()} returns (see {@link #giveBack()}).
 */
final class RedisHold extends ClusterHold {

    private static final Logger log = LoggerFactory.getLogger(RedisClusterPrimitives.class);

    private final Grant grant;
    private final RedisMembers.HolderEntry entry;
    private final long token;
    /** When the Redis grant's command was sent; the same for every hold it is handed to. */
    private final long grantedAt;
    /** 0 for the Redis grant, then one more with each local hand-over of it (locks only). */
    private final int sequence;
    private final LocalHandOver.OthersWaiting othersWaiting;
    private volatile long confirmedAt;
    /** When the last lease check was sent (or the grant's command, before the first). */
    private volatile long checkedAt;
    private volatile boolean renewing;
    private volatile boolean lost;

    /**
     * A hold Redis has just granted.
     *
     * @param holdId    this hold's id in the members registry
     * @param grantSent when the granting command was sent (the lease runs from no earlier)
     */
    RedisHold(ClusterGate gate, Grant grant, String holdId, int permits, long sinceMillis, Permit local, long grantSent,
            Thread thread) {
        super(gate, local, permits, thread);
        this.grant = grant;
        this.entry = gate.members.holder(holdId, permits, sinceMillis);
        this.sequence = 0;
        this.token = gate.engine.handsOver() ? LocalHandOver.token(grant, 0) : grant.token();
        this.grantedAt = grantSent;
        this.confirmedAt = grantSent;
        this.checkedAt = grantSent;
        this.othersWaiting = new LocalHandOver.OthersWaiting();
    }

    /** A Redis hold a local predecessor handed over: the same grant, lease and members entry, the next token. */
    RedisHold(ClusterGate gate, LocalHandOver handedOver, int permits, long sinceMillis, Permit local, Thread thread) {
        super(gate, local, permits, thread);
        this.grant = handedOver.grant;
        this.entry = handedOver.entry;
        this.sequence = handedOver.sequence;
        this.token = LocalHandOver.token(grant, sequence);
        this.grantedAt = handedOver.grantedAt;
        this.confirmedAt = handedOver.confirmedAt;
        this.checkedAt = handedOver.confirmedAt;
        this.othersWaiting = handedOver.othersWaiting;
    }

    /**
     * Starts the lease checks ({@code waited}: granted at the end of a Redisson wait, not by a single command). A grant whose reply took a whole lease to arrive may have expired
     * already; it counts as lost at once. That also keeps a write's fencing token (taken right after
     * the grant) ordered: a newer writer can be granted only after this lease ran out, so after the
     * token of a grant that was confirmed within its lease.
     */
    void startRenewal(boolean waited) {
        long took = System.nanoTime() - confirmedAt;
        if (took >= gate.backend.leaseNanos) {
            lose("the grant took " + TimeUnit.NANOSECONDS.toMillis(took) + "ms to arrive, longer than the lease of "
                    + gate.backend.leaseMillis + "ms");
        } else if (!gate.backend.track(this)) {
            lose("the cluster backend was closed, so nothing checks the lease");
        } else if (waited) {
            check(System.nanoTime()); // the grant came at an unknown moment of a Redisson wait: confirm it now
        }
    }

    /**
     * Called by the backend's sweep ({@link RedisBackend#SWEEP_NANOS}): writes the members entry once
     * the Redis grant has lasted {@link RedisMembers#REGISTER_AFTER_NANOS}, and checks the lease every
     * third of it.
     */
    void tick(long now) {
        if (isClosed() || lost) {
            stopRenewal();
            return;
        }
        if (now - grantedAt >= RedisMembers.REGISTER_AFTER_NANOS) {
            entry.register();
        }
        if (now - checkedAt >= gate.backend.leaseNanos / 3 || now - confirmedAt >= gate.backend.leaseNanos) {
            check(now);
        }
    }

    /** Lost when a whole lease has passed unconfirmed; else asks Redis (one check at a time). */
    private void check(long now) {
        if (now - confirmedAt >= gate.backend.leaseNanos) {
            lose("Redis has not confirmed a renewal for " + TimeUnit.NANOSECONDS.toMillis(now - confirmedAt)
                    + "ms, longer than the lease of " + gate.backend.leaseMillis + "ms");
            return;
        }
        if (renewing) {
            return;
        }
        renewing = true;
        checkedAt = now;
        gate.engine.confirm(grant).whenComplete((ours, error) -> {
            renewing = false;
            if (error != null || isClosed()) {
                return; // tried again at the next tick; lost once a whole lease passes unconfirmed
            }
            if (ours) {
                confirmedAt = Math.max(confirmedAt, now);
                entry.refresh(); // its expiry follows the lease
            } else {
                lose("Redis no longer has it (its lease ran out while this process or Redis was unreachable or paused,"
                        + " or Redis restarted)");
            }
        });
    }

    private void lose(String reason) {
        if (isClosed()) {
            return; // closing decides on its own (giveBack)
        }
        markLost(reason);
    }

    /** Counts, logs and shows ({@link #isLost()}) the loss once; while closing, before close returns. */
    private synchronized void markLost(String reason) {
        if (lost) {
            return;
        }
        lost = true;
        stopRenewal();
        log.warn("{}: lease lost while held: {}. Another instance may hold it now; {}", gate.describe(), reason,
                token > 0 ? "a store fencing writes with this permit's token " + token + " refuses them once a newer holder has written"
                        : "work done under this permit is no longer exclusive");
        gate.leaseLost();
    }

    private void stopRenewal() {
        gate.backend.untrack(this);
    }

    /**
     * Decides, before the caller gets control back, whether the hold was still ours: a whole lease
     * unconfirmed on the local clock counts as lost at once (no round trip: a process paused past its
     * lease finds out here even when it closes before the next sweep). Then releases it in Redis; when
     * Redis answers that it was no longer ours, it counts as lost too. The thread that acquired a
     * blocking or try-once hold waits for that answer (at most {@link RedisBackend#maintenanceBound()});
     * any other thread (an async hold's callback, which may be an event loop) learns it when it comes.
     */
    @Override
    void giveBack() {
        stopRenewal();
        long unconfirmed = System.nanoTime() - confirmedAt;
        if (unconfirmed >= gate.backend.leaseNanos) {
            markLost("Redis had not confirmed it for " + TimeUnit.NANOSECONDS.toMillis(unconfirmed) + "ms when it was closed,"
                    + " longer than the lease of " + gate.backend.leaseMillis + "ms (the process, or its connection to Redis,"
                    + " was stalled or paused)");
        }
        if (mayHandOver()) {
            gate.handOver(new LocalHandOver(grant, grantedAt, entry, sequence + 1, confirmedAt, othersWaiting), local);
            return;
        }
        entry.remove();
        if (gate.backend.availability.knownDown()) {
            gate.closeLocal(local); // the hold ends with its lease; waiting for a dead Redis would only hold up local callers
            return;
        }
        CompletableFuture<Boolean> released = gate.engine.release(grant).whenComplete((ours, error) -> {
            if (Boolean.FALSE.equals(ours)) {
                markLost("Redis answered its release that it no longer had it (its lease ran out while this process or"
                        + " Redis was unreachable or paused, or Redis restarted)");
            }
            gate.closeLocal(local);
        });
        if (thread == Thread.currentThread()) {
            awaitQuietly(released, gate.backend.maintenanceBound());
        }
    }

    /** Waits for {@code released} at most {@code boundNanos}; an interrupt ends the wait and stays set. */
    private static void awaitQuietly(CompletableFuture<?> released, long boundNanos) {
        try {
            released.get(boundNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Redis failed or is slow: the release goes on behind, as before; its outcome is logged when it comes.
        }
    }

    /** A lock hold goes to the next local caller while one waits, within the bound of {@link LocalHandOver}. */
    private boolean mayHandOver() {
        return gate.engine.handsOver() && !lost && sequence + 1 < LocalHandOver.MAX_HOLDS
                && gate.waitingCount() > 0
                && System.nanoTime() - grantedAt < gate.backend.leaseNanos / 30
                && !gate.backend.availability.knownDown()
                && !othersWaiting.check(gate);
    }

    @Override
    public boolean isLost() {
        return lost;
    }

    @Override
    public boolean isFallback() {
        return false;
    }

    @Override
    public OptionalLong fencingToken() {
        return token > 0 ? OptionalLong.of(token) : OptionalLong.empty();
    }

    @Override
    public String toString() {
        return "cluster permit of " + gate.describe() + (token > 0 ? ", token " + token : "")
                + (lost ? ", lease lost" : "") + (isHeld() ? ", held" : ", released");
    }
}

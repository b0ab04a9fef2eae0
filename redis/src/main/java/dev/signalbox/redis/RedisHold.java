package dev.signalbox.redis;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalbox.core.Permit;
import dev.signalbox.redis.HoldScripts.HoldId;

/**
 * A hold in Redis: renewed every third of the lease while held; lost when Redis says it is no
 * longer ours, or when a whole lease has passed since the last renewal Redis confirmed (counted
 * from when that renewal was sent, so the lease in Redis cannot have outlived what this instance
 * believes). Closing it releases exactly this hold id in Redis, so a lost hold never releases
 * somebody else's, and gives the local queue's permit back only once Redis has answered (or failed
 * to), so the next local caller does not find its own predecessor still holding.
 */
final class RedisHold extends ClusterHold {

    private static final Logger log = LoggerFactory.getLogger(RedisClusterPrimitives.class);

    private final HoldId id;
    private final long token;
    private volatile long confirmedAt;
    private volatile boolean renewing;
    private volatile boolean lost;

    /**
     * @param token     the fencing token, or 0 for holds without one
     * @param grantSent when the granting command was sent (the lease runs from no earlier)
     */
    RedisHold(ClusterGate gate, HoldId id, Permit local, long token, long grantSent, Thread thread) {
        super(gate, local, id.permits(), thread);
        this.id = id;
        this.token = token;
        this.confirmedAt = grantSent;
    }

    void startRenewal() {
        if (!gate.backend.track(this)) {
            lose("the cluster backend was closed, so nothing renews the lease");
        }
    }

    /** Called by the backend's renewal sweep, every third of a lease. */
    void renew() {
        if (isClosed() || lost) {
            stopRenewal();
            return;
        }
        long now = System.nanoTime();
        if (now - confirmedAt >= gate.backend.leaseNanos) {
            lose("Redis has not confirmed a renewal for " + TimeUnit.NANOSECONDS.toMillis(now - confirmedAt)
                    + "ms, longer than the lease of " + gate.backend.leaseMillis + "ms");
            return;
        }
        if (renewing) {
            return;
        }
        renewing = true;
        gate.scripts.renew(id).whenComplete((ours, error) -> {
            renewing = false;
            if (error != null || isClosed()) {
                return; // tried again at the next tick; lost once a whole lease passes unconfirmed
            }
            if (ours == 1) {
                confirmedAt = Math.max(confirmedAt, now);
            } else {
                lose("Redis no longer has it (its lease ran out while this process or Redis was unreachable or paused,"
                        + " or Redis restarted)");
            }
        });
    }

    private void lose(String reason) {
        if (lost || isClosed()) {
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

    @Override
    void giveBack() {
        stopRenewal();
        if (gate.backend.availability.knownDown()) {
            local.close(); // the hold ends with its lease; waiting for a dead Redis would only hold up local callers
            return;
        }
        if (!lost && gate.handOver(id)) {
            local.close(); // the next local caller takes the hold over in Redis
            return;
        }
        gate.scripts.release(id).whenComplete((ours, error) -> local.close());
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

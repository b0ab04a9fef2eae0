package dev.signalbox.redis;

import dev.signalbox.core.Permit;

/**
 * The {@link Permit} of a cluster primitive: a hold in Redis with a lease, renewed in the background
 * while it is held (Redisson's watchdog for locks, this instance for semaphore permits), and checked
 * every third of the lease (the Redisson client's {@code lockWatchdogTimeout}).
 *
 * <p><b>Lost leases.</b> A hold whose lease could not be renewed in time (Redis unreachable, or this
 * process paused for longer than a lease) or that Redis no longer shows as ours is <em>lost</em>:
 * {@link #isLost()} turns true, the primitive's listener hears
 * {@link dev.signalbox.core.PrimitiveListener#onLeaseLost}, and a warning names the guard and key.
 * From then on another instance may hold the same guard, so work guarded by this permit must not
 * write anything that is not fenced by its {@link #fencingToken()}. Closing a lost permit is still
 * required (it frees this instance's local queue) and never releases somebody else's hold: Redisson
 * releases a hold only for the thread id or permit id that acquired it.
 *
 * <p><b>Fallback.</b> When Redis is unreachable and {@code signalbox.redis.on-unavailable: local} is
 * set, a permit may come from the local fallback ({@link #isFallback()}): it excludes only the callers
 * of this instance, has no lease and no fencing token, and is never lost.
 */
public interface ClusterPermit extends Permit {

    /** True once the lease of this hold is known to be lost; stays true. */
    boolean isLost();

    /** True when this permit was granted by the local fallback while Redis was unreachable. */
    boolean isFallback();
}

package dev.signalbox.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.signalbox.core.Holder;
import dev.signalbox.core.Permit;

/**
 * What a granted cluster hold keeps on this instance: the permit of the local queue (given back
 * last, so the next local caller competes in Redis only once this hold is gone), who holds it and
 * since when. Closed exactly once.
 */
abstract sealed class ClusterHold implements ClusterPermit permits RedisHold, FallbackHold {

    final ClusterGate gate;
    final Permit local;
    final int permits;
    /** The caller's thread for blocking and try-once grants, null for async ones. */
    final Thread thread;
    final long acquiredAt = System.nanoTime();
    private final Instant since = Instant.now();
    private final AtomicBoolean closed = new AtomicBoolean();

    ClusterHold(ClusterGate gate, Permit local, int permits, Thread thread) {
        this.gate = gate;
        this.local = local;
        this.permits = permits;
        this.thread = thread;
    }

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            gate.released(this);
            giveBack();
        }
    }

    /** Gives the hold back in Redis (if any), then {@link #local}. Called once. */
    abstract void giveBack();

    @Override
    public final boolean isHeld() {
        return !closed.get();
    }

    final Instant since() {
        return since;
    }

    final boolean isClosed() {
        return closed.get();
    }

    final Holder describe(Instant now) {
        String who = thread == null ? "async" : thread.getName();
        if (gate.side != null) {
            who += " (" + gate.side + ")";
        }
        if (isFallback()) {
            who += " (local fallback)";
        } else if (isLost()) {
            who += " (lease lost)";
        }
        return new Holder(who, permits, since, Duration.between(since, now));
    }
}

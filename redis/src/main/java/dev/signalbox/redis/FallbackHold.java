package dev.signalbox.redis;

import dev.signalbox.core.Permit;

/**
 * A hold granted by the local fallback while Redis was unreachable
 * ({@code signalbox.redis.on-unavailable: local}): the local queue's permit alone, so it excludes
 * the callers of this instance only. No lease, no fencing token, never lost.
 */
final class FallbackHold extends ClusterHold {

    FallbackHold(ClusterGate gate, Permit local, int permits, Thread thread) {
        super(gate, local, permits, thread);
    }

    @Override
    void giveBack() {
        gate.closeLocal(local);
    }

    @Override
    public boolean isLost() {
        return false;
    }

    @Override
    public boolean isFallback() {
        return true;
    }

    @Override
    public String toString() {
        return "local fallback permit of " + gate.describe() + (isHeld() ? ", held" : ", released");
    }
}

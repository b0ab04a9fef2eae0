package dev.signalbox.spring;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.core.Acquirable;
import dev.signalbox.core.Permit;

/**
 * The gate of a {@code @Guarded} method without a key that is not a plain lock: a semaphore (EXCLUSIVE
 * with several permits) or one side of a read-write lock, one for all calls. A blocking call does not
 * wait for a guard its thread already holds in a covering mode (see {@link HeldGuards}).
 *
 * @param name    the guard's name, for re-entry
 * @param mode    the mode of this method's hold
 * @param timeout the longest wait
 * @param where   how messages name the annotation on its method
 * @param target  the semaphore, or the read or write side
 */
record UnkeyedGuardGate(String name, Guarded.Mode mode, Duration timeout, String where, Acquirable target) implements CallGate {

    /** The key under which {@link HeldGuards} records an unkeyed hold. */
    private static final Object NO_KEY = new Object();

    @Override
    public Permit enter(Object[] args) throws InterruptedException {
        if (HeldGuards.covers(name, NO_KEY, mode, where)) {
            return NOTHING_HELD;
        }
        return HeldGuards.track(name, NO_KEY, mode, target.acquire(timeout));
    }

    @Override
    public CompletableFuture<Permit> enterAsync(Object[] args) {
        return target.acquireAsync(timeout);
    }
}

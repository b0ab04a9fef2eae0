package dev.signalbox.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Something that can be held through a {@link Permit}: a {@link Lock}, a {@link Semaphore}, either
 * side of a {@link ReadWriteLock}. Waiting comes in three forms:
 * <ul>
 * <li>blocking ({@link #acquire(Duration)}): parks the calling thread, cheap on virtual threads;
 *     interruptible; throws {@link GuardTimeoutException} when the timeout runs out;</li>
 * <li>try-once ({@link #tryAcquire()}): never waits;</li>
 * <li>async ({@link #acquireAsync(Duration)}): returns at once with a future that completes with
 *     the permit when granted; no thread is parked meanwhile. Cancelling that future withdraws the
 *     request and leaves the primitive as it was: when {@code cancel} returns true the caller holds
 *     nothing (a grant racing the cancel is given back, never lost); when it returns false the
 *     grant came first, the future holds the permit, and the caller must close it.</li>
 * </ul>
 * A wait that times out, is interrupted or is cancelled holds nothing and releases nothing.
 */
public interface Acquirable extends Primitive {

    /** Waits as long as it takes. */
    default Permit acquire() throws InterruptedException {
        return acquire(Durations.FOREVER);
    }

    /**
     * Waits at most {@code timeout}; {@link Duration#ZERO} tries once.
     *
     * @throws GuardTimeoutException when the timeout runs out (the caller holds nothing)
     * @throws InterruptedException when interrupted while waiting (the caller holds nothing)
     */
    Permit acquire(Duration timeout) throws InterruptedException;

    /**
     * Acquires if that is possible right now; otherwise {@code null}. Whether it may overtake
     * queued waiters is the primitive's ordering (for a lock or semaphore, its {@link Fairness}).
     */
    Permit tryAcquire();

    /** Async wait with no timeout. */
    default CompletableFuture<Permit> acquireAsync() {
        return acquireAsync(Durations.FOREVER);
    }

    /**
     * Async wait: the future completes with the permit, or exceptionally with
     * {@link GuardTimeoutException} when {@code timeout} runs out.
     */
    CompletableFuture<Permit> acquireAsync(Duration timeout);
}

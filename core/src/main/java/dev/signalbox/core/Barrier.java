package dev.signalbox.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A cyclic barrier (asyncio's {@code Barrier}): each caller waits until {@link #parties()} callers
 * have arrived; then that whole generation is released together and the next caller starts a fresh
 * generation. Each caller learns its arrival index in its generation, {@code 0} for the first to
 * arrive and {@code parties() - 1} for the one that completed it.
 *
 * <p><b>Breaking:</b> when a waiting party times out, is interrupted, has its async wait cancelled,
 * or {@link #abort()} is called, the current generation is broken: every party waiting in it fails
 * with {@link BarrierBrokenException}, whose message names what broke it (the party that timed out
 * gets that exception too; an interrupted thread gets {@link InterruptedException}; a cancelled
 * future is cancelled). The barrier is not left broken: the next arrival starts a fresh generation.
 * A party that gives up at the very moment the last party arrives breaks the generation rather than
 * being released with it, so a generation is either released whole or not at all.
 *
 * <p><b>Ordering:</b> arrival indices follow arrival order, and the parties of a generation are woken
 * in that order; no party of a later generation is ever released with an earlier one.
 * <b>Timeouts:</b> {@link Duration#ZERO} never waits: unless the caller completes the generation,
 * it breaks it. <b>Memory:</b> actions of every party before its arrival happen-before the return of
 * every party released with that generation.
 */
public interface Barrier extends Primitive {

    /** An uninstrumented barrier for {@code parties} parties (at least 2). */
    static Barrier create(String name, int parties) {
        return new LocalBarrier(name, parties, PrimitiveListener.NONE);
    }

    /** A barrier for {@code parties} parties (at least 2), reporting to {@code listener}. */
    static Barrier create(String name, int parties, PrimitiveListener listener) {
        return new LocalBarrier(name, parties, listener);
    }

    @Override
    default Kind kind() {
        return Kind.BARRIER;
    }

    /** How many parties make a generation. */
    int parties();

    /** How many parties are waiting in the current generation now. */
    int arrived();

    /** Waits without limit for the rest of this generation; see {@link #await(Duration)}. */
    default int await() throws InterruptedException {
        return await(Durations.FOREVER);
    }

    /**
     * Arrives and waits until the generation is complete.
     *
     * @param timeout the longest to wait; {@link Durations#FOREVER} for no limit
     * @return this caller's arrival index in its generation, {@code 0} to {@code parties() - 1}
     * @throws BarrierBrokenException when the generation broke, including because this caller's
     *         timeout ran out
     * @throws InterruptedException when interrupted while waiting (the generation is then broken)
     */
    int await(Duration timeout) throws InterruptedException;

    /** Async wait without limit; see {@link #awaitAsync(Duration)}. */
    default CompletableFuture<Integer> awaitAsync() {
        return awaitAsync(Durations.FOREVER);
    }

    /**
     * Arrives without parking a thread: the future completes with the arrival index once the
     * generation is complete, or fails with {@link BarrierBrokenException} when it breaks (including
     * because this wait's timeout ran out). Cancelling the future withdraws this party and breaks its
     * generation, unless the generation was already released.
     */
    CompletableFuture<Integer> awaitAsync(Duration timeout);

    /**
     * Breaks the current generation: every party waiting in it fails with
     * {@link BarrierBrokenException}. The next arrival starts a fresh generation. Does nothing when
     * nobody waits.
     */
    void abort();
}

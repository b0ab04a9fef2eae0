package dev.signalbox.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A cyclic barrier (asyncio's {@code Barrier}): each caller waits until {@link #parties()} callers
 * have arrived; then that whole generation is released together and the next caller starts a fresh
 * generation. Each caller learns its arrival index in its generation, {@code 0} for the first of
 * the parties released together and {@code parties() - 1} for the one that completed it; the
 * indices of a released generation are always exactly {@code 0..parties() - 1}.
 *
 * <p><b>Giving up:</b> a party that stops waiting while its generation still fills does one of two
 * things, {@link GiveUp its give-up rule}:
 * <ul>
 * <li>{@link GiveUp#WITHDRAW} (asyncio's rule; the default of {@link #awaitAsync(Duration)}): only
 * that party leaves. {@link #waiting()} drops by one, the others keep waiting, and a later arrival
 * can complete the generation with them. A cancelled future is cancelled; a future whose timeout ran
 * out fails with {@link GuardTimeoutException} (nothing broke).</li>
 * <li>{@link GiveUp#BREAK_GENERATION} (the rule of {@link java.util.concurrent.CyclicBarrier}; always
 * the rule of a blocking party, {@link #await(Duration)}, and of
 * {@link #awaitAsync(Duration, GiveUp) awaitAsync(timeout, BREAK_GENERATION)}): the party's timeout,
 * interrupt or cancellation breaks its generation: every party waiting in it fails with
 * {@link BarrierBrokenException}, whose message names what broke it (the party that timed out gets
 * that exception too; an interrupted thread gets {@link InterruptedException}; a cancelled future is
 * cancelled). Unlike a {@code CyclicBarrier}, the barrier is not left broken: the next arrival
 * starts a fresh generation.</li>
 * </ul>
 * Either way a give-up that meets the last arrival decides once: either the generation is released
 * whole (a cancel then returns false, and the party has its index), or the party gave up first (and,
 * withdrawing, is not counted; breaking, the generation is not released). A generation is released
 * whole or not at all.
 *
 * <p><b>Abort and reset:</b> {@link #abort()} breaks the current generation and leaves the barrier
 * broken ({@link #isBroken()}): every later arrival fails at once with
 * {@link BarrierBrokenException}, until {@link #reset()}. {@code reset()} fails the parties waiting
 * now with {@link BarrierBrokenException}, clears the broken state, and the barrier is usable at
 * once: the next arrival starts a fresh generation.
 *
 * <p><b>Ordering:</b> indices follow arrival order among the parties released together, and the
 * parties of a generation are woken in that order; no party of a later generation is ever released
 * with an earlier one. <b>Timeouts:</b> {@link Duration#ZERO} never waits: unless the caller
 * completes the generation, it gives up at once by its rule (a blocking party breaks the
 * generation). <b>Memory:</b> actions of every party before its arrival happen-before the return of
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

    /** What an async party that gives up (its timeout ran out, its future was cancelled) does to its generation. */
    enum GiveUp {
        /**
         * Only this party leaves the generation, which keeps filling with the others (asyncio's
         * rule). A timeout fails the future with {@link GuardTimeoutException}.
         */
        WITHDRAW,
        /**
         * The party breaks its generation: every party waiting in it fails with
         * {@link BarrierBrokenException}, this one too when its timeout ran out
         * ({@link java.util.concurrent.CyclicBarrier}'s rule, and always a blocking party's).
         */
        BREAK_GENERATION
    }

    @Override
    default Kind kind() {
        return Kind.BARRIER;
    }

    /** How many parties make a generation. */
    int parties();

    /** How many parties are waiting in the current generation now (asyncio's {@code n_waiting}). */
    int waiting();

    /** True from {@link #abort()} until {@link #reset()}: every arrival meanwhile fails at once. */
    boolean isBroken();

    /** Waits without limit for the rest of this generation; see {@link #await(Duration)}. */
    default int await() throws InterruptedException {
        return await(Durations.FOREVER);
    }

    /**
     * Arrives and waits until the generation is complete. A timeout or an interrupt breaks the
     * generation ({@link GiveUp#BREAK_GENERATION}).
     *
     * @param timeout the longest to wait; {@link Durations#FOREVER} for no limit
     * @return this caller's arrival index in its generation, {@code 0} to {@code parties() - 1}
     * @throws BarrierBrokenException when the generation broke, including because this caller's
     *         timeout ran out, or at once when the barrier is broken ({@link #isBroken()})
     * @throws InterruptedException when interrupted while waiting (the generation is then broken)
     */
    int await(Duration timeout) throws InterruptedException;

    /** Async wait without limit; see {@link #awaitAsync(Duration)}. */
    default CompletableFuture<Integer> awaitAsync() {
        return awaitAsync(Durations.FOREVER);
    }

    /**
     * {@link #awaitAsync(Duration, GiveUp) awaitAsync(timeout, GiveUp.WITHDRAW)}: cancelling the
     * future, or its timeout running out, while the generation still fills withdraws this party only
     * (a timeout fails the future with {@link GuardTimeoutException}).
     */
    default CompletableFuture<Integer> awaitAsync(Duration timeout) {
        return awaitAsync(timeout, GiveUp.WITHDRAW);
    }

    /**
     * Arrives without parking a thread: the future completes with the arrival index once the
     * generation is complete, or fails with {@link BarrierBrokenException} when it breaks, or at once
     * when the barrier is broken ({@link #isBroken()}). Cancelling the future (or completing it
     * exceptionally), or its timeout running out, while the generation still fills gives the party
     * up by {@code onGiveUp}; once the generation was released a cancel returns false and the future
     * completes with the party's index.
     */
    CompletableFuture<Integer> awaitAsync(Duration timeout, GiveUp onGiveUp);

    /**
     * Breaks the current generation (every party waiting in it fails with
     * {@link BarrierBrokenException}) and leaves the barrier broken: every later arrival fails at once
     * with {@link BarrierBrokenException}, until {@link #reset()}. Aborting a broken barrier changes
     * nothing.
     */
    void abort();

    /**
     * Makes the barrier usable again: every party waiting now fails with
     * {@link BarrierBrokenException} (the barrier was reset), a broken state ({@link #abort()}) is
     * cleared, and the next arrival starts a fresh generation.
     */
    void reset();
}

package dev.signalbox.spring;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.core.Barrier;
import dev.signalbox.core.Permit;

/**
 * The gate of a {@code @Barrier} method: waits until the generation is complete, then runs; holds
 * nothing afterwards. A timeout breaks the generation for every party waiting in it, for async
 * methods too ({@link Barrier.GiveUp#BREAK_GENERATION}, not the withdrawal an async party does by
 * default): the {@code @Barrier} contract promises every caller the same rule.
 *
 * @param barrier the barrier
 * @param timeout the longest wait for the generation to fill
 */
record BarrierGate(Barrier barrier, Duration timeout) implements CallGate {

    @Override
    public Permit enter(Object[] args) throws InterruptedException {
        barrier.await(timeout);
        return NOTHING_HELD;
    }

    @Override
    public CompletableFuture<Permit> enterAsync(Object[] args) {
        return CancellableStage.of(barrier.awaitAsync(timeout, Barrier.GiveUp.BREAK_GENERATION), ignored -> NOTHING_HELD);
    }
}

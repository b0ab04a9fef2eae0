package dev.signalbox.spring;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.core.Permit;

/** The gate of a {@code @Barrier} method: wait until the generation is complete, then run. */
final class BarrierGate implements CallGate {

    private final dev.signalbox.core.Barrier barrier;
    private final Duration timeout;

    BarrierGate(dev.signalbox.core.Barrier barrier, Duration timeout) {
        this.barrier = barrier;
        this.timeout = timeout;
    }

    @Override
    public Permit enter(Object[] args) throws InterruptedException {
        barrier.await(timeout);
        return NOTHING_HELD;
    }

    @Override
    public CompletableFuture<Permit> enterAsync(Object[] args) {
        return CancellableStage.of(barrier.awaitAsync(timeout), ignored -> NOTHING_HELD);
    }
}

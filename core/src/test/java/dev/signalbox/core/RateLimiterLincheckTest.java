package dev.signalbox.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.jetbrains.kotlinx.lincheck.LinCheckerKt;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the rate limiter's non-waiting operations against its own sequential
 * behaviour, with a fake clock that an operation moves forward. Every operation reads the clock
 * and updates the bucket under one lock, so each must appear atomic, and tokens taken by
 * concurrent callers must add up exactly as in some sequential order (no over-admission).
 */
public class RateLimiterLincheckTest {

    private final AtomicLong clock = new AtomicLong();
    private final LocalRateLimiter limiter =
            new LocalRateLimiter("lincheck", 3, Duration.ofMillis(30), PrimitiveListener.NONE, clock::get);

    @Operation
    public boolean tryAcquire(@Param(gen = IntGen.class, conf = "1:3") int permits) {
        return limiter.tryAcquire(permits);
    }

    @Operation
    public int availableTokens() {
        return limiter.availableTokens();
    }

    @Operation
    public long timeUntilAvailable(@Param(gen = IntGen.class, conf = "1:3") int permits) {
        return limiter.timeUntilAvailable(permits).toNanos();
    }

    @Operation
    public boolean isIdle() {
        return limiter.isIdle();
    }

    @Operation
    public void advance(@Param(gen = IntGen.class, conf = "1:25") int millis) {
        clock.addAndGet(millis * 1_000_000L);
    }

    @Test
    void modelChecking() {
        LinCheckerKt.check(new ModelCheckingOptions().iterations(30).invocationsPerIteration(300), getClass());
    }

    @Test
    void stress() {
        LinCheckerKt.check(new StressOptions().iterations(20).invocationsPerIteration(500).threads(3), getClass());
    }
}

package dev.signalbox.core.contract;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.Timeout;

import dev.signalbox.core.Permit;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What every contract suite shares: the bound on every wait, and the two ways an implementation may
 * legitimately differ from the local primitives while still honouring the interface.
 *
 * <p>A contract suite (like JSR-166's TCK) is an abstract class of tests written against an interface
 * of {@code dev.signalbox.core} only; each implementation runs it by extending it with a factory method
 * (core: the local primitives; redis: the cluster primitives). Every wait in a suite is bounded (a
 * bug fails a test instead of hanging the build) and no test asserts how long anything took.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class PrimitiveContract {

    /** The longest any wait of a contract test may last; a hang fails the test instead of the build. */
    protected static final Duration BOUND = Threads.BOUND;

    /**
     * How many iterations a stress test runs, given the count the local primitives run. The local
     * primitives run every count in full. A cluster implementation, where each acquisition and release
     * is a network round trip, may run fewer, so that one suite stays within a few seconds: the thread
     * counts stay the same (so the contention does), only the runs are shorter.
     */
    protected int iterations(int localCount) {
        return localCount;
    }

    /**
     * True when a release, a cancellation or an arrival has taken effect by the time the call returns,
     * as for the local primitives: a release hands the permit to the next waiter before {@code close()}
     * returns, an async arrival is counted before {@code awaitAsync} returns, an async call that cannot
     * succeed in time (a zero timeout, a rate limit too far off) is failed before it returns. A cluster implementation completes these after a round trip to its
     * store (the interfaces allow it: a future completes "when granted"), so it returns false; the
     * contract then waits, at most {@link #BOUND}, for what the local primitives must show at once.
     */
    protected boolean effectsVisibleOnReturn() {
        return true;
    }

    /** {@code condition} holds now (when {@link #effectsVisibleOnReturn()}), or within {@link #BOUND}. */
    protected final void assertNowOrSoon(String what, BooleanSupplier condition) throws InterruptedException {
        if (effectsVisibleOnReturn()) {
            assertThat(condition.getAsBoolean()).as(what).isTrue();
        } else {
            Threads.awaitTrue(what, condition);
        }
    }

    /** {@code future} is completed now (when {@link #effectsVisibleOnReturn()}), or within {@link #BOUND}; its value. */
    protected final <T> T grantedNowOrSoon(String what, CompletableFuture<T> future) throws Exception {
        if (effectsVisibleOnReturn()) {
            assertThat(future).as(what).isCompleted();
        }
        return future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    /** {@code future} has failed now (when {@link #effectsVisibleOnReturn()}), or fails within {@link #BOUND}. */
    protected final void failedNowOrSoon(String what, CompletableFuture<?> future) {
        if (effectsVisibleOnReturn()) {
            assertThat(future).as(what).isCompletedExceptionally();
        } else {
            assertThat(future).as(what).failsWithin(BOUND);
        }
    }

    /**
     * A {@code tryAcquire} right after the holder closed its permit: succeeds at once (when
     * {@link #effectsVisibleOnReturn()}), else is tried again until it succeeds, within {@link #BOUND}.
     */
    protected final Permit tryAcquireNowOrSoon(String what, Supplier<Permit> tryAcquire) throws InterruptedException {
        Permit permit = tryAcquire.get();
        if (effectsVisibleOnReturn()) {
            assertThat(permit).as(what).isNotNull();
            return permit;
        }
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (permit == null) {
            if (System.nanoTime() > deadline) {
                fail("still not acquired after " + BOUND + ": " + what);
            }
            TimeUnit.MILLISECONDS.sleep(1);
            permit = tryAcquire.get();
        }
        return permit;
    }
}

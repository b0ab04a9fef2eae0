package dev.signalbox.core;

import java.util.concurrent.atomic.AtomicLong;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link PermitSync} in {@link Fairness#BARGING} mode: fast paths (CAS) racing
 * the slow paths, a blocking waiter competing for free permits ({@link PermitSync#claim}, {@link PermitSync#claimBeforePark}) and giving
 * up, async waiters granted directly, and hand-off turning on and off. Time is a counter that an
 * operation advances, so whether the head has starved is decided by the history, not by the wall
 * clock: a head starves once {@link #THRESHOLD} ticks have passed since it queued.
 */
public class BargingPermitSyncLincheckTest {

    private static final long THRESHOLD = 2;

    private final AtomicLong ticks = new AtomicLong();
    private final PermitSync sync = new PermitSync(2, THRESHOLD, ticks::get);
    /** The blocking waiter of the "blocker" group's thread, if it enqueued one. */
    private BlockingWaiter<Void, Void> blocking;

    @Operation
    public boolean tryAcquire() {
        return sync.tryAcquire(1);
    }

    @Operation
    public boolean tryAcquireTwo() {
        return sync.tryAcquire(2);
    }

    /** Queues an async waiter for one permit (or takes it at once); it is granted inside a later call. */
    @Operation
    public boolean acquireAsync() {
        return sync.waiters().enqueue(EngineWaiters.async(sync, 1));
    }

    @Operation
    public boolean acquireAsyncTwo() {
        return sync.waiters().enqueue(EngineWaiters.async(sync, 2));
    }

    @Operation
    public void release() {
        sync.release(1);
    }

    /** Time moves under the engine's lock: a real clock moves inside a section too, but only by the section's length. */
    @Operation
    public void tick() {
        sync.holdingLock(ticks::incrementAndGet);
    }

    @Operation(nonParallelGroup = "blocker")
    public boolean enqueueBlocking() {
        blocking = EngineWaiters.blocking(sync, 1);
        return sync.waiters().enqueue(blocking);
    }

    /** What the blocking waiter's thread does while it spins. */
    @Operation(nonParallelGroup = "blocker")
    public boolean claim() {
        return blocking != null && sync.claim(blocking);
    }

    /** What the blocking waiter's thread does before it parks. */
    @Operation(nonParallelGroup = "blocker")
    public boolean claimBeforePark() {
        return blocking != null && sync.claimBeforePark(blocking);
    }

    /** The blocking waiter's timeout or interrupt. */
    @Operation(nonParallelGroup = "blocker")
    public boolean giveUp() {
        return blocking != null && blocking.withdraw(Outcome.TIMEOUT);
    }

    @Operation
    public int available() {
        return sync.available();
    }

    @Test
    void stress() {
        new StressOptions().iterations(20).invocationsPerIteration(500).threads(3).actorsPerThread(3).check(getClass());
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions().iterations(20).invocationsPerIteration(500).threads(3).actorsPerThread(3).check(getClass());
    }
}

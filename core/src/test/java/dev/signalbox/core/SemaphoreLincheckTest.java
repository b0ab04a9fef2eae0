package dev.signalbox.core;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link PermitSync}, the engine under Lock, Semaphore and ResourcePool: its
 * fast paths (CAS on the state word) racing its slow path (async waiters queued and granted inside
 * {@code release}) must match some sequential execution of a counting semaphore. Every operation
 * here is one call into the engine, so any violation Lincheck reports is the engine's.
 *
 * <p>With a semaphore's permits that come and go: {@code add} (its {@code release(n)}, here with a
 * bound of 2, so a refusal must be exact), {@code tryTake} and consuming async waiters (its
 * {@code take}), and {@code total}, the free plus held permits those change.
 */
public class SemaphoreLincheckTest {

    private final PermitSync sync = new PermitSync(1);
    /** The owner of consuming waiters: their grants take permits out of the engine. */
    private final WaitOwner<Void, Void> taker = EngineWaiters.owner(sync);

    public SemaphoreLincheckTest() {
        sync.consumeFor(taker);
    }


    @Operation
    public boolean tryAcquire() {
        return sync.tryAcquire(1);
    }

    @Operation
    public boolean tryAcquireTwo() {
        return sync.tryAcquire(2);
    }

    /** Queues a waiter for one permit (or takes it at once); its grant happens inside a later release. */
    @Operation
    public void acquireAsync() {
        sync.waiters().enqueue(EngineWaiters.async(sync, 1));
    }

    @Operation
    public void release() {
        sync.release(1);
    }

    /** A semaphore's release(1) on a bounded semaphore of 2: true when added, false when free plus held would exceed 2. */
    @Operation
    public boolean addBounded() {
        return sync.add(1, 2);
    }

    @Operation
    public boolean tryTake() {
        return sync.tryTake(1);
    }

    /** Queues a consuming waiter for one permit (or takes it at once). */
    @Operation
    public void takeAsync() {
        sync.waiters().enqueue(new AsyncWaiter<>(taker, 1, null, 0L));
    }

    @Operation
    public int total() {
        return sync.total();
    }

    @Operation
    public int available() {
        return sync.available();
    }

    @Test
    void stress() {
        new StressOptions().iterations(20).invocationsPerIteration(1_000).threads(3).actorsPerThread(3).check(getClass());
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions().iterations(20).invocationsPerIteration(500).threads(3).actorsPerThread(3).check(getClass());
    }
}

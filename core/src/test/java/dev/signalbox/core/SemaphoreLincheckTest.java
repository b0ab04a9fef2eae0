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
 */
public class SemaphoreLincheckTest {

    private final PermitSync sync = new PermitSync(1);


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

package dev.signalbox.core;

import java.util.List;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Regression: a lost permit in {@link PermitSync#release}, found while building {@link ReadWriteSync}: a release
 * sees QUEUED and goes for the lock; meanwhile the only waiter cancels (the list empties, QUEUED
 * clears) and another release returns its permit by CAS; the first release then writes
 * {@code available + n} computed from a value read before that CAS, and one permit is lost
 * (expected 2 available at the end, the model checker finds 1). The fix is the one in
 * {@code ReadWriteSync.release}, now in PermitSync too: under the lock, re-check QUEUED and fall back to the CAS loop.
 */
public class PermitSyncReleaseRaceLincheckTest {

    private final PermitSync sync = new PermitSync(2);
    private AsyncWaiter<Void, Void> waiter;

    @Operation(nonParallelGroup = "holder")
    public boolean takeBoth() {
        return sync.tryAcquire(2);
    }

    @Operation(nonParallelGroup = "holder")
    public void releaseOne() {
        sync.release(1);
    }

    @Operation(nonParallelGroup = "waiter")
    public boolean enqueue() {
        waiter = EngineWaiters.async(sync, 1);
        return sync.waiters().enqueue(waiter);
    }

    @Operation(nonParallelGroup = "waiter")
    public boolean cancel() {
        return waiter.withdraw(Outcome.CANCELLED, null);
    }

    @Operation(nonParallelGroup = "waiter")
    public void releaseOther() {
        sync.release(1);
    }

    @Operation
    public int available() {
        return sync.available();
    }

    @Test
    void releaseRacingACancellationAndAFastPathRelease() throws NoSuchMethodException {
        ExecutionScenario scenario = new ExecutionScenario(
                List.of(actor("takeBoth"), actor("enqueue")),
                List.of(List.of(actor("releaseOne")), List.of(actor("cancel"), actor("releaseOther"))),
                List.of(actor("available")),
                null);
        new ModelCheckingOptions().iterations(0).invocationsPerIteration(15_000).addCustomScenario(scenario).check(getClass());
    }

    private static Actor actor(String operation) throws NoSuchMethodException {
        return new Actor(PermitSyncReleaseRaceLincheckTest.class.getMethod(operation), List.of());
    }
}

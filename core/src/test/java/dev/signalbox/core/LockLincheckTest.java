package dev.signalbox.core;

import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Mutual exclusion of {@link Lock} checked by Lincheck: each operation is a whole critical section
 * doing a non-atomic read-yield-write of a counter (the seed's lost-update example). Sequentially
 * every increment returns the next value; if two holders ever overlapped, two operations would
 * return the same value and no sequential order would explain the history.
 */
public class LockLincheckTest {

    private final Lock lock = Lock.create("lincheck-lock");
    private int counter;

    @Operation
    public int incrementBlocking() throws InterruptedException {
        try (Permit ignored = lock.acquire()) {
            return unsafeIncrement();
        }
    }

    @Operation
    public int incrementAsync() throws Exception {
        try (Permit ignored = lock.acquireAsync().get()) {
            return unsafeIncrement();
        }
    }

    @Operation
    public int read() throws InterruptedException {
        try (Permit ignored = lock.acquire()) {
            return counter;
        }
    }

    private int unsafeIncrement() {
        int read = counter;
        Thread.yield();
        counter = read + 1;
        return counter;
    }

    @Test
    void stress() {
        new StressOptions().iterations(20).invocationsPerIteration(500).threads(3).actorsPerThread(3).check(getClass());
    }
}

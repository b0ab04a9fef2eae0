package dev.signalbox.core;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * {@link ReadWriteLock} checked by Lincheck through a counter it guards. Each operation is a whole
 * critical section, so it is atomic as seen from outside: a write moves the counter from an even
 * value to the next even value through an odd one (read, write odd, yield, write even), and a read
 * returns what it sees. Sequentially every read is even and every write returns the next value; a
 * reader overlapping a writer would return an odd value, and two overlapping writers would lose a
 * step, and no sequential order would explain either history. Blocking and async acquisitions mix,
 * so grants on the fast path, by a releasing thread and to a future are all exercised.
 */
public class ReadWriteLockLincheckTest {

    private final ReadWriteLock rw = ReadWriteLock.create("lincheck-rw");
    private int counter;

    @Operation
    public int read() throws InterruptedException {
        try (Permit ignored = rw.readLock().acquire()) {
            return counter;
        }
    }

    @Operation
    public int readAsync() throws Exception {
        try (Permit ignored = rw.readLock().acquireAsync().get()) {
            return counter;
        }
    }

    @Operation
    public int incrementUnderWriteLock() throws InterruptedException {
        try (Permit ignored = rw.writeLock().acquire()) {
            return twoStepIncrement();
        }
    }

    @Operation
    public int incrementUnderWriteLockAsync() throws Exception {
        try (Permit ignored = rw.writeLock().acquireAsync().get()) {
            return twoStepIncrement();
        }
    }

    private int twoStepIncrement() {
        int read = counter;
        counter = read + 1;
        Thread.yield();
        counter = read + 2;
        return counter;
    }

    @Test
    void stress() {
        new StressOptions().iterations(15).invocationsPerIteration(400).threads(3).actorsPerThread(3).check(getClass());
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions().iterations(10).invocationsPerIteration(200).threads(3).actorsPerThread(2).check(getClass());
    }
}

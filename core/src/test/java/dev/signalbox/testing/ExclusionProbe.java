package dev.signalbox.testing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test support for read-write locks: called inside critical sections, it checks that a writer is
 * alone and that readers share only with readers, and counts the writes (a plain field, exact only
 * under the write lock).
 */
public final class ExclusionProbe {

    public final AtomicInteger readers = new AtomicInteger();
    public final AtomicInteger writers = new AtomicInteger();
    public final AtomicInteger violations = new AtomicInteger();
    public final AtomicInteger maxReaders = new AtomicInteger();
    /** The most read holders the lock itself reported to a reader inside. */
    public final AtomicInteger maxReadHolders = new AtomicInteger();
    /** Writes done under the write lock: read, yield, write, so a write that overlaps another is lost. */
    public int writes;

    /** A write: must be alone. */
    public void write() {
        if (writers.incrementAndGet() != 1) {
            violations.incrementAndGet();
        }
        if (readers.get() != 0) {
            violations.incrementAndGet();
        }
        int read = writes;
        Thread.yield();
        writes = read + 1;
        if (readers.get() != 0) {
            violations.incrementAndGet();
        }
        writers.decrementAndGet();
    }

    /** A read: may share with other reads, never with a write. */
    public void read() {
        int now = readers.incrementAndGet();
        maxReaders.accumulateAndGet(now, Math::max);
        if (writers.get() != 0) {
            violations.incrementAndGet();
        }
        Thread.yield();
        if (writers.get() != 0) {
            violations.incrementAndGet();
        }
        readers.decrementAndGet();
    }
}

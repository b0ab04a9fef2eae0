package dev.signalbox.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed-size ring of the most recent {@link Sample}s of one primitive, oldest overwritten first.
 * Written by the sampler thread, read by page requests; a brief lock keeps a read consistent.
 */
final class SampleHistory {

    private final Sample[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private int next;
    private int size;

    SampleHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("dashboard history of " + capacity + " samples: keep at least 1 (signalbox.dashboard.history >= 1s)");
        }
        this.ring = new Sample[capacity];
    }

    void add(Sample sample) {
        lock.lock();
        try {
            ring[next] = sample;
            next = (next + 1) % ring.length;
            size = Math.min(size + 1, ring.length);
        } finally {
            lock.unlock();
        }
    }

    /** The newest sample, or null before the first tick. */
    Sample latest() {
        lock.lock();
        try {
            return size == 0 ? null : ring[(next - 1 + ring.length) % ring.length];
        } finally {
            lock.unlock();
        }
    }

    /** The last {@code count} samples (fewer if not yet recorded), oldest first. */
    List<Sample> last(int count) {
        lock.lock();
        try {
            int n = Math.min(count, size);
            List<Sample> out = new ArrayList<>(n);
            for (int i = n; i > 0; i--) {
                out.add(ring[(next - i + ring.length) % ring.length]);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }
}

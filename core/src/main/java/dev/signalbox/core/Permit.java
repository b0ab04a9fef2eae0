package dev.signalbox.core;

import java.util.OptionalLong;

/**
 * Proof of a hold on a primitive (a lock, some semaphore permits, a pooled resource...), given
 * back by {@link #close()}: use it in try-with-resources.
 *
 * <p>Released exactly once: a second {@code close()} does nothing. A permit need not be closed by
 * the thread that acquired it (an async hold ends on whichever thread completes it). A permit that
 * becomes unreachable while still held is a leak: the primitive stays held forever, and Signalbox
 * logs a warning naming the primitive and where the permit was acquired (see {@link LeakDetection}).
 *
 * <p><b>Async acquisitions:</b> a permit delivered through a future belongs to the caller as soon as
 * the future has completed, even if the caller then tries to cancel it: {@code cancel} returns false
 * in that case, and the permit must still be closed. Only a cancel that returns true leaves the caller
 * holding nothing.
 */
public interface Permit extends AutoCloseable {

    /** Gives the hold back. Idempotent; never throws. */
    @Override
    void close();

    /** True until {@link #close()} has been called. */
    boolean isHeld();

    /**
     * The fencing token of this hold: present for cluster exclusive and write holds, where it grows
     * strictly with every grant of the same guard and key, so a store can refuse a write from a
     * holder that has been superseded; empty for local holds.
     */
    default OptionalLong fencingToken() {
        return OptionalLong.empty();
    }
}

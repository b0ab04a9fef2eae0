package dev.signalbox.core;

import java.util.concurrent.locks.LockSupport;

/**
 * A waiter that parks its thread. {@link LockSupport#park} unmounts a virtual thread, so a blocked
 * virtual thread costs its stack and this node, not a carrier. A timeout or interrupt withdraws it
 * ({@link Waiter#withdraw}) unless its grant came first, which then wins.
 */
final class BlockingWaiter<T, R> extends Waiter<T, R> {

    private final Thread thread = Thread.currentThread();
    /**
     * True while the thread spins in {@link #spinUntilClaimed}, where it looks for its grant itself:
     * {@link #wake()} then need not unpark it. Both sides write, then read the other side's volatile
     * (the granter the status, then this; the waiter this, then the status), so a waiter that stops
     * spinning either sees its grant or is unparked.
     */
    private volatile boolean spinning;

    BlockingWaiter(WaitOwner<T, R> owner, int amount, R request, long arrivedAt) {
        super(owner, amount, request, arrivedAt);
    }

    @Override
    void wake() {
        if (!spinning) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    boolean hasOwnThread() {
        return true;
    }

    /**
     * Parks until granted (or, in an engine that lets a woken waiter compete, until it takes what
     * it waits for: see {@link WaitPolicy#claimBeforePark}), the deadline passes, or the thread is
     * interrupted.
     *
     * <p>A grant that lands at the same moment as the timeout or interrupt wins: the caller then
     * gets what it was granted (with its interrupt status restored) rather than dropping it.
     *
     * @param timeoutNanos {@link Long#MAX_VALUE} for no timeout
     * @return true if granted; false if timed out (the waiter has then been withdrawn)
     * @throws InterruptedException if interrupted first (the waiter has then been withdrawn)
     */
    boolean await(long timeoutNanos) throws InterruptedException {
        boolean timed = timeoutNanos != Long.MAX_VALUE;
        long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        boolean interruptedAfterGrant = false;
        try {
            while (!spinUntilClaimed() && !list().claimBeforePark(this)) {
                if (Thread.interrupted()) {
                    if (withdraw(Outcome.INTERRUPTED)) {
                        throw new InterruptedException();
                    }
                    interruptedAfterGrant = true;
                } else if (timed && isWaiting()) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0L) {
                        if (withdraw(Outcome.TIMEOUT)) {
                            return false;
                        }
                    } else {
                        LockSupport.parkNanos(this, remaining);
                    }
                } else {
                    LockSupport.park(this);
                }
            }
            return true;
        } finally {
            if (interruptedAfterGrant) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The first waiter in line often gets its turn within a microsecond or two (a hand-off, or
     * permits freed for it to take): a short spin saves the park/unpark round trip, as the JDK's own
     * queued synchronizers do. Only the first in line spins: the others would wait longer and, with
     * more threads than cores, take processor time from the holder. Being first is read without the
     * queue's lock ({@code prev} is null only at the head), so it is a hint; nothing depends on it
     * being right. Virtual threads never spin: parking one is cheap, and spinning would hold its
     * carrier.
     *
     * @return true when claimed (see {@link WaitPolicy#claim})
     */
    private boolean spinUntilClaimed() {
        if (thread.isVirtual() || prev != null) {
            return false;
        }
        spinning = true;
        try {
            for (int i = 0; i < SPINS; i++) {
                if (list().claim(this)) {
                    return true;
                }
                if (prev != null) {
                    return false;
                }
                Thread.onSpinWait();
            }
            return false;
        } finally {
            spinning = false;
        }
    }

    private static final int SPINS = 256;

    /** Parks until granted (or claimed), whatever interrupts arrive meanwhile; restores the interrupt status after. */
    void awaitUninterruptibly() {
        boolean interrupted = false;
        while (!spinUntilClaimed() && !list().claimBeforePark(this)) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

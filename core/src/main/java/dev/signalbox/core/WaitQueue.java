package dev.signalbox.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The wait-queue framework under every core primitive: one lock, the primitive's
 * {@link WaitList}s guarded by it, and the delivery of the grants made under it.
 *
 * <h2>Who does what</h2>
 * The framework owns the mechanics every primitive shares, in the manner of
 * {@code AbstractQueuedSynchronizer} and tokio's batch semaphore:
 * <ul>
 * <li><b>Enqueue</b> ({@link WaitList#enqueue}): under the lock, the primitive's
 *     {@link WaitPolicy#admit} decides whether the caller can have what it asks for now; if not, the
 *     waiter is appended, still under the lock.</li>
 * <li><b>Grant</b> ({@link #grant}): under the lock, the waiter is unlinked and its status flipped
 *     WAITING to GRANTED by CAS, exactly once; the wake-up (an unpark, or completing a future) is
 *     delivered once the lock is released ({@link #unlock}), through {@link Wakeups}.</li>
 * <li><b>Withdraw</b> ({@link Waiter#withdraw}): a timeout, interrupt or cancellation flips the
 *     status WAITING to CANCELLED by CAS; the waiter is then unlinked under the lock and the
 *     primitive's {@link WaitPolicy#withdrawn} serves the waiters it held back.</li>
 * <li><b>Counting</b> ({@link WaitList#waiting}): how many wait, for snapshots.</li>
 * </ul>
 * A primitive defines only its state and what admitting, serving after a release, and serving
 * after a withdrawal mean for it. {@link PermitSync} and {@link ReadWriteSync} also keep lock-free
 * fast paths in front of the lock; their own comments say why those are safe.
 *
 * <h2>Why a grant is never lost nor doubled</h2>
 * A grant and a withdrawal race only on the waiter's status CAS: exactly one wins. A granter whose
 * CAS fails has already unlinked the waiter, and keeps what it would have granted for the next
 * waiter (every grant method says whether it succeeded); the withdrawing waiter then finds itself
 * unlinked and asks the primitive for nothing. A withdrawal whose CAS fails changes nothing: the
 * waiter keeps its grant (a blocking waiter returns it; an async waiter's future completes with it).
 *
 * <h2>Why no wake-up is lost</h2>
 * A waiter is linked under the lock before its thread parks or its future is returned, and every
 * state change that could satisfy it happens under the same lock afterwards, so it finds the
 * waiter (the fast paths of {@link PermitSync} and {@link ReadWriteSync} step aside, by a flag set
 * under the lock before the waiter is linked, once anyone waits). A grant made under the lock is
 * recorded in the same critical section and always delivered by the {@link #unlock} that ends it;
 * an unpark that comes before its thread parks is kept by {@link java.util.concurrent.locks.LockSupport}.
 * A waiter that withdraws while it held others back (a head that asked for more than is free)
 * unlinks itself under the lock, where the policy serves the ones behind it in the same section.
 *
 * <h2>Memory and liveness</h2>
 * Actions under the lock before a grant happen-before the granted caller's return: the lock orders
 * them before the status CAS, which the woken waiter reads. No thread is unparked, no future
 * completed and no listener called while the lock is held, so caller code never runs under it;
 * {@link Wakeups} keeps a chain of grants from growing the stack.
 */
final class WaitQueue {

    private final ReentrantLock lock = new ReentrantLock();
    /** The waiters granted (or woken to compete) in the current critical section; guarded by {@link #lock}. */
    private List<Waiter<?, ?>> toWake;

    /** Begins a critical section over the primitive's state and lists. */
    void lock() {
        lock.lock();
    }

    /** Ends a critical section, then wakes every waiter granted in it, in grant order. */
    void unlock() {
        Wakeups.wakeAll(unlockDeferringWakeups());
    }

    /**
     * Ends a critical section and returns the waiters granted in it, for the caller to wake
     * ({@link Wakeups#wakeAll}) once it has done what must come first. A nested section (the lock
     * held twice by this thread) leaves them to the outer one.
     */
    List<Waiter<?, ?>> unlockDeferringWakeups() {
        if (lock.getHoldCount() > 1) {
            lock.unlock();
            return List.of();
        }
        List<Waiter<?, ?>> granted = toWake;
        toWake = null;
        lock.unlock();
        return granted == null ? List.of() : granted;
    }

    /** {@link #grant(Waiter, Object)} with no value: the waiter's owner makes what it receives. */
    boolean grant(Waiter<?, ?> w) {
        return grant(w, null);
    }

    /**
     * Under the lock: unlinks {@code w} from its list and grants it {@code value}; on success it
     * is woken when this section ends. False when it gave up first: it is unlinked all the same,
     * and what it would have received stays with the primitive.
     */
    <T> boolean grant(Waiter<T, ?> w, T value) {
        w.list().remove(w);
        if (!w.grant(value)) {
            return false;
        }
        wakeWhenUnlocked(w);
        return true;
    }

    /**
     * Under the lock, by {@code w}'s own running thread, which takes what it waits for (a blocking
     * head that won the free permits, see {@link WaitPolicy#claim}): unlinks and grants it, with no
     * wake-up. Only that thread can withdraw it, so the grant cannot fail.
     */
    void grantClaimed(Waiter<?, ?> w) {
        w.list().remove(w);
        w.grant(null);
    }

    /**
     * Under the lock: wakes {@code w}, a blocking waiter left in its list, when this section ends,
     * so that its thread competes for what was freed (a barging {@link PermitSync}'s head).
     */
    void wakeWhenUnlocked(Waiter<?, ?> w) {
        if (toWake == null) {
            toWake = new ArrayList<>(4);
        }
        toWake.add(w);
    }
}

package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine under {@link Lock}, {@link Semaphore} and {@link ResourcePool}: a counting semaphore
 * with strict FIFO hand-off, multi-permit requests, and a lock-free fast path.
 *
 * <h2>Algorithm</h2>
 * One word, {@code state}, holds the available permits and a QUEUED bit that is set exactly while
 * the wait list is non-empty. The fast paths are a single CAS and are allowed only while QUEUED is
 * clear: {@code tryAcquire} takes permits, {@code release} returns them. Once anyone waits, every
 * change of {@code state} happens under {@code lock}, where permits are handed directly to the
 * waiters at the head of the list, in arrival order, and never returned to the pool while a waiter
 * that they can satisfy exists.
 *
 * <p>Why this is fair: a newcomer sees QUEUED and must queue behind the existing waiters, so it
 * never overtakes them; and the head waiter blocks those behind it even when they ask for fewer
 * permits, so a request for several permits is not starved by a stream of small ones (as in
 * tokio's batch semaphore). Invariant, whenever {@code lock} is free: QUEUED is set if and only if
 * the list is non-empty, and then the head asks for more permits than are available.
 *
 * <p>Why no wake-up is lost: a waiter sets QUEUED (by CAS) before it parks, and a releaser that
 * sees QUEUED takes {@code lock}, so the release either happened before the waiter looked at the
 * permits (it sees them) or it finds the waiter in the list.
 */
final class PermitSync implements WaitEngine {

    private static final long QUEUED = 1L << 62;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PermitSync.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long state;
    private final ReentrantLock lock = new ReentrantLock();
    private final WaitList waiters = new WaitList();

    PermitSync(int permits) {
        this.state = permits;
    }

    /** Takes {@code n} permits if they are free and nobody waits. */
    @Override
    public boolean tryAcquire(int n) {
        for (;;) {
            long s = state;
            if ((s & QUEUED) != 0 || s < n) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s - n)) {
                return true;
            }
        }
    }

    /**
     * Under the lock: takes {@code w.amount} permits at once if nobody waits and they are free
     * (returns true), or appends {@code w} to the wait list (returns false).
     */
    @Override
    public boolean acquireOrEnqueue(Waiter<?> w) {
        lock.lock();
        try {
            for (;;) {
                long s = state;
                if ((s & QUEUED) != 0) {
                    break;
                }
                if (s >= w.amount) {
                    if (STATE.compareAndSet(this, s, s - w.amount)) {
                        return true;
                    }
                } else if (STATE.compareAndSet(this, s, s | QUEUED)) {
                    break;
                }
            }
            waiters.add(w);
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Returns {@code n} permits, handing them to waiters first. */
    @Override
    public void release(int n) {
        for (;;) {
            long s = state;
            if ((s & QUEUED) == 0) {
                if (STATE.compareAndSet(this, s, s + n)) {
                    return;
                }
                continue;
            }
            List<Waiter<?>> granted = null;
            lock.lock();
            try {
                // The waiters may have left (cancelled) before we got the lock; QUEUED is then clear and
                // fast paths may be changing the state, so a plain write here could lose their update.
                long locked = state;
                if ((locked & QUEUED) != 0) {
                    granted = dispatch((locked & ~QUEUED) + n);
                }
            } finally {
                lock.unlock();
            }
            if (granted != null) {
                Wakeups.wakeAll(granted);
                return;
            }
        }
    }

    /** Unlinks a waiter that gave up; the waiters behind it may now be grantable. */
    @Override
    public void remove(Waiter<?> w) {
        List<Waiter<?>> granted = List.of();
        lock.lock();
        try {
            boolean wasHead = waiters.isHead(w);
            if (waiters.remove(w) && (wasHead || waiters.isEmpty())) {
                granted = dispatch(state & ~QUEUED);
            }
        } finally {
            lock.unlock();
        }
        Wakeups.wakeAll(granted);
    }

    /**
     * Under the lock, with QUEUED set (so no fast path can change the state meanwhile): grants head
     * waiters from {@code available} permits, then stores the rest.
     */
    private List<Waiter<?>> dispatch(long available) {
        List<Waiter<?>> granted = null;
        Waiter<?> head;
        while ((head = waiters.peek()) != null && head.amount <= available) {
            waiters.remove(head);
            if (head.grant(null)) {
                available -= head.amount;
                if (granted == null) {
                    granted = new ArrayList<>(4);
                }
                granted.add(head);
            }
            // else: it gave up and will unlink itself (already done here); its permits stay with us.
        }
        state = waiters.isEmpty() ? available : available | QUEUED;
        return granted == null ? List.of() : granted;
    }

    int available() {
        return (int) (state & ~QUEUED);
    }

    @Override
    public int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }
}

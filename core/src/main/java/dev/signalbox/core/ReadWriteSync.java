package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine under {@link ReadWriteLock}: a writer-preferring, starvation-free read-write lock with
 * one FIFO wait list and lock-free fast paths.
 *
 * <h2>Algorithm</h2>
 * One word, {@code state}, holds the number of readers holding the lock (low 32 bits), a WRITER bit
 * (a writer holds it) and a QUEUED bit that is set exactly while the wait list is non-empty. The
 * fast paths are a single CAS and are allowed only while QUEUED is clear: a reader enters when no
 * writer holds, a writer enters when the word is zero, and holders leave. Once anyone waits, every
 * change of {@code state} happens under {@code lock}. Waiters of both modes sit in one list, in
 * arrival order; {@link #dispatch} serves it from the head: a writer at the head is granted once
 * nobody holds the lock; a reader at the head is granted once no writer holds it, together with
 * every reader directly behind it, up to the next writer (whom the admitted readers then block).
 *
 * <p>Why writers are preferred: a waiting writer sets QUEUED, so every reader arriving after it
 * (including {@code tryAcquire}) queues behind it instead of joining the current readers. Why
 * readers are not starved: the readers queued behind a writer are admitted as soon as that writer
 * leaves, before any writer that arrived after them. Why a give-up frees the others: only a waiter
 * at the head can block the ones behind it, so when the head leaves the list is dispatched again.
 * Invariant, whenever {@code lock} is free: QUEUED is set if and only if the list is non-empty, and
 * then the head cannot be granted (a writer at the head sees holders; a reader sees a writer).
 *
 * <p>Why no update is lost: while QUEUED is set only the holder of {@code lock} changes
 * {@code state} (the fast paths' CAS expects QUEUED clear), and only under {@code lock} can QUEUED
 * be cleared. A slow path that saw QUEUED therefore re-checks it under {@code lock} and, if the list
 * emptied meanwhile, falls back to the CAS. Why no wake-up is lost: a waiter sets QUEUED before it
 * parks, and a holder that sees QUEUED when leaving takes {@code lock}, so it finds the waiter.
 */
final class ReadWriteSync implements WaitEngine {

    /** {@link Waiter#amount} of a reader. */
    static final int READ = 0;
    /** {@link Waiter#amount} of a writer. */
    static final int WRITE = 1;

    private static final long READERS = 0xFFFF_FFFFL;
    private static final long WRITER = 1L << 32;
    private static final long QUEUED = 1L << 33;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ReadWriteSync.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long state;
    private final ReentrantLock lock = new ReentrantLock();
    private final WaitList waiters = new WaitList();

    /** What a hold of {@code mode} adds to {@code state}. */
    private static long weight(int mode) {
        return mode == READ ? 1L : WRITER;
    }

    /** Whether a {@code mode} request can enter given the holders in {@code s} (QUEUED ignored). */
    private static boolean admits(int mode, long s) {
        long holders = s & ~QUEUED;
        return mode == READ ? (holders & WRITER) == 0 : holders == 0;
    }

    /** Enters in {@code mode} if that is possible now and nobody waits. */
    @Override
    public boolean tryAcquire(int mode) {
        long w = weight(mode);
        for (;;) {
            long s = state;
            if ((s & QUEUED) != 0 || !admits(mode, s)) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + w)) {
                return true;
            }
        }
    }

    /**
     * Under the lock: enters at once if nobody waits and {@code w}'s mode is admitted (returns true),
     * or appends {@code w} to the wait list (returns false).
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
                if (admits(w.amount, s)) {
                    if (STATE.compareAndSet(this, s, s + weight(w.amount))) {
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

    /** Ends a hold of {@code mode}, granting the waiters it unblocks. */
    @Override
    public void release(int mode) {
        long w = weight(mode);
        if (releaseUnqueued(w)) {
            return;
        }
        List<Waiter<?>> granted;
        lock.lock();
        try {
            // The list may have emptied since we looked: then the fast paths are live again.
            if (releaseUnqueued(w)) {
                return;
            }
            granted = dispatch(state - w);
        } finally {
            lock.unlock();
        }
        Wakeups.wakeAll(granted);
    }

    /** Subtracts {@code w} by CAS while QUEUED is clear; false once QUEUED is seen. */
    private boolean releaseUnqueued(long w) {
        for (;;) {
            long s = state;
            if ((s & QUEUED) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s - w)) {
                return true;
            }
        }
    }

    /** Unlinks a waiter that gave up; if it was the head, the waiters it blocked may now enter. */
    @Override
    public void remove(Waiter<?> w) {
        List<Waiter<?>> granted = List.of();
        lock.lock();
        try {
            boolean wasHead = waiters.isHead(w);
            if (waiters.remove(w) && wasHead) {
                granted = dispatch(state);
            }
        } finally {
            lock.unlock();
        }
        Wakeups.wakeAll(granted);
    }

    /**
     * Under the lock, with QUEUED set: grants waiters from the head while they are admitted, given
     * the holders in {@code s}, then stores the new holders and whether anyone still waits.
     */
    private List<Waiter<?>> dispatch(long s) {
        long holders = s & ~QUEUED;
        List<Waiter<?>> granted = null;
        Waiter<?> head;
        while ((head = waiters.peek()) != null && admits(head.amount, holders)) {
            waiters.remove(head);
            if (head.grant(null)) {
                holders += weight(head.amount);
                if (granted == null) {
                    granted = new ArrayList<>(4);
                }
                granted.add(head);
            }
            // else: it gave up and will unlink itself (already done here); it takes nothing.
        }
        state = waiters.isEmpty() ? holders : holders | QUEUED;
        return granted == null ? List.of() : granted;
    }

    int readHolders() {
        return (int) (state & READERS);
    }

    boolean isWriteLocked() {
        return (state & WRITER) != 0;
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

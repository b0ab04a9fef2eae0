package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The engine under {@link ReadWriteLock}: a writer-preferring, starvation-free read-write lock with
 * one FIFO wait list and lock-free fast paths. The wait list, {@code lock} and the delivery of
 * grants are the {@link WaitQueue} framework's; this class is the list's {@link WaitPolicy}: the
 * state word, admission ({@link #admit}), and {@link #dispatch} after a release or a withdrawal.
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
final class ReadWriteSync implements WaitEngine, WaitPolicy<Waiter<?, ?>> {

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
    /** {@code lock} of the class comment. */
    private final WaitQueue queue = new WaitQueue();
    private final WaitList<Waiter<?, ?>> waiters = new WaitList<>(queue, this);

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

    @Override
    public WaitList<Waiter<?, ?>> waiters() {
        return waiters;
    }

    /**
     * Under the lock ({@link WaitList#enqueue}): enters at once if nobody waits and {@code w}'s
     * mode is admitted (returns true); else makes sure QUEUED is set for the waiter about to be
     * appended (returns false).
     */
    @Override
    public boolean admit(Waiter<?, ?> w) {
        for (;;) {
            long s = state;
            if ((s & QUEUED) != 0) {
                return false;
            }
            if (admits(w.amount, s)) {
                if (STATE.compareAndSet(this, s, s + weight(w.amount))) {
                    return true;
                }
            } else if (STATE.compareAndSet(this, s, s | QUEUED)) {
                return false;
            }
        }
    }

    /** Ends a hold of {@code mode}, granting the waiters it unblocks. */
    @Override
    public void release(int mode) {
        long w = weight(mode);
        if (releaseUnqueued(w)) {
            return;
        }
        queue.lock();
        try {
            // The list may have emptied since we looked: then the fast paths are live again.
            if (releaseUnqueued(w)) {
                return;
            }
            dispatch(state - w);
        } finally {
            queue.unlock();
        }
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

    /** Under the lock, after a waiter that gave up was unlinked: if it was the head, the waiters it blocked may now enter. */
    @Override
    public void withdrawn(Waiter<?, ?> w, boolean wasHead, Outcome outcome) {
        if (wasHead) {
            dispatch(state);
        }
    }

    /**
     * Under the lock, with QUEUED set: grants waiters from the head while they are admitted, given
     * the holders in {@code s}, then stores the new holders and whether anyone still waits. The
     * granted waiters are woken when the lock is released.
     */
    private void dispatch(long s) {
        long holders = s & ~QUEUED;
        Waiter<?, ?> head;
        while ((head = waiters.peek()) != null && admits(head.amount, holders)) {
            if (queue.grant(head)) {
                holders += weight(head.amount);
            }
            // else: it gave up and will unlink itself (already done here); it takes nothing.
        }
        state = waiters.isEmpty() ? holders : holders | QUEUED;
    }

    int readHolders() {
        return (int) (state & READERS);
    }

    boolean isWriteLocked() {
        return (state & WRITER) != 0;
    }

}

package dev.signalbox.core;

import java.util.List;

/**
 * One FIFO list of {@link Waiter}s of a {@link WaitQueue}, with the {@link WaitPolicy} that says
 * what admitting one of them and withdrawing one mean for the primitive. Intrusive: O(1) append,
 * O(1) removal from anywhere (a waiter that gave up in the middle), no allocation per node.
 *
 * <p>{@link #enqueue}, {@link #admitNow}, {@link #unlinkWithdrawn} and {@link #waiting} take the
 * queue's lock themselves, and the claims run without it; every other method runs under the lock,
 * taken by the caller.
 *
 * @param <W> the waiters it holds: a primitive whose policy reads a request or hands out a value
 *     types them; an engine that only counts amounts takes any {@code Waiter<?, ?>}
 */
final class WaitList<W extends Waiter<?, ?>> {

    final WaitQueue queue;
    private final WaitPolicy<W> policy;
    private Waiter<?, ?> head;
    private Waiter<?, ?> tail;
    private int size;

    WaitList(WaitQueue queue, WaitPolicy<W> policy) {
        this.queue = queue;
        this.policy = policy;
    }

    /**
     * Under the queue's lock: admits {@code w} now if the policy lets it have what it asks for
     * (returns true), else appends it (returns false). The grants the admission made (a put handing
     * its item to a waiting taker) are delivered once the lock is released.
     */
    boolean enqueue(W w) {
        queue.lock();
        try {
            if (policy.admit(w)) {
                return true;
            }
            add(w);
            return false;
        } finally {
            queue.unlock();
        }
    }

    /** Under the queue's lock: admits {@code w} now if the policy lets it (true); never queues it. */
    boolean admitNow(W w) {
        queue.lock();
        try {
            return policy.admit(w);
        } finally {
            queue.unlock();
        }
    }

    /** Appends {@code w}; for a primitive that decides itself, under the queue's lock, whether a call queues. */
    void add(W w) {
        w.prev = tail;
        w.next = null;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        size++;
    }

    /** Unlinks {@code w}; false when it was not (or no longer) in the list. */
    boolean remove(Waiter<?, ?> w) {
        if (!contains(w)) {
            return false;
        }
        if (w.prev == null) {
            head = w.next;
        } else {
            w.prev.next = w.next;
        }
        if (w.next == null) {
            tail = w.prev;
        } else {
            w.next.prev = w.prev;
        }
        w.prev = null;
        w.next = null;
        size--;
        return true;
    }

    /** A linked waiter is the head or has a predecessor; an unlinked one has neither (remove clears its links). */
    private boolean contains(Waiter<?, ?> w) {
        return w.prev != null || head == w;
    }

    /**
     * By {@link Waiter#withdraw}, whose CAS won: under the queue's lock, unlinks {@code w} (unless a
     * granter already did, whose grant then failed) and lets the policy serve the waiters behind
     * it. Returns the waiters that served, to wake once the withdrawal has been reported.
     */
    List<Waiter<?, ?>> unlinkWithdrawn(W w, Outcome outcome) {
        queue.lock();
        try {
            boolean wasHead = head == w;
            if (remove(w)) {
                policy.withdrawn(w, wasHead, outcome);
            }
        } catch (RuntimeException | Error e) {
            queue.unlock();
            throw e;
        }
        return queue.unlockDeferringWakeups();
    }

    /** See {@link WaitPolicy#withdrawsUnderLock}; without the lock (the policy's answer must not change while {@code w} waits). */
    boolean withdrawsUnderLock(W w) {
        return policy.withdrawsUnderLock(w);
    }

    /**
     * By {@link Waiter#withdraw} of a waiter that {@link #withdrawsUnderLock withdraws under the
     * lock}: under the queue's lock, flips its status to CANCELLED, unlinks it and lets the policy
     * serve the waiters behind it. Returns the waiters that served, to wake once the withdrawal has
     * been reported; null, changing nothing, when the grant came first.
     */
    List<Waiter<?, ?>> withdrawUnderLock(W w, Outcome outcome) {
        queue.lock();
        boolean withdrawn;
        try {
            withdrawn = w.cancel();
            if (withdrawn) {
                boolean wasHead = head == w;
                if (remove(w)) {
                    policy.withdrawn(w, wasHead, outcome);
                }
            }
        } catch (RuntimeException | Error e) {
            queue.unlock();
            throw e;
        }
        List<Waiter<?, ?>> served = queue.unlockDeferringWakeups();
        return withdrawn ? served : null;
    }

    /**
     * Grants waiters from the head (with no value) until {@code max} are granted or the list is
     * empty; waiters that gave up meanwhile are unlinked and skipped. Returns how many were granted.
     */
    int grantFromHead(int max) {
        int granted = 0;
        W w;
        while (granted < max && (w = peek()) != null) {
            if (queue.grant(w)) {
                granted++;
            }
        }
        return granted;
    }

    /** See {@link WaitPolicy#claim}; called by a blocking waiter's own thread, without the lock. */
    boolean claim(W w) {
        return policy.claim(w);
    }

    /** See {@link WaitPolicy#claimBeforePark}; called by a blocking waiter's own thread, without the lock. */
    boolean claimBeforePark(W w) {
        return policy.claimBeforePark(w);
    }

    @SuppressWarnings("unchecked") // only W's are ever linked (add takes a W)
    W peek() {
        return (W) head;
    }

    boolean isHead(Waiter<?, ?> w) {
        return head == w;
    }

    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return size;
    }

    /** For snapshots: how many wait now, read under the queue's lock. */
    int waiting() {
        queue.lock();
        try {
            return size;
        } finally {
            queue.unlock();
        }
    }
}

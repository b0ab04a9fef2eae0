package dev.signalbox.core;

import java.util.ArrayList;
import java.util.List;

/**
 * An intrusive FIFO list of {@link Waiter}s: O(1) append, O(1) removal from anywhere (a cancelled
 * waiter in the middle), no allocation per node. Not thread-safe: its owner guards it with a lock.
 */
final class WaitList {

    private Waiter<?> head;
    private Waiter<?> tail;
    private int size;

    void add(Waiter<?> w) {
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
    boolean remove(Waiter<?> w) {
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
    private boolean contains(Waiter<?> w) {
        return w.prev != null || head == w;
    }

    /**
     * Unlinks waiters from the head and grants them (with no value) until {@code max} are granted or
     * the list is empty; waiters that gave up meanwhile are unlinked and skipped. Returns the granted
     * ones, to wake once the owner's lock is released.
     */
    List<Waiter<?>> grantFromHead(int max) {
        List<Waiter<?>> granted = new ArrayList<>(Math.min(max, size));
        Waiter<?> w;
        while (granted.size() < max && (w = head) != null) {
            remove(w);
            if (w.grant(null)) {
                granted.add(w);
            }
        }
        return granted;
    }

    Waiter<?> peek() {
        return head;
    }

    boolean isHead(Waiter<?> w) {
        return head == w;
    }

    boolean isEmpty() {
        return head == null;
    }

    int size() {
        return size;
    }
}

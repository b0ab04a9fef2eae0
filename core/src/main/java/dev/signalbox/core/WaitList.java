package dev.signalbox.core;

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
        w.linked = true;
        size++;
    }

    /** Unlinks {@code w}; false when it was not (or no longer) in the list. */
    boolean remove(Waiter<?> w) {
        if (!w.linked) {
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
        w.linked = false;
        size--;
        return true;
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

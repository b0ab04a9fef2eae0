package dev.signalbox.core;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The items of a {@link LocalBoundedQueue} in the order they leave: FIFO, LIFO or by priority.
 * Only the item order differs between them; the queue's waiters stay FIFO whatever the order.
 * Every method runs under the queue's lock.
 *
 * <p>Adding is two steps so that a queue can decide where an item goes before it commits to it:
 * {@link #locate} does every comparison (the only step that can run caller code, a comparator,
 * and so the only one that can throw) and changes nothing; {@link #place} then stores the item
 * there without comparing. Nothing may change the items between the two. {@link #poll} either
 * removes the head or, when the comparator throws, changes nothing.
 *
 * @param <T> the item type
 */
interface QueueItems<T> {

    int size();

    /** Where {@code item} would go; changes nothing. May throw what a comparator throws. */
    int locate(T item);

    /** Stores {@code item} at {@code slot}, as returned by {@link #locate} with no change in between. */
    void place(T item, int slot);

    /** Removes and returns the next item in this order; null when empty. Changes nothing when it throws. */
    T poll();

    /** Drops every item. */
    void clear();

    /** "FIFO", "LIFO" or "priority", for {@code toString}. */
    String order();

    static <T> QueueItems<T> fifo(int capacity) {
        return new Deque<>(capacity, false);
    }

    static <T> QueueItems<T> lifo(int capacity) {
        return new Deque<>(capacity, true);
    }

    static <T> QueueItems<T> priority(Comparator<? super T> comparator) {
        return new Heap<>(comparator);
    }

    /** FIFO (take from the head) or LIFO (take from the tail) over an {@link ArrayDeque}. */
    final class Deque<T> implements QueueItems<T> {

        private final ArrayDeque<T> items;
        private final boolean lifo;

        Deque(int capacity, boolean lifo) {
            this.items = new ArrayDeque<>(capacity > 0 ? Math.min(capacity, 1024) : 16);
            this.lifo = lifo;
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public int locate(T item) {
            return 0;
        }

        @Override
        public void place(T item, int slot) {
            items.addLast(item);
        }

        @Override
        public T poll() {
            return lifo ? items.pollLast() : items.pollFirst();
        }

        @Override
        public void clear() {
            items.clear();
        }

        @Override
        public String order() {
            return lifo ? "LIFO" : "FIFO";
        }
    }

    /**
     * A binary min-heap by {@code comparator}; items that compare equal leave in the order they
     * entered (each carries its arrival sequence number, the tie-break). Both sift directions
     * compare first and move items only once every comparison has returned, so a comparator that
     * throws leaves the heap exactly as it was.
     */
    final class Heap<T> implements QueueItems<T> {

        private final Comparator<? super T> comparator;
        private Object[] items = new Object[16];
        private long[] seqs = new long[16];
        private int size;
        private long nextSeq;
        /** The child indices a removal moves up, recorded before anything moves; a heap is at most 31 levels deep. */
        private final int[] path = new int[32];

        Heap(Comparator<? super T> comparator) {
            this.comparator = comparator;
        }

        @Override
        public int size() {
            return size;
        }

        /** Walks up from the next free slot while {@code item} is strictly smaller than the parent (newer items lose ties). */
        @Override
        public int locate(T item) {
            int k = size;
            while (k > 0) {
                int parent = (k - 1) >>> 1;
                if (comparator.compare(item, itemAt(parent)) >= 0) {
                    break;
                }
                k = parent;
            }
            return k;
        }

        @Override
        public void place(T item, int slot) {
            if (size == items.length) {
                int grown = size < 64 ? size * 2 : size + (size >> 1);
                if (grown < 0) {
                    throw new OutOfMemoryError("priority queue too large");
                }
                items = Arrays.copyOf(items, grown);
                seqs = Arrays.copyOf(seqs, grown);
            }
            int k = size;
            while (k > slot) { // slot is an ancestor of the free slot: move the parents on that path down
                int parent = (k - 1) >>> 1;
                items[k] = items[parent];
                seqs[k] = seqs[parent];
                k = parent;
            }
            items[slot] = item;
            seqs[slot] = nextSeq++;
            size++;
        }

        @Override
        public T poll() {
            if (size == 0) {
                return null;
            }
            T head = itemAt(0);
            int last = size - 1;
            Object moved = items[last];
            long movedSeq = seqs[last];
            // Compare only: find where the last item settles in the heap of the other `last` items.
            int k = 0;
            int depth = 0;
            int half = last >>> 1;
            while (k < half) {
                int child = 2 * k + 1;
                int right = child + 1;
                if (right < last && less(items[right], seqs[right], items[child], seqs[child])) {
                    child = right;
                }
                if (!less(items[child], seqs[child], moved, movedSeq)) {
                    break;
                }
                path[depth++] = child;
                k = child;
            }
            // Move: nothing below can throw.
            int pos = 0;
            for (int i = 0; i < depth; i++) {
                items[pos] = items[path[i]];
                seqs[pos] = seqs[path[i]];
                pos = path[i];
            }
            items[pos] = moved;
            seqs[pos] = movedSeq;
            items[last] = null;
            size = last;
            return head;
        }

        @SuppressWarnings("unchecked") // only T's are stored
        private boolean less(Object a, long aSeq, Object b, long bSeq) {
            int c = comparator.compare((T) a, (T) b);
            return c < 0 || (c == 0 && aSeq < bSeq);
        }

        @SuppressWarnings("unchecked") // only T's are stored
        private T itemAt(int i) {
            return (T) items[i];
        }

        @Override
        public void clear() {
            Arrays.fill(items, 0, size, null);
            size = 0;
        }

        @Override
        public String order() {
            return "priority";
        }
    }
}

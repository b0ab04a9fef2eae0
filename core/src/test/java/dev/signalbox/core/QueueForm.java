package dev.signalbox.core;

import java.util.Comparator;

/**
 * Test support: the three item orders of {@link BoundedQueue}, bounded and unbounded, for tests that must hold in all of them
 * (public for the CPython port in {@code dev.signalbox.core.asyncio}).
 */
public enum QueueForm {
    FIFO, LIFO, PRIORITY;

    public <T extends Comparable<? super T>> BoundedQueue<T> bounded(String name, int capacity, PrimitiveListener listener) {
        return switch (this) {
            case FIFO -> BoundedQueue.create(name, capacity, listener);
            case LIFO -> BoundedQueue.lifo(name, capacity, listener);
            case PRIORITY -> BoundedQueue.priority(name, capacity, Comparator.<T>naturalOrder(), listener);
        };
    }

    public <T extends Comparable<? super T>> BoundedQueue<T> bounded(String name, int capacity) {
        return bounded(name, capacity, PrimitiveListener.NONE);
    }

    public <T extends Comparable<? super T>> BoundedQueue<T> unbounded(String name, PrimitiveListener listener) {
        return switch (this) {
            case FIFO -> BoundedQueue.unbounded(name, listener);
            case LIFO -> BoundedQueue.unboundedLifo(name, listener);
            case PRIORITY -> BoundedQueue.unboundedPriority(name, Comparator.<T>naturalOrder(), listener);
        };
    }

    public <T extends Comparable<? super T>> BoundedQueue<T> unbounded(String name) {
        return unbounded(name, PrimitiveListener.NONE);
    }
}

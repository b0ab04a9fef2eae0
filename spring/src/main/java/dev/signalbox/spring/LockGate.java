package dev.signalbox.spring;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;

/**
 * The gate of an EXCLUSIVE {@code @Guarded} method with one permit and no key: one lock (local or
 * cluster) for all calls. A blocking call by the thread that already holds the lock does not wait
 * for itself: the lock knows its holding thread, so no thread-local is consulted and no wrapper
 * permit is made (such holds are never recorded in {@link HeldGuards}).
 *
 * @param lock    the guard
 * @param timeout the longest wait
 */
record LockGate(Lock lock, Duration timeout) implements CallGate {

    @Override
    public Permit enter(Object[] args) throws InterruptedException {
        return lock.isHeldByCurrentThread() ? NOTHING_HELD : lock.acquire(timeout);
    }

    @Override
    public CompletableFuture<Permit> enterAsync(Object[] args) {
        return lock.acquireAsync(timeout);
    }
}

package dev.signalbox.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.core.Permit;

/**
 * The local FIFO in front of Redis: a core primitive of the same shape (a {@code Lock}, a
 * {@code Semaphore} of the same permits, one side of a {@code ReadWriteLock}), with its own timeouts
 * and cancellation. Only the callers it admits compete in Redis, so a cluster primitive's waiters on
 * one instance cost Redis what its holders do.
 */
interface LocalQueue {

    CompletableFuture<Permit> acquireAsync(int permits, Duration timeout);

    /** Null when it would have to wait. */
    Permit tryAcquire(int permits);
}

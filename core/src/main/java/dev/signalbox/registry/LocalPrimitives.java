package dev.signalbox.registry;

import java.time.Duration;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Barrier;
import dev.signalbox.core.Lock;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Semaphore;

/** {@link PrimitiveFactory#local()}: core's own primitives; keys are ignored (each key gets its own). */
enum LocalPrimitives implements PrimitiveFactory {
    INSTANCE;

    @Override
    public Scope scope() {
        return Scope.LOCAL;
    }

    @Override
    public Lock lock(String name, String key, PrimitiveListener listener) {
        return Lock.create(name, listener);
    }

    @Override
    public Semaphore semaphore(String name, String key, int permits, PrimitiveListener listener) {
        return Semaphore.create(name, permits, listener);
    }

    @Override
    public ReadWriteLock readWriteLock(String name, String key, PrimitiveListener listener) {
        return ReadWriteLock.create(name, listener);
    }

    @Override
    public RateLimiter rateLimiter(String name, String key, int limit, Duration per, PrimitiveListener listener) {
        return RateLimiter.create(name, limit, per, listener);
    }

    @Override
    public Barrier barrier(String name, int parties, PrimitiveListener listener) {
        return Barrier.create(name, parties, listener);
    }
}

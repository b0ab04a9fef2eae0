package dev.signalbox.core;

/**
 * A mutual-exclusion lock (asyncio's {@code Lock}): one holder at a time.
 *
 * <p>Not reentrant, like asyncio's: a thread that acquires a lock it already holds waits for
 * itself. {@link #isHeldByCurrentThread()} lets a caller (such as Spring's {@code @Guarded}
 * interceptor) detect re-entry and skip the second acquisition.
 *
 * <p><b>Fairness:</b> strictly FIFO; {@link #tryAcquire()} never overtakes a waiter.
 * <b>Timeouts and cancellation:</b> a wait that times out, is interrupted or is cancelled holds
 * nothing and releases nothing. <b>Memory:</b> actions before a permit's {@code close()}
 * happen-before everything after the next successful acquisition.
 */
public interface Lock extends Acquirable {

    /** An uninstrumented lock. */
    static Lock create(String name) {
        return new LocalLock(name, PrimitiveListener.NONE);
    }

    /** A lock reporting to {@code listener}. */
    static Lock create(String name, PrimitiveListener listener) {
        return new LocalLock(name, listener);
    }

    @Override
    default Kind kind() {
        return Kind.LOCK;
    }

    /** True while somebody holds the lock. */
    boolean isLocked();

    /** True when the current thread acquired the lock in blocking or try form and has not released it. */
    boolean isHeldByCurrentThread();

    /** A new condition bound to this lock (asyncio's {@code Condition(lock)}), reporting to the lock's listener. */
    Condition newCondition(String name);

    /** A new condition bound to this lock, reporting to {@code listener}. */
    Condition newCondition(String name, PrimitiveListener listener);
}

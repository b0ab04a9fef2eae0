package dev.signalbox.core;

/**
 * A mutual-exclusion lock (asyncio's {@code Lock}): one holder at a time.
 *
 * <p>Not reentrant, like asyncio's: a thread that acquires a lock it already holds waits for
 * itself. {@link #isHeldByCurrentThread()} lets a caller (such as Spring's {@code @Guarded}
 * interceptor) detect re-entry and skip the second acquisition.
 *
 * <p><b>Ordering</b> (see {@link Fairness}). Callers that have to wait queue in arrival order and
 * are served in that order among themselves. By default ({@link Fairness#BARGING}) a release frees
 * the lock and wakes the first waiter, and a caller already running may take the lock before that
 * waiter gets to it ({@link #tryAcquire()} succeeds whenever the lock is free): this keeps
 * throughput close to an unfair {@code ReentrantLock}. The wait is bounded: once the first waiter
 * has been overtaken for {@link Fairness#STARVATION_THRESHOLD} (1 ms) or longer, the lock passes
 * directly from each holder to the next waiter in arrival order, and nobody overtakes them
 * ({@code tryAcquire} returns {@code null}) until every waiter queued at that moment has had it;
 * then barging resumes (see {@link Fairness#BARGING} for the exact rule). A
 * waiter that has no thread ({@link #acquireAsync}) is handed the lock directly when it is first
 * in the queue. With {@link Fairness#FIFO} the lock always passes to the longest waiter, and
 * {@code tryAcquire} succeeds only when nobody waits.
 *
 * <p><b>Timeouts and cancellation:</b> a wait that times out, is interrupted or is cancelled holds
 * nothing and releases nothing; the waiters behind it move up. <b>Memory:</b> actions before a
 * permit's {@code close()} happen-before everything after the next successful acquisition, in
 * either mode and whichever way it succeeds (hand-off, barging or {@code tryAcquire}).
 */
public interface Lock extends Acquirable {

    /** An uninstrumented {@link Fairness#BARGING} lock. */
    static Lock create(String name) {
        return new LocalLock(name, Fairness.BARGING, PrimitiveListener.NONE);
    }

    /** A {@link Fairness#BARGING} lock reporting to {@code listener}. */
    static Lock create(String name, PrimitiveListener listener) {
        return new LocalLock(name, Fairness.BARGING, listener);
    }

    /**
     * A lock with the given ordering, reporting to {@code listener}
     * ({@link PrimitiveListener#NONE} for none), e.g. {@code Lock.create("ledger", Fairness.FIFO, listener)}.
     */
    static Lock create(String name, Fairness fairness, PrimitiveListener listener) {
        return new LocalLock(name, fairness, listener);
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

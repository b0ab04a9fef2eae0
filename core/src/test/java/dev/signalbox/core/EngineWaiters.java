package dev.signalbox.core;

/**
 * Test support: waiters for driving a {@link WaitEngine} directly, one call per operation, with an
 * owner that hands out nothing and reports nothing.
 */
final class EngineWaiters {

    private EngineWaiters() {
    }

    /** An owner of waiters in {@code engine}'s list that hands out nothing and reports nothing. */
    static WaitOwner<Void, Void> owner(WaitEngine engine) {
        return new WaitOwner<>() {
            @Override
            public WaitList<? super Waiter<Void, Void>> waitList() {
                return engine.waiters();
            }

            @Override
            public Void granted(Waiter<Void, Void> waiter) {
                return null;
            }

            @Override
            public void ended(Waiter<Void, Void> waiter, Outcome outcome) {
            }
        };
    }

    /** An async waiter for {@code amount} (permits, or a mode) of {@code engine}; not yet enqueued. */
    static AsyncWaiter<Void, Void> async(WaitEngine engine, int amount) {
        return new AsyncWaiter<>(owner(engine), amount, null, 0L);
    }

    /** A blocking waiter of the calling thread; not yet enqueued. */
    static BlockingWaiter<Void, Void> blocking(WaitEngine engine, int amount) {
        return new BlockingWaiter<>(owner(engine), amount, null, 0L);
    }
}

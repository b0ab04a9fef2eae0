package dev.signalbox.core;

/**
 * Test support: waiters for driving a {@link WaitEngine} directly, one call per operation, with an
 * owner that hands out nothing and reports nothing.
 */
final class EngineWaiters {

    static final WaitOwner<Void, Void> OWNER = new WaitOwner<>() {
        @Override
        public Void granted(Waiter<Void, Void> waiter) {
            return null;
        }

        @Override
        public void ended(Waiter<Void, Void> waiter, Outcome outcome) {
        }
    };

    private EngineWaiters() {
    }

    /** An async waiter for {@code amount} (permits, or a mode) of {@code engine}; not yet enqueued. */
    static AsyncWaiter<Void, Void> async(WaitEngine engine, int amount) {
        return new AsyncWaiter<>(engine.waiters(), OWNER, amount, null, 0L);
    }

    /** A blocking waiter of the calling thread; not yet enqueued. */
    static BlockingWaiter<Void, Void> blocking(WaitEngine engine, int amount) {
        return new BlockingWaiter<>(engine.waiters(), OWNER, amount, null, 0L);
    }
}

package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A hold handed to a caller that is given back exactly once: the first {@link #close()} calls
 * {@link #release()}, later ones do nothing. Also what {@link HolderTracker} lists.
 */
abstract class OnceReleasedHold implements Permit, HolderTracker.Hold {

    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(OnceReleasedHold.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long acquiredAt;
    private final String holder;
    private volatile boolean released;

    OnceReleasedHold(long acquiredAt, String holder) {
        this.acquiredAt = acquiredAt;
        this.holder = holder;
    }

    /** Gives the hold back to its primitive; called once. */
    abstract void release();

    @Override
    public final void close() {
        if (RELEASED.compareAndSet(this, false, true)) {
            release();
        }
    }

    @Override
    public final boolean isHeld() {
        return !released;
    }

    @Override
    public final String holder() {
        return holder;
    }

    @Override
    public int permits() {
        return 1;
    }

    @Override
    public final long acquiredAt() {
        return acquiredAt;
    }
}

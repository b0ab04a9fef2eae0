package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.OptionalLong;

/**
 * The permit of a keyed acquisition: the permits of one or more keys' primitives plus the handles
 * that keep those primitives in their registry. Closing it releases the permits in the reverse of
 * the order they were acquired in, then closes the handles (which may evict the keys), exactly once.
 */
final class KeyedPermit implements Permit {

    private static final VarHandle HELD;

    static {
        try {
            HELD = MethodHandles.lookup().findVarHandle(KeyedPermit.class, "held", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Permit[] permits;
    private final List<? extends KeyedRegistry.Handle<?, ?>> handles;
    private volatile boolean held = true;

    /** {@code permits[i]} was acquired on {@code handles.get(i)}'s primitive, in that order. */
    KeyedPermit(Permit[] permits, List<? extends KeyedRegistry.Handle<?, ?>> handles) {
        this.permits = permits;
        this.handles = handles;
    }

    @Override
    public void close() {
        if (HELD.compareAndSet(this, true, false)) {
            giveBack(permits, permits.length, handles);
        }
    }

    @Override
    public boolean isHeld() {
        return held;
    }

    /**
     * The fencing token of a single key's permit. Several keys have one token sequence each and no
     * single number fences all of them, so a permit over several keys has none.
     */
    @Override
    public OptionalLong fencingToken() {
        return permits.length == 1 ? permits[0].fencingToken() : OptionalLong.empty();
    }

    /**
     * Releases the first {@code acquired} permits, last first, then closes every handle: what a
     * completed hold does on close, and what a failed acquisition does with what it got so far.
     */
    static void giveBack(Permit[] permits, int acquired, List<? extends KeyedRegistry.Handle<?, ?>> handles) {
        for (int i = acquired - 1; i >= 0; i--) {
            permits[i].close();
        }
        for (int i = handles.size() - 1; i >= 0; i--) {
            handles.get(i).close();
        }
    }

    @Override
    public String toString() {
        StringBuilder keys = new StringBuilder();
        for (KeyedRegistry.Handle<?, ?> handle : handles) {
            keys.append(keys.isEmpty() ? "" : ", ").append(handle.key());
        }
        return "permit on keys [" + keys + "]" + (held ? ", held" : ", released");
    }
}

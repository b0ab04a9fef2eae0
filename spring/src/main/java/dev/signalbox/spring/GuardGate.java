package dev.signalbox.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.core.Acquirable;
import dev.signalbox.core.KeyedPermits;
import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.Primitive;

/**
 * The gate of a {@code @Guarded} method: a lock, a semaphore or one side of a read-write lock,
 * either one for all calls or one per key (several keys acquired in the registry's canonical order).
 * A blocking call does not wait for a guard its thread already holds (see {@link HeldGuards}); for
 * one lock for all calls, the lock itself knows its holding thread and no thread-local is consulted.
 */
final class GuardGate implements CallGate {

    private static final Object NO_KEY = new Object();

    private final String name;
    private final Guarded.Mode mode;
    private final Duration timeout;
    private final String where;
    private final KeyExpression[] keys;
    private final Acquirable single;
    /** {@code single} when it is a lock: re-entry is then {@link Lock#isHeldByCurrentThread()}. */
    private final Lock singleLock;
    private final KeyedRegistry<Object, Primitive> keyed;
    private final Function<Primitive, Acquirable> side;
    /** True for a cluster EXCLUSIVE or WRITE guard: its permits carry fencing tokens. */
    private final boolean fenced;

    private GuardGate(String name, Guarded.Mode mode, Duration timeout, String where, KeyExpression[] keys,
            Acquirable single, KeyedRegistry<Object, Primitive> keyed, Function<Primitive, Acquirable> side, boolean fenced) {
        this.name = name;
        this.mode = mode;
        this.timeout = timeout;
        this.where = where;
        this.keys = keys;
        this.single = single;
        this.singleLock = single instanceof Lock lock && mode == Guarded.Mode.EXCLUSIVE ? lock : null;
        this.keyed = keyed;
        this.side = side;
        this.fenced = fenced;
    }

    /** This gate, saying whether its permits carry fencing tokens (cluster EXCLUSIVE and WRITE guards). */
    GuardGate fenced(boolean carriesTokens) {
        return new GuardGate(name, mode, timeout, where, keys, single, keyed, side, carriesTokens);
    }

    /** True when the interceptor should expose the permit's fencing token to the body (see {@link dev.signalbox.core.GuardContext}). */
    boolean isFenced() {
        return fenced;
    }

    static GuardGate unkeyed(String name, Guarded.Mode mode, Duration timeout, String where, Acquirable target) {
        return new GuardGate(name, mode, timeout, where, new KeyExpression[0], target, null, null, false);
    }

    @SuppressWarnings("unchecked")
    static <P extends Primitive> GuardGate keyed(String name, Guarded.Mode mode, Duration timeout, String where,
            KeyExpression[] keys, KeyedRegistry<Object, P> registry, Function<? super P, Acquirable> side) {
        return new GuardGate(name, mode, timeout, where, keys, null, (KeyedRegistry<Object, Primitive>) registry,
                (Function<Primitive, Acquirable>) side, false);
    }

    @Override
    public Permit enter(Object[] args) throws InterruptedException {
        if (singleLock != null) {
            // The lock's owner is the thread of a blocking hold: the same answer as HeldGuards, with no
            // thread-local map and no wrapper permit. Unkeyed lock gates never record in HeldGuards.
            return singleLock.isHeldByCurrentThread() ? NOTHING_HELD : singleLock.acquire(timeout);
        }
        if (keys.length == 0) {
            if (HeldGuards.covers(name, NO_KEY, mode, where)) {
                return NOTHING_HELD;
            }
            return HeldGuards.track(name, NO_KEY, mode, single.acquire(timeout));
        }
        List<Object> wanted = new ArrayList<>(keys.length);
        for (KeyExpression key : keys) {
            Object value = key.evaluate(args);
            if (!HeldGuards.covers(name, value, mode, where) && !wanted.contains(value)) {
                wanted.add(value);
            }
        }
        if (wanted.isEmpty()) {
            return NOTHING_HELD;
        }
        if (wanted.size() == 1) {
            return HeldGuards.track(name, wanted.get(0), mode, KeyedPermits.acquire(keyed, wanted.get(0), side, timeout));
        }
        Permit all = KeyedPermits.acquireAll(keyed, wanted, side, timeout);
        Permit tracked = all;
        for (Object key : wanted) {
            tracked = HeldGuards.track(name, key, mode, tracked);
        }
        return tracked;
    }

    @Override
    public CompletableFuture<Permit> enterAsync(Object[] args) {
        if (keys.length == 0) {
            return single.acquireAsync(timeout);
        }
        if (keys.length == 1) {
            return KeyedPermits.acquireAsync(keyed, keys[0].evaluate(args), side, timeout);
        }
        List<Object> values = new ArrayList<>(keys.length);
        for (KeyExpression key : keys) {
            values.add(key.evaluate(args));
        }
        return KeyedPermits.acquireAllAsync(keyed, values, side, timeout);
    }
}

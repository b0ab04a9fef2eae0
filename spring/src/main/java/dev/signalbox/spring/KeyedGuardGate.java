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
import dev.signalbox.core.Permit;
import dev.signalbox.core.Primitive;

/**
 * The gate of a {@code @Guarded} method with keys: one lock, semaphore or read-write lock per key,
 * several keys acquired in the registry's canonical order (so opposite-order calls cannot deadlock),
 * the same key twice taken once. A blocking call does not wait for a key its thread already holds in
 * a covering mode (see {@link HeldGuards}).
 */
final class KeyedGuardGate implements CallGate {

    private final String name;
    private final Guarded.Mode mode;
    private final Duration timeout;
    private final String where;
    private final KeyExpression[] keys;
    private final KeyedRegistry<Object, Primitive> registry;
    private final Function<Primitive, Acquirable> side;

    /**
     * @param registry the family of guards, by key
     * @param side     what to acquire of a key's primitive: itself, or the read or write side
     */
    @SuppressWarnings("unchecked")
    <P extends Primitive> KeyedGuardGate(String name, Guarded.Mode mode, Duration timeout, String where, List<KeyExpression> keys,
            KeyedRegistry<Object, P> registry, Function<? super P, Acquirable> side) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(where + ": a keyed guard needs a key");
        }
        this.name = name;
        this.mode = mode;
        this.timeout = timeout;
        this.where = where;
        this.keys = keys.toArray(KeyExpression[]::new);
        this.registry = (KeyedRegistry<Object, Primitive>) registry;
        this.side = (Function<Primitive, Acquirable>) side;
    }

    @Override
    public Permit enter(Object[] args) throws InterruptedException {
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
            return HeldGuards.track(name, wanted.get(0), mode, KeyedPermits.acquire(registry, wanted.get(0), side, timeout));
        }
        Permit all = KeyedPermits.acquireAll(registry, wanted, side, timeout);
        Permit tracked = all;
        for (Object key : wanted) {
            tracked = HeldGuards.track(name, key, mode, tracked);
        }
        return tracked;
    }

    @Override
    public CompletableFuture<Permit> enterAsync(Object[] args) {
        if (keys.length == 1) {
            return KeyedPermits.acquireAsync(registry, keys[0].evaluate(args), side, timeout);
        }
        List<Object> values = new ArrayList<>(keys.length);
        for (KeyExpression key : keys) {
            values.add(key.evaluate(args));
        }
        return KeyedPermits.acquireAllAsync(registry, values, side, timeout);
    }
}

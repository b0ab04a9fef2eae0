package dev.signalbox.core;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Acquiring the primitives of a {@link KeyedRegistry} by key: one key, or several keys without
 * deadlock. The returned {@link Permit} holds both the primitives' permits and the registry
 * handles; closing it releases the permits (last acquired first) and then gives the handles back,
 * so idle keys are evicted. It is released exactly once.
 *
 * <p>Registries of {@link Acquirable} primitives (locks, semaphores) use the short forms; for other
 * primitives pass the side to acquire, e.g. {@code ReadWriteLock::writeLock}.
 *
 * <p><b>Several keys.</b> Duplicate keys count once; the keys are acquired one by one in the
 * registry's canonical order ({@link KeyedRegistry#borrowAll}), so two callers naming the same keys
 * in opposite orders never deadlock (across processes too, when the registry orders by key:
 * {@link KeyedRegistry#createInKeyOrder}). All of them are acquired within <em>one</em> overall timeout:
 * once it has run out, each remaining key is still tried once ({@code timeout = 0} therefore means
 * "try every key once, wait for none"). On failure (timeout, interrupt, cancellation) whatever was
 * acquired is released, last first, and the caller holds nothing.
 *
 * <p><b>Fencing.</b> The permit of one key carries that key's {@link Permit#fencingToken()}; a
 * permit over several keys carries none (each key has its own token sequence).
 *
 * <p><b>Fairness</b> is each primitive's own (a lock's or semaphore's {@link Fairness}), key by key: a caller
 * waiting for its second key keeps its first one meanwhile. <b>Async</b> acquisitions chain the
 * keys' async waits, so no thread is parked; cancelling the returned future withdraws the pending
 * wait and releases the keys already acquired (if the final grant wins the race, the permit is
 * released instead of being lost). <b>Memory:</b> as for each primitive, actions before a permit's
 * release happen-before the next acquisition of the same key, even if the key was evicted between.
 */
public final class KeyedPermits {

    private KeyedPermits() {
    }

    /** Acquires the primitive of {@code key}, waiting at most {@code timeout}; see {@link Acquirable#acquire(Duration)}. */
    public static <K> Permit acquire(KeyedRegistry<K, ? extends Acquirable> registry, K key, Duration timeout)
            throws InterruptedException {
        return acquire(registry, key, Acquirable.class::cast, timeout);
    }

    /** Acquires {@code side} of the primitive of {@code key}, waiting at most {@code timeout}. */
    public static <K, P extends Primitive> Permit acquire(KeyedRegistry<K, P> registry, K key,
            Function<? super P, ? extends Acquirable> side, Duration timeout) throws InterruptedException {
        Durations.requireTimeout(timeout);
        return acquireInOrder(List.of(registry.borrow(key)), side, timeout);
    }

    /** Async form of {@link #acquire(KeyedRegistry, Object, Duration)}; parks no thread. */
    public static <K> CompletableFuture<Permit> acquireAsync(KeyedRegistry<K, ? extends Acquirable> registry, K key,
            Duration timeout) {
        return acquireAsync(registry, key, Acquirable.class::cast, timeout);
    }

    /** Async form of {@link #acquire(KeyedRegistry, Object, Function, Duration)}; parks no thread. */
    public static <K, P extends Primitive> CompletableFuture<Permit> acquireAsync(KeyedRegistry<K, P> registry, K key,
            Function<? super P, ? extends Acquirable> side, Duration timeout) {
        Durations.requireTimeout(timeout);
        return AsyncKeyedAcquisition.start(List.of(registry.borrow(key)), side, timeout);
    }

    /**
     * Acquires the primitives of all {@code keys}, in the registry's canonical order, within one
     * overall {@code timeout}.
     *
     * @throws GuardTimeoutException when the timeout runs out (the caller holds nothing)
     * @throws InterruptedException when interrupted while waiting (the caller holds nothing)
     * @throws IllegalArgumentException when {@code keys} is empty or contains null
     */
    public static <K> Permit acquireAll(KeyedRegistry<K, ? extends Acquirable> registry, Collection<? extends K> keys,
            Duration timeout) throws InterruptedException {
        return acquireAll(registry, keys, Acquirable.class::cast, timeout);
    }

    /** Like {@link #acquireAll(KeyedRegistry, Collection, Duration)}, acquiring {@code side} of each primitive. */
    public static <K, P extends Primitive> Permit acquireAll(KeyedRegistry<K, P> registry, Collection<? extends K> keys,
            Function<? super P, ? extends Acquirable> side, Duration timeout) throws InterruptedException {
        Durations.requireTimeout(timeout);
        return acquireInOrder(registry.borrowAll(keys), side, timeout);
    }

    /**
     * Async form of {@link #acquireAll(KeyedRegistry, Collection, Duration)}: the future completes
     * with the permit, or fails with {@link GuardTimeoutException}; cancel it to withdraw.
     */
    public static <K> CompletableFuture<Permit> acquireAllAsync(KeyedRegistry<K, ? extends Acquirable> registry,
            Collection<? extends K> keys, Duration timeout) {
        return acquireAllAsync(registry, keys, Acquirable.class::cast, timeout);
    }

    /** Async form of {@link #acquireAll(KeyedRegistry, Collection, Function, Duration)}. */
    public static <K, P extends Primitive> CompletableFuture<Permit> acquireAllAsync(KeyedRegistry<K, P> registry,
            Collection<? extends K> keys, Function<? super P, ? extends Acquirable> side, Duration timeout) {
        Durations.requireTimeout(timeout);
        return AsyncKeyedAcquisition.start(registry.borrowAll(keys), side, timeout);
    }

    /** Acquires the handles' primitives in list order; on any failure gives back everything and rethrows. */
    private static <P extends Primitive> Permit acquireInOrder(List<? extends KeyedRegistry.Handle<?, P>> handles,
            Function<? super P, ? extends Acquirable> side, Duration timeout) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        long start = System.nanoTime();
        Permit[] permits = new Permit[handles.size()];
        int acquired = 0;
        try {
            for (; acquired < permits.length; acquired++) {
                permits[acquired] = side.apply(handles.get(acquired).primitive())
                        .acquire(remaining(start, timeoutNanos));
            }
            return new KeyedPermit(permits, handles);
        } catch (GuardTimeoutException e) {
            KeyedPermit.giveBack(permits, acquired, handles);
            throw overall(e, timeout);
        } catch (InterruptedException | RuntimeException | Error e) {
            KeyedPermit.giveBack(permits, acquired, handles);
            throw e;
        }
    }

    /** What is left of one overall timeout that began at {@code startNanos}; zero once it has run out. */
    static Duration remaining(long startNanos, long timeoutNanos) {
        if (timeoutNanos == Long.MAX_VALUE) {
            return Durations.FOREVER;
        }
        return Duration.ofNanos(Math.max(0L, timeoutNanos - (System.nanoTime() - startNanos)));
    }

    /** A key's timeout restated against the caller's overall timeout (a key only got what was left of it). */
    static GuardTimeoutException overall(GuardTimeoutException keyTimeout, Duration timeout) {
        return new GuardTimeoutException(keyTimeout.getPrimitiveName(), keyTimeout.getKind(), timeout);
    }
}

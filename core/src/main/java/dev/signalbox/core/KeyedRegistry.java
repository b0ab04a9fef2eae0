package dev.signalbox.core;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One primitive per key, made on demand and dropped again once nobody uses it: the machinery
 * behind {@code @Guarded(key = ...)} and {@code @RateLimited(key = ...)}. Memory stays bounded by
 * the keys in use (plus those whose primitive still has state to keep, see below), however many
 * distinct keys pass through.
 *
 * <p><b>Borrowing.</b> {@link #borrow(Object)} returns a {@link Handle} on the key's primitive;
 * while any handle of a key is open, every borrower of that key gets the same instance. Keep the
 * handle open for as long as you hold or wait on the primitive, and close it afterwards
 * (try-with-resources): {@link KeyedPermits} does both for {@link Acquirable} primitives.
 *
 * <p><b>Eviction.</b> When the last handle of a key closes, the key's primitive is evicted if it is
 * idle. By default only the borrower count decides (right for locks, semaphores and read-write
 * locks, whose whole state is their holds and waits, which only borrowers have). A primitive that
 * keeps state between uses, such as a rate limiter's bucket that is still refilling, passes an
 * idleness test to {@link #create(String, Function, Predicate)}: a key nobody borrows whose
 * primitive is not idle yet is kept (so the next borrower sees its state instead of a fresh one)
 * and re-checked a few at a time during later borrows and closes, amortised O(1) per operation,
 * or all at once by {@link #evictIdle()}. Eviction is atomic with respect to borrowing: a borrower
 * never receives a primitive that has been evicted, so two callers can never hold "the same" key
 * through two instances.
 *
 * <p><b>Memory consistency.</b> Closing a handle happens-before a later borrow of the same key
 * that finds the primitive evicted; together with the primitive's own guarantee, actions before
 * releasing a key's lock happen-before the next holder's acquisition even across an eviction.
 *
 * <p>All primitives of one registry share its {@link #name()} (metrics are per name; keys never
 * become tags). Null keys are refused with an {@link IllegalArgumentException}.
 *
 * @param <K> the key type; keys are compared with {@code equals}/{@code hashCode}, so they must be
 *     immutable while in use
 * @param <P> the primitive type
 */
public interface KeyedRegistry<K, P extends Primitive> {

    /**
     * A registry whose idleness is decided by borrowers alone: a key's primitive is evicted as soon
     * as its last handle closes. For locks, semaphores and read-write locks.
     *
     * @param name the name of the registry and of every primitive it makes
     * @param factory makes the primitive of a key; called once per key each time the key comes into
     *     use, inside the map's per-bin lock, so it must be quick and must not use this registry.
     *     Give every primitive the registry's name, e.g. {@code key -> Lock.create(name, listener)}
     */
    static <K, P extends Primitive> KeyedRegistry<K, P> create(String name, Function<? super K, ? extends P> factory) {
        return new LocalKeyedRegistry<>(name, factory, null, null);
    }

    /**
     * A registry that evicts a key's primitive only once nobody borrows it <em>and</em>
     * {@code isIdle} says it has no state worth keeping (e.g. a rate limiter's bucket is full again).
     *
     * @param isIdle called without any lock held, on the thread closing a handle or borrowing; must
     *     be quick and must not throw
     */
    static <K, P extends Primitive> KeyedRegistry<K, P> create(String name, Function<? super K, ? extends P> factory,
            Predicate<? super P> isIdle) {
        if (isIdle == null) {
            throw new IllegalArgumentException("keyed registry '" + name
                    + "': the idleness test is null; use create(name, factory) to let borrowers alone decide");
        }
        return new LocalKeyedRegistry<>(name, factory, isIdle, null);
    }

    /**
     * A registry like {@link #create(String, Function)} whose canonical order of
     * {@link #borrowAll} is the order of the keys themselves, by {@code keyOrder}, instead of the
     * order in which this registry created their primitives. Use it when the primitives are shared
     * beyond this registry (cluster guards: every instance has its own registry over the same
     * Redis locks): creation order differs from one instance to the next, so only an order derived
     * from the keys lets two instances naming the same keys in opposite orders avoid a deadlock.
     *
     * @param keyOrder a total order of the keys, consistent with {@code equals} (two keys it ranks
     *     equal would otherwise fall back to creation order), e.g. {@code Comparator.naturalOrder()}
     *     for strings
     */
    static <K, P extends Primitive> KeyedRegistry<K, P> createInKeyOrder(String name, Comparator<? super K> keyOrder,
            Function<? super K, ? extends P> factory) {
        if (keyOrder == null) {
            throw new IllegalArgumentException("keyed registry '" + name
                    + "': the key order is null; pass one, e.g. Comparator.naturalOrder(), or use create(name, factory)");
        }
        return new LocalKeyedRegistry<>(name, factory, null, keyOrder);
    }

    /**
     * A registry ordered like {@link #createInKeyOrder(String, Comparator, Function)} that evicts
     * like {@link #create(String, Function, Predicate)}: only once nobody borrows a key's primitive
     * and {@code isIdle} says it has no state worth keeping.
     */
    static <K, P extends Primitive> KeyedRegistry<K, P> createInKeyOrder(String name, Comparator<? super K> keyOrder,
            Function<? super K, ? extends P> factory, Predicate<? super P> isIdle) {
        if (keyOrder == null || isIdle == null) {
            throw new IllegalArgumentException("keyed registry '" + name + "': the " + (keyOrder == null ? "key order" : "idleness test")
                    + " is null; pass one, or use createInKeyOrder(name, keyOrder, factory)");
        }
        return new LocalKeyedRegistry<>(name, factory, isIdle, keyOrder);
    }

    /**
     * An idleness test for primitives that may be used outside their handles: idle when its
     * snapshot shows nobody waiting and nothing active. Costs a snapshot per check.
     */
    static Predicate<Primitive> idleWhenNothingActive() {
        return primitive -> {
            Snapshot snapshot = primitive.snapshot();
            return snapshot.waiting() == 0 && snapshot.active() == 0;
        };
    }

    /** The name shared by the registry and all its primitives. */
    String name();

    /**
     * The primitive of {@code key}, creating it if needed, counted as borrowed until the handle is
     * closed.
     *
     * @throws IllegalArgumentException when {@code key} is null
     */
    Handle<K, P> borrow(K key);

    /**
     * Borrows every distinct key of {@code keys} (duplicates by {@code equals} count once) and
     * returns the handles in this registry's canonical order: acquiring in that order, two callers
     * naming the same keys in any orders can never deadlock each other.
     *
     * <p>By default the order ranks the keys' primitives by when they were created. While the
     * handles are open the primitives cannot change, so every caller holding some of the same keys
     * at the same time sees the same ranks: the order is total and consistent across callers of
     * this registry for any key type, with no need for keys to be {@link Comparable}. It is not
     * predictable from the keys, and differs between two registries; a registry made by
     * {@link #createInKeyOrder} orders by the keys instead, the same in every registry.
     *
     * @throws IllegalArgumentException when {@code keys} is empty or contains null (nothing is then
     *     borrowed)
     */
    List<Handle<K, P>> borrowAll(Collection<? extends K> keys);

    /** How many keys have a primitive now (borrowed ones, and unborrowed ones not idle yet). */
    int size();

    /** A snapshot of every key with a primitive now, in no particular order. */
    List<Entry<K, P>> entries();

    /** The {@code n} keys with the most borrowers now, most first: the "hot keys". */
    List<Entry<K, P>> hottest(int n);

    /** The {@code n} keys borrowed most often since their primitives were created, most first. */
    List<Entry<K, P>> busiest(int n);

    /**
     * Re-checks every key that nobody borrows but whose primitive was not idle, and evicts those
     * that are idle now. Borrows and closes already do this a few keys at a time; call it to
     * reclaim memory at once (for instance from a periodic task).
     *
     * @return how many keys were evicted
     */
    int evictIdle();

    /**
     * One borrow of a key's primitive. {@link #close()} gives it back exactly once (later calls do
     * nothing) and may evict the primitive; do not use the primitive after closing.
     */
    interface Handle<K, P> extends AutoCloseable {

        K key();

        P primitive();

        /** True until {@link #close()}. */
        boolean isOpen();

        /** Gives the borrow back. Idempotent; never throws. */
        @Override
        void close();
    }

    /**
     * A key with a primitive, as seen at one instant.
     *
     * @param key the key
     * @param primitive its primitive
     * @param borrowers the handles open on it then (0 for a key kept only because not idle yet)
     * @param acquisitions the borrows of this key since its primitive was created (an idle key is
     *        evicted, so this counts its current burst of use); wraps after 2^32
     */
    record Entry<K, P>(K key, P primitive, int borrowers, long acquisitions) {
    }
}

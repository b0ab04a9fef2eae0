package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The in-JVM {@link KeyedRegistry}: a {@link ConcurrentHashMap} from key to {@link Slot}.
 *
 * <h2>Algorithm</h2>
 * A slot holds the key's primitive and one word, {@code state}: the number of open handles in the
 * low 32 bits and a borrow counter (the <em>epoch</em>, bumped by every borrow) above them; the
 * value {@code DEAD} marks a slot evicted for good. Borrowing is lock-free on a live slot: a CAS
 * adds one handle and one epoch unless the slot is dead; a borrower that finds a dead slot unlinks
 * it from the map and retries, and a missing slot is created by {@code computeIfAbsent}. Closing a
 * handle subtracts one; the closer that brings the count to zero checks idleness and then evicts
 * by a CAS from the exact state it saw to {@code DEAD}, and only then removes the slot from the map.
 *
 * <p>Why a borrower never gets an evicted primitive: a slot becomes {@code DEAD} only by a CAS from a
 * state with no handles, and a dead slot never accepts a borrow. Why the idleness check cannot be
 * stale: if anyone borrowed (and even closed again) between the closer's check and its CAS, the
 * epoch moved, the CAS fails, and the newer closer decides instead.
 *
 * <p>A slot that reaches zero handles while its primitive is not idle stays in the map and joins the
 * {@code retiring} queue (once: a flag keeps it from being queued twice). Every borrow and close
 * re-checks up to {@value #CHECKS_PER_OPERATION} queued slots: evicting the idle ones, re-queueing
 * the others, dropping those borrowed again (their next last closer re-queues them). So the queue
 * is worked off at least as fast as it grows, at O(1) cost per operation.
 */
final class LocalKeyedRegistry<K, P extends Primitive> implements KeyedRegistry<K, P> {

    private static final int CHECKS_PER_OPERATION = 2;

    private final String name;
    private final Function<? super K, ? extends P> factory;
    /** Null: borrowers alone decide. */
    private final Predicate<? super P> isIdle;
    /** The canonical order of {@code borrowAll}: by the keys, or (null) by creation rank. */
    private final Comparator<? super K> keyOrder;
    private final ConcurrentHashMap<K, Slot<K, P>> slots = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Slot<K, P>> retiring = new ConcurrentLinkedQueue<>();
    private final AtomicLong slotsCreated = new AtomicLong();

    LocalKeyedRegistry(String name, Function<? super K, ? extends P> factory, Predicate<? super P> isIdle,
            Comparator<? super K> keyOrder) {
        this.name = Names.require(name);
        if (factory == null) {
            throw new IllegalArgumentException("keyed registry '" + name
                    + "': the factory is null; pass one that makes a key's primitive, e.g. key -> Lock.create(name)");
        }
        this.factory = factory;
        this.isIdle = isIdle;
        this.keyOrder = keyOrder;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Handle<K, P> borrow(K key) {
        requireKey(key);
        for (;;) {
            Slot<K, P> slot = slots.get(key);
            if (slot == null) {
                slot = slots.computeIfAbsent(key, this::newSlot);
            }
            if (slot.retain()) {
                checkRetiring();
                return new BorrowedHandle<>(this, slot);
            }
            slots.remove(key, slot);
        }
    }

    @Override
    public List<Handle<K, P>> borrowAll(Collection<? extends K> keys) {
        if (keys == null || keys.isEmpty()) {
            throw new IllegalArgumentException("keyed registry '" + name + "': no keys given (" + keys
                    + "); name at least one key to acquire");
        }
        Set<K> distinct = new LinkedHashSet<>(keys.size() * 2);
        for (K key : keys) {
            requireKey(key);
            distinct.add(key);
        }
        List<BorrowedHandle<K, P>> handles = new ArrayList<>(distinct.size());
        try {
            for (K key : distinct) {
                handles.add((BorrowedHandle<K, P>) borrow(key));
            }
        } catch (RuntimeException | Error e) {
            handles.forEach(BorrowedHandle::close);
            throw e;
        }
        handles.sort(keyOrder == null ? Comparator.comparingLong(handle -> handle.slot.rank) : (x, y) -> {
            int byKey = keyOrder.compare(x.slot.key, y.slot.key);
            return byKey != 0 ? byKey : Long.compare(x.slot.rank, y.slot.rank);
        });
        return List.copyOf(handles);
    }

    @Override
    public int size() {
        return slots.size();
    }

    @Override
    public List<Entry<K, P>> entries() {
        List<Entry<K, P>> entries = new ArrayList<>();
        for (Slot<K, P> slot : slots.values()) {
            Entry<K, P> entry = slot.entry();
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    @Override
    public List<Entry<K, P>> hottest(int n) {
        return top(n, Comparator.comparingInt(Entry::borrowers), "hottest");
    }

    @Override
    public List<Entry<K, P>> busiest(int n) {
        return top(n, Comparator.comparingLong(Entry::acquisitions), "busiest");
    }

    /** The {@code n} live entries greatest by {@code order}, greatest first: one pass, a heap of n. */
    private List<Entry<K, P>> top(int n, Comparator<Entry<K, P>> order, String what) {
        if (n < 0) {
            throw new IllegalArgumentException("keyed registry '" + name + "': cannot list the " + n
                    + " " + what + " keys; ask for 0 or more");
        }
        PriorityQueue<Entry<K, P>> top = new PriorityQueue<>(Math.min(n, 1_024) + 1, order);
        for (Slot<K, P> slot : slots.values()) {
            Entry<K, P> entry = slot.entry();
            if (entry != null && n > 0) {
                top.add(entry);
                if (top.size() > n) {
                    top.poll();
                }
            }
        }
        List<Entry<K, P>> result = new ArrayList<>(top);
        result.sort(order.reversed());
        return result;
    }

    @Override
    public int evictIdle() {
        int evicted = 0;
        for (int i = retiring.size(); i > 0; i--) {
            Slot<K, P> slot = retiring.poll();
            if (slot == null) {
                break;
            }
            if (recheck(slot)) {
                evicted++;
            }
        }
        return evicted;
    }

    @Override
    public String toString() {
        return "keyed registry '" + name + "' (" + slots.size() + " keys)";
    }

    private void requireKey(K key) {
        if (key == null) {
            throw new IllegalArgumentException("keyed registry '" + name
                    + "': the key is null; a null key would make unrelated calls share one primitive, so it is refused."
                    + " Make the key expression never yield null (for example, substitute a default value)");
        }
    }

    private Slot<K, P> newSlot(K key) {
        P primitive = factory.apply(key);
        if (primitive == null) {
            throw new IllegalStateException("keyed registry '" + name + "': the factory returned null for key '"
                    + key + "'; it must return a primitive");
        }
        return new Slot<>(key, primitive, slotsCreated.incrementAndGet());
    }

    /** A handle closed: the last one out evicts the slot, or queues it when its primitive is not idle. */
    private void returned(Slot<K, P> slot) {
        long state = slot.release();
        if (Slot.handles(state) == 0) {
            retireOrQueue(slot, state);
        }
        checkRetiring();
    }

    /** {@code state} had no handles: evict the slot if idle and nobody borrowed since, else queue it. */
    private boolean retireOrQueue(Slot<K, P> slot, long state) {
        if (isIdle == null || isIdle.test(slot.primitive)) {
            if (slot.kill(state)) {
                slots.remove(slot.key, slot);
                return true;
            }
            return false; // borrowed meanwhile: its own last closer decides
        }
        if (slot.markQueued()) {
            retiring.offer(slot);
        }
        return false;
    }

    /** The amortised sweep: a few queued slots per borrow or close. */
    private void checkRetiring() {
        for (int i = 0; i < CHECKS_PER_OPERATION; i++) {
            Slot<K, P> slot = retiring.poll();
            if (slot == null) {
                return;
            }
            recheck(slot);
        }
    }

    /** A slot taken off the queue: evict it if idle, requeue it if not, drop it if borrowed or dead. */
    private boolean recheck(Slot<K, P> slot) {
        slot.unmarkQueued(); // before reading the state, so a closer racing with us can queue it again
        long state = slot.state;
        if (state == Slot.DEAD || Slot.handles(state) != 0) {
            return false;
        }
        return retireOrQueue(slot, state);
    }

    /** A key's primitive with its handle count; see the class comment for {@code state}. */
    static final class Slot<K, P> {

        static final long DEAD = -1L;
        private static final long HANDLE = 1L;
        private static final long HANDLES_MASK = 0xFFFF_FFFFL;
        /** Added by every borrow (it wraps harmlessly; {@code DEAD} is never reached since handles < 2^32-1). */
        private static final long EPOCH = 1L << 32;
        private static final VarHandle STATE;
        private static final VarHandle QUEUED;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                STATE = lookup.findVarHandle(Slot.class, "state", long.class);
                QUEUED = lookup.findVarHandle(Slot.class, "queued", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final K key;
        final P primitive;
        /** Creation order in the registry: the canonical acquisition order of {@code borrowAll} (unless ordered by key). */
        final long rank;
        volatile long state;
        private volatile boolean queued;

        Slot(K key, P primitive, long rank) {
            this.key = key;
            this.primitive = primitive;
            this.rank = rank;
        }

        static int handles(long state) {
            return (int) (state & HANDLES_MASK);
        }

        /** Adds a handle unless the slot is dead. */
        boolean retain() {
            for (;;) {
                long s = state;
                if (s == DEAD) {
                    return false;
                }
                if (STATE.compareAndSet(this, s, s + HANDLE + EPOCH)) {
                    return true;
                }
            }
        }

        /** Removes a handle; returns the new state. */
        long release() {
            return (long) STATE.getAndAdd(this, -HANDLE) - HANDLE;
        }

        /** Marks the slot dead if it is still exactly in {@code seen} (no handles, nobody borrowed since). */
        boolean kill(long seen) {
            return STATE.compareAndSet(this, seen, DEAD);
        }

        boolean markQueued() {
            return QUEUED.compareAndSet(this, false, true);
        }

        void unmarkQueued() {
            queued = false;
        }

        /** This slot as an entry, or null when it is dead. */
        KeyedRegistry.Entry<K, P> entry() {
            long s = state;
            return s == DEAD ? null : new KeyedRegistry.Entry<>(key, primitive, handles(s), s >>> 32);
        }
    }

    /** A borrow of a slot, given back exactly once. */
    static final class BorrowedHandle<K, P extends Primitive> implements Handle<K, P> {

        private static final VarHandle OPEN;

        static {
            try {
                OPEN = MethodHandles.lookup().findVarHandle(BorrowedHandle.class, "open", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final LocalKeyedRegistry<K, P> registry;
        final Slot<K, P> slot;
        private volatile boolean open = true;

        BorrowedHandle(LocalKeyedRegistry<K, P> registry, Slot<K, P> slot) {
            this.registry = registry;
            this.slot = slot;
        }

        @Override
        public K key() {
            return slot.key;
        }

        @Override
        public P primitive() {
            return slot.primitive;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            if (OPEN.compareAndSet(this, true, false)) {
                registry.returned(slot);
            }
        }

        @Override
        public String toString() {
            return "handle on key '" + slot.key + "' of " + registry + (open ? "" : ", closed");
        }
    }
}

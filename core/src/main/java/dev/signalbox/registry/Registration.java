package dev.signalbox.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Holder;
import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.Snapshot;

/**
 * One name of a {@link SignalboxRegistry}: a single primitive, or a keyed family of them sharing the
 * name. {@link #view} is its read model (what the Actuator endpoint and the dashboard show);
 * {@link #snapshot()} the same state as a {@link Snapshot}, summed over a keyed family's live keys
 * (capacity is per key).
 */
public final class Registration {

    private final String name;
    private final Shape shape;
    volatile Primitive primitive;
    volatile KeyedRegistry<?, ?> keyed;

    Registration(String name, Shape shape) {
        this.name = name;
        this.shape = shape;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return shape.kind();
    }

    public Scope scope() {
        return shape.scope();
    }

    /** A description of what this name is, e.g. "semaphore with 4 permits" ({@link Shape#describe()}). */
    public String shape() {
        return shape.describe();
    }

    /** True for a family of per-key primitives. */
    public boolean isKeyed() {
        return shape.keyed();
    }

    /** The single primitive, or null for a keyed family. */
    public Primitive primitive() {
        return primitive;
    }

    /** The keyed family, or null for a single primitive. */
    public KeyedRegistry<?, ?> keyedRegistry() {
        return keyed;
    }

    /**
     * The state now; for a keyed family, waiting and active summed over live keys, capacity per key,
     * and every key's holders (described with their key, see {@link HolderView#label()}), oldest first.
     */
    public Snapshot snapshot() {
        Primitive single = primitive;
        return single != null ? single.snapshot() : view(0, false).toSnapshot();
    }

    /**
     * The read model now, with a keyed family's {@code hotKeys} hottest keys ({@link KeyView#HOTTEST_FIRST});
     * one pass over the family's keys. Never asks a cluster backend.
     *
     * @throws IllegalArgumentException when {@code hotKeys} is negative
     */
    public PrimitiveView view(int hotKeys) {
        return view(hotKeys, false);
    }

    /**
     * As {@link #view(int)}, and for a cluster primitive (or each hot key of a cluster family) who holds
     * and waits for it on every instance: a round trip to the backend per primitive, so for a
     * one-primitive view, never for a list or a meter. A backend that cannot answer gives a
     * {@link ClusterView} with its error rather than failing the view.
     */
    public PrimitiveView viewWithMembers(int hotKeys) {
        return view(hotKeys, true);
    }

    private PrimitiveView view(int hotKeys, boolean askCluster) {
        if (hotKeys < 0) {
            throw new IllegalArgumentException("'" + name + "': cannot list " + hotKeys + " hot keys; ask for 0 or more");
        }
        Primitive single = primitive;
        if (single != null) {
            Snapshot s = single.snapshot();
            List<HolderView> holders = new ArrayList<>(s.holders().size());
            for (Holder h : s.holders()) {
                holders.add(HolderView.of(h, null));
            }
            return new PrimitiveView(name, shape, s.waiting(), s.active(), s.capacity(), 0, holders, List.of(),
                    askCluster ? ClusterView.ask(single) : null);
        }
        KeyedRegistry<?, ?> family = keyed;
        if (family == null) {
            // Only while the registry is still creating this name's primitive (a gauge may ask that early).
            return new PrimitiveView(name, shape, 0, 0, 0, 0, List.of(), List.of(), null);
        }
        record Candidate(KeyView view, Primitive primitive) {
        }
        // The coldest candidate at the head, so keeping the hottest n costs a heap of n.
        PriorityQueue<Candidate> hottest = new PriorityQueue<>(Math.min(hotKeys, 1_024) + 1,
                Comparator.comparing(Candidate::view, KeyView.HOTTEST_FIRST.reversed()));
        int waiting = 0;
        int active = 0;
        int capacity = 0;
        List<HolderView> holders = new ArrayList<>();
        for (KeyedRegistry.Entry<?, ?> entry : family.entries()) {
            Primitive keyPrimitive = (Primitive) entry.primitive();
            Snapshot s = keyPrimitive.snapshot();
            String key = String.valueOf(entry.key());
            waiting += s.waiting();
            active += s.active();
            capacity = s.capacity();
            for (Holder h : s.holders()) {
                holders.add(HolderView.of(h, key));
            }
            if (hotKeys > 0) {
                hottest.add(new Candidate(new KeyView(key, s.waiting(), s.active(), s.capacity(), entry.borrowers(),
                        entry.acquisitions(), null), keyPrimitive));
                if (hottest.size() > hotKeys) {
                    hottest.poll();
                }
            }
        }
        holders.sort(Comparator.comparing(HolderView::since));
        List<Candidate> ranked = new ArrayList<>(hottest);
        ranked.sort(Comparator.comparing(Candidate::view, KeyView.HOTTEST_FIRST));
        List<KeyView> hotKeyViews = new ArrayList<>(ranked.size());
        for (Candidate c : ranked) {
            hotKeyViews.add(askCluster ? c.view().withCluster(ClusterView.ask(c.primitive())) : c.view());
        }
        return new PrimitiveView(name, shape, waiting, active, capacity, family.size(), holders, hotKeyViews, null);
    }

    /** Fails, naming both, unless {@code wanted} is this name's shape: a name is one primitive. */
    void requireShape(Shape wanted) {
        if (shape.scope() != wanted.scope()) {
            throw new IllegalStateException("'" + name + "' is already a " + shape.scope().tag() + " " + shape.describe()
                    + ", so it cannot also be a " + wanted.scope().tag() + " " + wanted.describe()
                    + ": a name is one primitive, local to this JVM or shared by the cluster,"
                    + " never both; give every use of '" + name + "' the same scope (the annotations' scope, or the scope property"
                    + " under signalbox.guards, rate-limits or barriers), or give them different names");
        }
        if (!shape.equals(wanted)) {
            throw new IllegalStateException("'" + name + "' is already a " + shape.describe() + ", so it cannot also be a "
                    + wanted.describe() + "; give the two different names, or make them agree");
        }
    }

    @Override
    public String toString() {
        return "'" + name + "' (" + shape.describe() + ")";
    }
}

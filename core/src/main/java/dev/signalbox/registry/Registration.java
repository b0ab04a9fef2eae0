package dev.signalbox.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Holder;
import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.Snapshot;

/**
 * One name of a {@link SignalboxRegistry}: a single primitive, or a keyed family of them sharing the
 * name. {@link #snapshot()} sums a keyed family over its live keys (capacity is per key).
 */
public final class Registration {

    private final String name;
    private final Kind kind;
    private final Scope scope;
    private final String shape;
    volatile Primitive primitive;
    volatile KeyedRegistry<?, ?> keyed;

    Registration(String name, Kind kind, Scope scope, String shape) {
        this.name = name;
        this.kind = kind;
        this.scope = scope;
        this.shape = shape;
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public Scope scope() {
        return scope;
    }

    /** A description of what this name is, e.g. "semaphore with 4 permits". */
    public String shape() {
        return shape;
    }

    /** True for a family of per-key primitives. */
    public boolean isKeyed() {
        return keyed != null;
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
     * and every key's holders (described with their key), oldest first.
     */
    public Snapshot snapshot() {
        Primitive single = primitive;
        if (single != null) {
            return single.snapshot();
        }
        KeyedRegistry<?, ?> family = keyed;
        int waiting = 0;
        int active = 0;
        int capacity = 0;
        List<Holder> holders = new ArrayList<>();
        if (family != null) {
            for (KeyedRegistry.Entry<?, ?> entry : family.entries()) {
                Snapshot s = ((Primitive) entry.primitive()).snapshot();
                waiting += s.waiting();
                active += s.active();
                capacity = s.capacity();
                for (Holder h : s.holders()) {
                    holders.add(new Holder(h.description() + " [key " + entry.key() + "]", h.permits(), h.since(), h.heldFor()));
                }
            }
        }
        holders.sort(Comparator.comparing(Holder::since));
        return new Snapshot(name, kind, waiting, active, capacity, holders);
    }

    void requireShape(Kind wantedKind, Scope wantedScope, String wantedShape, boolean wantKeyed) {
        if (scope != wantedScope) {
            throw new IllegalStateException("'" + name + "' is already a " + scope.tag() + " " + shape + ", so it cannot also be a "
                    + wantedScope.tag() + " " + wantedShape + ": a name is one primitive, local to this JVM or shared by the cluster,"
                    + " never both; give every use of '" + name + "' the same scope (the annotations' scope, or the scope property"
                    + " under signalbox.guards, rate-limits or barriers), or give them different names");
        }
        if (kind != wantedKind || !shape.equals(wantedShape) || isKeyed() != wantKeyed) {
            throw new IllegalStateException("'" + name + "' is already a " + shape + ", so it cannot also be a " + wantedShape
                    + "; give the two different names, or make them agree");
        }
    }

    @Override
    public String toString() {
        return "'" + name + "' (" + shape + ")";
    }
}

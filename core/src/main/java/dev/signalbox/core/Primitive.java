package dev.signalbox.core;

import dev.signalbox.annotation.Scope;

/**
 * What every Signalbox primitive has in common: a name, a kind, a scope, and a {@link Snapshot} of
 * its state for metrics, the Actuator endpoint and the dashboard.
 */
public interface Primitive {

    /** The name given at creation; primitives of one keyed registry share their registry's name. */
    String name();

    /** What sort of primitive this is. */
    Kind kind();

    /** {@link Scope#LOCAL} for the primitives of this module; cluster backends say {@link Scope#CLUSTER}. */
    default Scope scope() {
        return Scope.LOCAL;
    }

    /** A consistent-enough view of the state right now; cheap, and never blocks a waiter or holder. */
    Snapshot snapshot();
}

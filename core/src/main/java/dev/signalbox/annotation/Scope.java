package dev.signalbox.annotation;

/**
 * Where a primitive is shared: {@link #LOCAL} within this JVM, or {@link #CLUSTER} by every
 * instance that talks to the same Redis (module {@code signalbox-redis}).
 */
public enum Scope {
    /** Shared by the callers of this JVM only. The default. */
    LOCAL,
    /** Shared by every instance connected to the same Redis; needs {@code signalbox-redis}. */
    CLUSTER;

    /** The value of the {@code scope} meter tag: {@code local} or {@code cluster}. */
    public String tag() {
        return this == LOCAL ? "local" : "cluster";
    }
}

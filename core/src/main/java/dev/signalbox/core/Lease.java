package dev.signalbox.core;

/**
 * A hold on one resource of a {@link ResourcePool}: {@link #resource()} is yours alone until
 * {@link #close()} gives it back to the pool (exactly once; further calls do nothing). Use it in
 * try-with-resources.
 *
 * @param <R> the type of the pooled resources
 */
public interface Lease<R> extends Permit {

    /**
     * The leased resource.
     *
     * @throws IllegalStateException after {@link #close()}: the resource may then belong to another holder
     */
    R resource();
}

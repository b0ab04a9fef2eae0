package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A fixed set of concrete resources (connections, sessions, browser instances...) handed out one
 * per holder: the asyncio resource-pool pattern, a {@link Semaphore} whose permits are things. A
 * {@link Lease} names the one resource it holds; closing it puts that resource back. There are
 * never more holders than resources.
 *
 * <p><b>Fairness:</b> strictly FIFO among waiters; {@link #tryAcquire()} succeeds only when a
 * resource is free and nobody waits, so it never overtakes a waiter. Free resources are handed out
 * in the order they were returned (round-robin, so usage spreads over all of them).
 * <b>Timeouts and cancellation:</b> a wait that times out ({@link GuardTimeoutException}), is
 * interrupted, or whose future is cancelled holds nothing and takes no resource; if a grant races
 * the cancellation, the future completes with the lease instead and cancel returns false.
 * <b>Memory:</b> actions of a holder before its lease's {@code close()} happen-before everything the
 * next holder of that resource does after acquiring it.
 *
 * <p><b>Validation</b> (optional, see {@link Builder}): a returned resource is checked on the thread
 * that closes the lease, before anyone else can get it. An invalid one is replaced by a fresh one
 * from the replacement factory; without a factory (or when the factory fails) it is dropped and the
 * pool shrinks by one, which is logged as a warning through {@code java.util.logging} (logger
 * {@code dev.signalbox.core.ResourcePool}). A pool that has shrunk to nothing makes every wait time out.
 *
 * @param <R> the type of the pooled resources
 */
public interface ResourcePool<R> extends Primitive {

    /** An uninstrumented pool of {@code resources}, without validation. */
    static <R> ResourcePool<R> create(String name, Collection<? extends R> resources) {
        return ResourcePool.<R>builder(name, resources).build();
    }

    /** A pool of {@code resources} reporting to {@code listener}, without validation. */
    static <R> ResourcePool<R> create(String name, Collection<? extends R> resources, PrimitiveListener listener) {
        return ResourcePool.<R>builder(name, resources).listener(listener).build();
    }

    /** Starts a pool of {@code resources} with options: validation on return, replacement, listener. */
    static <R> Builder<R> builder(String name, Collection<? extends R> resources) {
        return new Builder<>(name, resources);
    }

    @Override
    default Kind kind() {
        return Kind.RESOURCE_POOL;
    }

    /** Waits as long as it takes for a resource. */
    default Lease<R> acquire() throws InterruptedException {
        return acquire(Durations.FOREVER);
    }

    /**
     * Waits at most {@code timeout} for a resource; {@link Duration#ZERO} tries once.
     *
     * @throws GuardTimeoutException when the timeout runs out (the caller holds nothing)
     * @throws InterruptedException when interrupted while waiting (the caller holds nothing)
     */
    Lease<R> acquire(Duration timeout) throws InterruptedException;

    /** A lease if a resource is free now and nobody waits; otherwise {@code null}. */
    Lease<R> tryAcquire();

    /** Async wait with no timeout. */
    default CompletableFuture<Lease<R>> acquireAsync() {
        return acquireAsync(Durations.FOREVER);
    }

    /**
     * Async wait: the future completes with a lease when a resource is granted (on the thread that
     * returned it, so attach slow callbacks with an {@code ...Async} method), or fails with
     * {@link GuardTimeoutException} when {@code timeout} runs out. No thread waits meanwhile.
     */
    CompletableFuture<Lease<R>> acquireAsync(Duration timeout);

    /** Resources free right now. */
    int available();

    /** Resources in the pool, leased or free: the initial number, less those discarded by validation. */
    int capacity();

    /**
     * Options for a {@link ResourcePool}.
     *
     * @param <R> the type of the pooled resources
     */
    final class Builder<R> {

        private final String name;
        private final List<R> resources;
        private Predicate<? super R> validator;
        private Supplier<? extends R> replacementFactory;
        private PrimitiveListener listener = PrimitiveListener.NONE;

        private Builder(String name, Collection<? extends R> resources) {
            this.name = Names.require(name);
            if (resources == null) {
                throw new IllegalArgumentException(Kind.RESOURCE_POOL.tag() + " '" + name + "' needs its resources; got null");
            }
            this.resources = new ArrayList<>(resources);
        }

        /**
         * Checks every resource when its lease is closed; one that fails (or whose check throws) is
         * replaced (see {@link #replaceWith}) or dropped.
         */
        public Builder<R> validateOnReturn(Predicate<? super R> validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /**
         * Where fresh resources come from when a returned one fails validation. Called on the
         * thread closing the lease; if it throws or returns null, the resource is dropped instead.
         */
        public Builder<R> replaceWith(Supplier<? extends R> factory) {
            this.replacementFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** Reports to {@code listener}. */
        public Builder<R> listener(PrimitiveListener listener) {
            this.listener = listener == null ? PrimitiveListener.NONE : listener;
            return this;
        }

        /** The pool. */
        public ResourcePool<R> build() {
            if (replacementFactory != null && validator == null) {
                throw new IllegalArgumentException(Kind.RESOURCE_POOL.tag() + " '" + name
                        + "': replaceWith(...) only replaces resources that fail validation; add validateOnReturn(...)");
            }
            return new LocalResourcePool<>(name, resources, validator, replacementFactory, listener);
        }
    }
}

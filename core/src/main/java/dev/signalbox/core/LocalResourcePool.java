package dev.signalbox.core;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The in-JVM {@link ResourcePool}: a {@link PermitSync} whose permits count the free resources, and
 * a lock-free deque holding them.
 *
 * <p>Why a granted permit always finds a resource: a returned resource is put in the deque
 * <em>before</em> its permit is released, and every permit holder takes exactly one resource out.
 * So the deque always holds at least as many resources as there are permits available or granted
 * but not yet turned into a lease. Holders can never outnumber resources, because a lease is only
 * made from a permit. A resource dropped by validation keeps its permit forever: the pool shrinks.
 */
final class LocalResourcePool<R> extends SyncPrimitive<Lease<R>, PermitSync> implements ResourcePool<R> {

    private static final Logger LOG = Logger.getLogger(ResourcePool.class.getName());

    private final ConcurrentLinkedDeque<R> free = new ConcurrentLinkedDeque<>();
    private final AtomicInteger capacity;
    /** Null: no validation. */
    private final Predicate<? super R> validator;
    /** Null: an invalid resource is dropped. */
    private final Supplier<? extends R> replacementFactory;
    /** Null when uninstrumented. */
    private final HolderTracker holders;

    LocalResourcePool(String name, List<R> resources, Predicate<? super R> validator,
            Supplier<? extends R> replacementFactory, PrimitiveListener listener) {
        super(name, new PermitSync(requireDistinctResources(name, resources)), listener);
        this.free.addAll(resources);
        this.capacity = new AtomicInteger(resources.size());
        this.validator = validator;
        this.replacementFactory = replacementFactory;
        this.holders = probe.on ? new HolderTracker() : null;
    }

    /** Returns how many resources there are, once they are known to be distinct and non-null. */
    private static int requireDistinctResources(String name, List<?> resources) {
        String pool = Kind.RESOURCE_POOL.tag() + " '" + name + "'";
        if (resources.isEmpty()) {
            throw new IllegalArgumentException(pool + " needs at least one resource; got none");
        }
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < resources.size(); i++) {
            Object resource = resources.get(i);
            if (resource == null) {
                throw new IllegalArgumentException(pool + ": resource " + i + " is null; pass only real resources");
            }
            if (!seen.add(resource)) {
                throw new IllegalArgumentException(pool + ": resource " + i + " (" + resource
                        + ") is listed twice, so two holders could get it at once; list each resource once");
            }
        }
        return resources.size();
    }

    @Override
    public int available() {
        return sync.available();
    }

    @Override
    public int capacity() {
        return capacity.get();
    }

    // ---------------------------------------------------------------- acquisition

    @Override
    public Lease<R> acquire(Duration timeout) throws InterruptedException {
        return acquireBlocking(1, timeout);
    }

    @Override
    public Lease<R> tryAcquire() {
        return acquireNow(1);
    }

    @Override
    public CompletableFuture<Lease<R>> acquireAsync(Duration timeout) {
        return acquireLater(1, timeout);
    }

    /** Turns a permit just acquired into a lease on one free resource. */
    @Override
    Lease<R> handOut(int permits, long arrivedAt, String leakTrace, boolean blocking) {
        R resource = free.pollFirst();
        if (resource == null) {
            // Unreachable while the invariant in the class comment holds.
            throw new IllegalStateException(this + ": a permit was granted but no resource was free (a bug in Signalbox)");
        }
        long acquiredAt = probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
        PooledLease lease = new PooledLease(resource, acquiredAt,
                holders == null ? null : HolderTracker.describeCurrentThread(blocking));
        if (holders != null) {
            holders.add(lease);
        }
        return leakTrace == null ? lease : new TrackedLease<>(lease, LeakDetection.track(lease, this, leakTrace));
    }

    /** Called once per lease: validates the resource, then puts it (or its replacement) back, or drops it. */
    private void giveBack(PooledLease lease) {
        if (holders != null) {
            holders.remove(lease);
        }
        R returned = validated(lease.resource);
        probe.released(lease.acquiredAt());
        if (returned == null) {
            // Its permit is never released: the pool has one resource fewer, for good.
            int left = capacity.decrementAndGet();
            LOG.log(left == 0 ? Level.SEVERE : Level.WARNING, () -> this + ": dropped a resource that failed validation"
                    + (left == 0 ? "; no resources are left, so every acquisition will time out" : "")
                    + (replacementFactory == null ? "; configure replaceWith(...) to replace such resources" : ""));
            return;
        }
        free.offerLast(returned);
        sync.release(1);
    }

    /** The resource itself if valid (or not validated), else a fresh replacement, else null. */
    private R validated(R resource) {
        if (validator == null) {
            return resource;
        }
        try {
            if (validator.test(resource)) {
                return resource;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> this + ": validating a returned resource threw; treating it as invalid");
        }
        if (replacementFactory == null) {
            return null;
        }
        try {
            R fresh = replacementFactory.get();
            if (fresh == null) {
                LOG.warning(() -> this + ": the replacement factory returned null");
            } else {
                LOG.fine(() -> this + ": replaced a resource that failed validation");
            }
            return fresh;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> this + ": the replacement factory threw");
            return null;
        }
    }

    @Override
    public Snapshot snapshot() {
        int total = capacity.get();
        return new Snapshot(name(), kind(), sync.waiting(), Math.max(0, total - sync.available()), total,
                holders == null ? List.of() : holders.list());
    }

    @Override
    public String toString() {
        return Kind.RESOURCE_POOL.tag() + " '" + name() + "' (" + sync.available() + "/" + capacity.get() + " free)";
    }

    /** The lease handed to callers; gives its resource back exactly once. */
    private final class PooledLease extends OnceReleasedHold implements Lease<R> {

        private final R resource;

        PooledLease(R resource, long acquiredAt, String holder) {
            super(acquiredAt, holder);
            this.resource = resource;
        }

        @Override
        public R resource() {
            if (!isHeld()) {
                throw new IllegalStateException("this lease of " + Kind.RESOURCE_POOL.tag() + " '" + name()
                        + "' is closed, so its resource may belong to someone else now; use a resource only while its lease is held");
            }
            return resource;
        }

        @Override
        void release() {
            giveBack(this);
        }

        @Override
        public String toString() {
            return "lease of " + resource + " from " + LocalResourcePool.this + (isHeld() ? ", held" : ", closed");
        }
    }

    /** The view handed out when {@link LeakDetection} tracks the lease: a leak is reported once it becomes unreachable. */
    private record TrackedLease<R>(Lease<R> lease, Permit tracked) implements Lease<R> {

        @Override
        public R resource() {
            return lease.resource();
        }

        @Override
        public void close() {
            tracked.close();
        }

        @Override
        public boolean isHeld() {
            return lease.isHeld();
        }

        @Override
        public String toString() {
            return lease.toString();
        }
    }
}

package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResourcePoolTest {

    /** A pooled thing that notices being used by two holders at once. */
    static final class Resource {
        final int id;
        final AtomicBoolean inUse = new AtomicBoolean();
        volatile boolean broken;
        final LongAdder uses = new LongAdder();

        Resource(int id) {
            this.id = id;
        }

        /** Marks it in use; fails if somebody else already has it. */
        void use() {
            if (!inUse.compareAndSet(false, true)) {
                throw new AssertionError("resource " + id + " handed to two holders at once");
            }
            uses.increment();
        }

        void done() {
            if (!inUse.compareAndSet(true, false)) {
                throw new AssertionError("resource " + id + " was not marked in use");
            }
        }

        @Override
        public String toString() {
            return "resource-" + id;
        }
    }

    private static List<Resource> resources(int n) {
        return IntStream.range(0, n).mapToObj(Resource::new).toList();
    }

    /** Takes every free resource (checking they are distinct) and gives them back; returns them. */
    private static Set<Resource> drain(ResourcePool<Resource> pool) {
        Set<Resource> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Lease<Resource>> leases = new ArrayList<>();
        Lease<Resource> lease;
        while ((lease = pool.tryAcquire()) != null) {
            assertThat(seen.add(lease.resource())).as("resource handed out twice").isTrue();
            leases.add(lease);
        }
        leases.forEach(Lease::close);
        return seen;
    }

    private static void assertEverythingBack(ResourcePool<Resource> pool, List<Resource> all) {
        assertThat(pool.snapshot().waiting()).isZero();
        assertThat(pool.snapshot().active()).isZero();
        assertThat(pool.available()).isEqualTo(all.size());
        assertThat(drain(pool)).containsExactlyInAnyOrderElementsOf(all);
        assertThat(all).allSatisfy(r -> assertThat(r.inUse).isFalse());
    }

    // ---------------------------------------------------------------- arguments and basics

    @Test
    void badArgumentsAreRejectedWithTheNameAndTheFix() {
        assertThatThrownBy(() -> ResourcePool.create("db", List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'db'").hasMessageContaining("at least one");
        assertThatThrownBy(() -> ResourcePool.create("db", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'db'");
        assertThatThrownBy(() -> ResourcePool.create("db", java.util.Arrays.asList("a", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resource 1 is null");
        String shared = "conn";
        assertThatThrownBy(() -> ResourcePool.create("db", List.of(shared, "other", shared)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> ResourcePool.builder("db", List.of("a")).replaceWith(() -> "b").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validateOnReturn");
        assertThatThrownBy(() -> ResourcePool.create("", List.of("a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        ResourcePool<String> pool = ResourcePool.create("db", List.of("a"));
        assertThatThrownBy(() -> pool.acquire(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLeaseNamesOneResourceAndGivesItBackExactlyOnce() throws Exception {
        ResourcePool<String> pool = ResourcePool.create("db", List.of("a", "b"));
        assertThat(pool.kind()).isEqualTo(Kind.RESOURCE_POOL);
        Lease<String> first = pool.acquire(Duration.ofSeconds(1));
        Lease<String> second = pool.tryAcquire();
        assertThat(List.of(first.resource(), second.resource())).containsExactlyInAnyOrder("a", "b");
        assertThat(pool.tryAcquire()).isNull();
        assertThatThrownBy(() -> pool.acquire(Duration.ZERO)).isInstanceOf(GuardTimeoutException.class);
        assertThat(pool.snapshot()).isEqualTo(new Snapshot("db", Kind.RESOURCE_POOL, 0, 2, 2, List.of()));
        String firstResource = first.resource();
        first.close();
        first.close();
        assertThat(first.isHeld()).isFalse();
        assertThatThrownBy(first::resource).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(pool.available()).isEqualTo(1);
        Lease<String> again = pool.tryAcquire();
        assertThat(again.resource()).isEqualTo(firstResource);
        assertThat(pool.tryAcquire()).isNull();
        again.close();
        second.close();
        assertThat(pool.available()).isEqualTo(2);
    }

    @Test
    void freeResourcesAreHandedOutInTheOrderTheyWereReturned() {
        ResourcePool<String> pool = ResourcePool.create("rr", List.of("a", "b", "c"));
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try (Lease<String> lease = pool.tryAcquire()) {
                order.add(lease.resource());
            }
        }
        assertThat(order).containsExactly("a", "b", "c", "a", "b", "c");
    }

    // ---------------------------------------------------------------- mutual exclusion under load

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void neverMoreHoldersThanResourcesAndNoResourceHeldTwice(Threads.Flavor flavor) throws Exception {
        List<Resource> all = resources(4);
        ResourcePool<Resource> pool = ResourcePool.create("busy", all);
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger maxHolding = new AtomicInteger();
        int threads = flavor == Threads.Flavor.PLATFORM ? 16 : 200;
        int rounds = flavor == Threads.Flavor.PLATFORM ? 2000 : 200;
        Threads.runConcurrently(flavor, threads, index -> {
            for (int i = 0; i < rounds; i++) {
                Lease<Resource> lease = switch (i % 3) {
                    case 0 -> pool.tryAcquire();
                    case 1 -> pool.acquire(Threads.BOUND);
                    default -> pool.acquireAsync(Threads.BOUND).get(Threads.BOUND.toSeconds(), TimeUnit.SECONDS);
                };
                if (lease == null) {
                    continue;
                }
                try (lease) {
                    int now = holding.incrementAndGet();
                    maxHolding.accumulateAndGet(now, Math::max);
                    lease.resource().use();
                    Thread.onSpinWait();
                    lease.resource().done();
                    holding.decrementAndGet();
                }
            }
        });
        assertThat(maxHolding.get()).isBetween(1, 4);
        assertThat(all.stream().mapToLong(r -> r.uses.sum()).sum()).isPositive();
        assertEverythingBack(pool, all);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void blockingWaitersGetResourcesInArrivalOrder(Threads.Flavor flavor) throws Exception {
        ResourcePool<String> pool = ResourcePool.create("fifo", List.of("only"));
        Lease<String> held = pool.tryAcquire();
        Queue<Integer> order = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int index = i;
            threads.add(Threads.start(flavor, () -> {
                try (Lease<String> lease = pool.acquire(Threads.BOUND)) {
                    order.add(index);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            int expected = i + 1;
            Threads.awaitTrue("waiter " + i + " queued", () -> pool.snapshot().waiting() == expected);
        }
        assertThat(pool.tryAcquire()).as("tryAcquire never overtakes a waiter").isNull();
        held.close();
        Threads.joinAll(threads);
        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(pool.available()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- async

    /** With one executor thread, returns (and so grants) happen one at a time, so grant order is observable. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void thousandsOfAsyncLeasesAreServedByASmallExecutorInArrivalOrder(int executorThreads) throws Exception {
        List<Resource> all = resources(3);
        ResourcePool<Resource> pool = ResourcePool.create("async", all);
        List<Lease<Resource>> held = List.of(pool.tryAcquire(), pool.tryAcquire(), pool.tryAcquire());
        ExecutorService executor = Executors.newFixedThreadPool(executorThreads);
        try {
            int waiters = 5000;
            Queue<Integer> grantOrder = new ConcurrentLinkedQueue<>();
            CountDownLatch heldClosed = new CountDownLatch(1);
            List<CompletableFuture<Void>> done = new ArrayList<>(waiters);
            for (int i = 0; i < waiters; i++) {
                int index = i;
                CompletableFuture<Lease<Resource>> lease = pool.acquireAsync(Threads.BOUND);
                done.add(lease.thenAccept(l -> grantOrder.add(index)).thenCompose(ignored -> lease).thenAcceptAsync(l -> {
                    awaitQuietly(heldClosed); // the first grants happen on this thread; keep later ones behind them
                    try (l) {
                        l.resource().use();
                        l.resource().done();
                    }
                }, executor));
            }
            assertThat(pool.snapshot().waiting()).isEqualTo(waiters);
            held.forEach(Lease::close);
            heldClosed.countDown();
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(Threads.BOUND.toSeconds(), TimeUnit.SECONDS);
            if (executorThreads == 1) {
                assertThat(grantOrder).containsExactlyElementsOf(IntStream.range(0, waiters).boxed().toList());
            } else {
                assertThat(grantOrder).containsExactlyInAnyOrderElementsOf(IntStream.range(0, waiters).boxed().toList());
            }
        } finally {
            executor.shutdownNow();
        }
        assertEverythingBack(pool, all);
    }

    @Test
    void anAsyncWaitTimesOutWithGuardTimeoutExceptionAndTakesNothing() throws Exception {
        ResourcePool<String> pool = ResourcePool.create("async-timeout", List.of("only"));
        Lease<String> held = pool.tryAcquire();
        CompletableFuture<Lease<String>> late = pool.acquireAsync(Duration.ofMillis(20));
        assertThat(late).failsWithin(Threads.BOUND).withThrowableThat().havingCause().isInstanceOf(GuardTimeoutException.class);
        assertThat(pool.acquireAsync(Duration.ZERO)).isCompletedExceptionally();
        assertThat(pool.snapshot().waiting()).isZero();
        held.close();
        assertThat(pool.available()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- cancel and timeout races

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void cancellationsRacingReturnsLeaveEveryResourceInThePool(Threads.Flavor flavor) throws Exception {
        List<Resource> all = resources(2);
        ResourcePool<Resource> pool = ResourcePool.create("cancel-race", all);
        LongAdder cancelled = new LongAdder();
        LongAdder granted = new LongAdder();
        for (int i = 0; i < 1000; i++) {
            Lease<Resource> a = pool.tryAcquire();
            Lease<Resource> b = pool.tryAcquire();
            CompletableFuture<Lease<Resource>> first = pool.acquireAsync(Durations.FOREVER);
            CompletableFuture<Lease<Resource>> second = pool.acquireAsync(Durations.FOREVER);
            CountDownLatch go = new CountDownLatch(1);
            Thread releaser = Threads.start(flavor, () -> {
                awaitQuietly(go);
                a.close();
                b.close();
            });
            go.countDown();
            for (CompletableFuture<Lease<Resource>> f : List.of(first, second)) {
                if (f.cancel(false)) {
                    cancelled.increment();
                } else {
                    granted.increment();
                    f.get(Threads.BOUND.toSeconds(), TimeUnit.SECONDS).close();
                }
            }
            Threads.joinAll(List.of(releaser));
            assertThat(pool.available()).as("iteration %d", i).isEqualTo(2);
            assertThat(pool.snapshot().waiting()).isZero();
        }
        assertThat(cancelled.sum() + granted.sum()).isEqualTo(2000);
        assertEverythingBack(pool, all);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void timeoutsRacingReturnsLeaveEveryResourceInThePool(Threads.Flavor flavor) throws Exception {
        List<Resource> all = resources(1);
        RecordingListener listener = new RecordingListener();
        ResourcePool<Resource> pool = ResourcePool.create("timeout-race", all, listener);
        for (int i = 0; i < 300; i++) {
            Lease<Resource> held = pool.tryAcquire();
            long holdNanos = ThreadLocalRandom.current().nextLong(1_500_000);
            Thread holder = Threads.start(flavor, () -> {
                long until = System.nanoTime() + holdNanos;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                held.close();
            });
            try (Lease<Resource> lease = pool.acquire(Duration.ofMillis(1))) {
                lease.resource().use();
                lease.resource().done();
            } catch (GuardTimeoutException expected) {
                // timed out: must hold nothing
            }
            CompletableFuture<Lease<Resource>> async = pool.acquireAsync(Duration.ofNanos(ThreadLocalRandom.current().nextLong(500_000)));
            try {
                async.get(Threads.BOUND.toSeconds(), TimeUnit.SECONDS).close();
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(GuardTimeoutException.class);
            }
            Threads.joinAll(List.of(holder));
            assertThat(pool.available()).as("iteration %d", i).isEqualTo(1);
            assertThat(pool.snapshot().waiting()).isZero();
        }
        assertEverythingBack(pool, all);
        assertThat(listener.waitsEnded()).isEqualTo(listener.arrivals());
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(listener.releases());
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void anInterruptedWaiterHoldsNothing(Threads.Flavor flavor) throws Exception {
        RecordingListener listener = new RecordingListener();
        ResourcePool<String> pool = ResourcePool.create("interrupt", List.of("only"), listener);
        Lease<String> held = pool.tryAcquire();
        Throwable[] outcome = new Throwable[1];
        Thread waiter = Threads.start(flavor, () -> {
            try {
                pool.acquire(Threads.BOUND).close();
            } catch (Throwable t) {
                outcome[0] = t;
            }
        });
        Threads.awaitTrue("waiter queued", () -> pool.snapshot().waiting() == 1);
        waiter.interrupt();
        Threads.joinAll(List.of(waiter));
        assertThat(outcome[0]).isInstanceOf(InterruptedException.class);
        assertThat(listener.count(Outcome.INTERRUPTED)).isEqualTo(1);
        held.close();
        assertThat(pool.available()).isEqualTo(1);
        assertThat(pool.snapshot().waiting()).isZero();
    }

    // ---------------------------------------------------------------- validation

    @Test
    void anInvalidResourceIsReplacedByAFreshOne() {
        List<Resource> initial = resources(2);
        AtomicInteger nextId = new AtomicInteger(100);
        ResourcePool<Resource> pool = ResourcePool.builder("validated", initial)
                .validateOnReturn(r -> !r.broken)
                .replaceWith(() -> new Resource(nextId.getAndIncrement()))
                .build();
        Lease<Resource> lease = pool.tryAcquire();
        Resource broken = lease.resource();
        broken.broken = true;
        lease.close();
        assertThat(pool.capacity()).isEqualTo(2);
        assertThat(pool.available()).isEqualTo(2);
        Set<Resource> now = drain(pool);
        assertThat(now).hasSize(2).doesNotContain(broken);
        assertThat(now).anySatisfy(r -> assertThat(r.id).isEqualTo(100));
    }

    @Test
    void withoutAFactoryAnInvalidResourceIsDroppedAndThePoolShrinks() throws Exception {
        List<Resource> initial = resources(2);
        ResourcePool<Resource> pool = ResourcePool.builder("shrinking", initial).validateOnReturn(r -> !r.broken).build();
        Lease<Resource> first = pool.tryAcquire();
        first.resource().broken = true;
        first.close();
        assertThat(pool.capacity()).isEqualTo(1);
        assertThat(pool.available()).isEqualTo(1);
        assertThat(pool.snapshot()).extracting(Snapshot::capacity, Snapshot::active).containsExactly(1, 0);
        Lease<Resource> second = pool.tryAcquire();
        assertThat(second.resource()).isSameAs(initial.get(1));
        assertThat(pool.tryAcquire()).isNull();
        second.resource().broken = true;
        second.close();
        assertThat(pool.capacity()).isZero();
        assertThatThrownBy(() -> pool.acquire(Duration.ofMillis(5))).isInstanceOf(GuardTimeoutException.class);
    }

    @Test
    void aThrowingValidatorOrFactoryCountsAsInvalidAndNeverBreaksClose() {
        AtomicInteger calls = new AtomicInteger();
        ResourcePool<String> pool = ResourcePool.builder("throwing", List.of("a", "b"))
                .validateOnReturn(r -> {
                    throw new IllegalStateException("validator down");
                })
                .replaceWith(() -> {
                    if (calls.getAndIncrement() == 0) {
                        return "fresh";
                    }
                    throw new IllegalStateException("factory down");
                })
                .build();
        pool.tryAcquire().close(); // replaced by "fresh"
        assertThat(pool.capacity()).isEqualTo(2);
        pool.tryAcquire().close(); // factory throws: dropped
        assertThat(pool.capacity()).isEqualTo(1);
        assertThat(pool.available()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void validationUnderLoadNeverLetsTwoHoldersShareAResource(Threads.Flavor flavor) throws Exception {
        AtomicInteger nextId = new AtomicInteger(1000);
        List<Resource> created = Collections.synchronizedList(new ArrayList<>(resources(3)));
        ResourcePool<Resource> pool = ResourcePool.builder("churn", List.copyOf(created))
                .validateOnReturn(r -> !r.broken)
                .replaceWith(() -> {
                    Resource fresh = new Resource(nextId.getAndIncrement());
                    created.add(fresh);
                    return fresh;
                })
                .build();
        Threads.runConcurrently(flavor, 12, index -> {
            for (int i = 0; i < 500; i++) {
                try (Lease<Resource> lease = pool.acquire(Threads.BOUND)) {
                    Resource r = lease.resource();
                    assertThat(r.broken).isFalse();
                    r.use();
                    if (ThreadLocalRandom.current().nextInt(10) == 0) {
                        r.broken = true;
                    }
                    r.done();
                }
            }
        });
        assertThat(pool.capacity()).isEqualTo(3);
        Set<Resource> free = drain(pool);
        assertThat(free).hasSize(3).allSatisfy(r -> assertThat(r.broken).isFalse());
        assertThat(created).containsAll(free);
        assertThat(created.size()).isGreaterThan(3);
    }

    // ---------------------------------------------------------------- instrumentation

    @Test
    void anInstrumentedPoolReportsHoldersAndEveryOutcome() throws Exception {
        RecordingListener listener = new RecordingListener();
        ResourcePool<String> pool = ResourcePool.create("seen", List.of("a", "b"), listener);
        Lease<String> mine = pool.acquire(Duration.ofSeconds(1));
        Lease<String> async = pool.acquireAsync(Duration.ofSeconds(1)).get(1, TimeUnit.SECONDS);
        assertThat(pool.tryAcquire()).isNull();
        Snapshot snapshot = pool.snapshot();
        assertThat(snapshot.active()).isEqualTo(2);
        assertThat(snapshot.capacity()).isEqualTo(2);
        assertThat(snapshot.holders()).hasSize(2).extracting(Holder::description)
                .contains(Thread.currentThread().getName()).anySatisfy(d -> assertThat(d).startsWith("async"));
        mine.close();
        async.close();
        assertThat(pool.snapshot().holders()).isEmpty();
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2);
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(1);
        assertThat(listener.releases()).isEqualTo(2);
        assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
    }

    @Test
    void aLeakedLeaseIsReportedAndATrackedLeaseStillWorks() throws Exception {
        LeakDetection.Mode before = LeakDetection.getMode();
        Queue<String> leaks = new ConcurrentLinkedQueue<>();
        LeakDetection.setMode(LeakDetection.Mode.ALL);
        LeakDetection.setLeakListener((name, kind, acquiredAt) -> leaks.add(name + "/" + kind.tag()));
        try {
            ResourcePool<String> pool = ResourcePool.create("leaky", List.of("a", "b"));
            try (Lease<String> tracked = pool.acquire(Duration.ofSeconds(1))) {
                assertThat(tracked.resource()).isEqualTo("a");
                assertThat(tracked.isHeld()).isTrue();
            }
            assertThat(pool.available()).isEqualTo(2);
            leak(pool);
            Threads.awaitTrue("leak reported", () -> {
                System.gc();
                return !leaks.isEmpty();
            });
            assertThat(leaks).containsExactly("leaky/resource_pool");
        } finally {
            LeakDetection.setMode(before);
            LeakDetection.setLeakListener(null);
        }
    }

    private static void leak(ResourcePool<String> pool) {
        assertThat(pool.tryAcquire()).isNotNull();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

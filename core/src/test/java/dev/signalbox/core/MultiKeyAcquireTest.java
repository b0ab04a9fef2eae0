package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@SuppressWarnings("try") // permits held only for their scope
class MultiKeyAcquireTest {

    private final RecordingListener listener = new RecordingListener();
    private final KeyedRegistry<String, Lock> registry =
            KeyedRegistry.create("accounts", key -> Lock.create("accounts", listener));

    /** True when nobody holds {@code key}'s lock now (borrowing it briefly to look). */
    private boolean isFree(String key) {
        try (var handle = registry.borrow(key)) {
            return !handle.primitive().isLocked() && handle.primitive().snapshot().waiting() == 0;
        }
    }

    /**
     * Lines the keys up so that {@code first} ranks before {@code blocked}, which a holder then
     * holds: an acquisition of {@code first, blocked, ...} gets {@code first}, then waits. Returns
     * {@code [handle keeping first's rank, permit on blocked]}.
     */
    private AutoCloseable[] firstFreeThenBlocked(String first, String blocked) throws Exception {
        var firstHandle = registry.borrow(first);
        Permit blocker = KeyedPermits.acquire(registry, blocked, Duration.ZERO);
        return new AutoCloseable[] {firstHandle, blocker};
    }

    private static void closeAll(AutoCloseable... closeables) throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void callersNamingTwoKeysInOppositeOrdersNeverDeadlock(Threads.Flavor flavor) throws Exception {
        int threads = flavor == Threads.Flavor.PLATFORM ? 4 : 64;
        int iterations = flavor == Threads.Flavor.PLATFORM ? 5_000 : 300;
        long[] both = new long[2];
        Threads.runConcurrently(flavor, threads, index -> {
            List<String> keys = index % 2 == 0 ? List.of("x", "y") : List.of("y", "x");
            for (int i = 0; i < iterations; i++) {
                try (Permit permit = KeyedPermits.acquireAll(registry, keys, Durations.FOREVER)) {
                    both[0]++;
                    both[1]++;
                }
            }
        });
        assertThat(both).containsExactly((long) threads * iterations, (long) threads * iterations);
        assertThat(registry.size()).isZero();
        assertThat(listener.releases()).isEqualTo(2L * threads * iterations);
    }

    @Test
    void asyncCallersNamingKeysInOppositeOrdersNeverDeadlockAndParkNoThread() throws Exception {
        int acquisitions = 4_000;
        long[] counters = new long[3];
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Void>> done = new ArrayList<>(acquisitions);
            Permit gate = KeyedPermits.acquireAll(registry, List.of("x", "y", "z"), Duration.ZERO);
            for (int i = 0; i < acquisitions; i++) {
                List<String> keys = switch (i % 3) {
                    case 0 -> List.of("x", "y", "z");
                    case 1 -> List.of("z", "y", "x");
                    default -> List.of("y", "x", "z");
                };
                done.add(KeyedPermits.acquireAllAsync(registry, keys, Durations.FOREVER).thenAcceptAsync(permit -> {
                    try (permit) {
                        counters[0]++;
                        counters[1]++;
                        counters[2]++;
                    }
                }, executor));
            }
            try (var x = registry.borrow("x")) {
                assertThat(x.primitive().snapshot().waiting()).as("every acquisition is pending, none parked a thread")
                        .isEqualTo(acquisitions);
            }
            gate.close();
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(Threads.BOUND.toSeconds(), TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertThat(counters).containsOnly(acquisitions);
        assertThat(registry.size()).isZero();
    }

    @Test
    void aTimeoutMidwayReleasesTheKeysAlreadyAcquired() throws Exception {
        AutoCloseable[] setup = firstFreeThenBlocked("a", "b");
        assertThatThrownBy(() -> KeyedPermits.acquireAll(registry, List.of("c", "b", "a"), Duration.ofMillis(50)))
                .isInstanceOfSatisfying(GuardTimeoutException.class, e -> {
                    assertThat(e.getPrimitiveName()).isEqualTo("accounts");
                    assertThat(e.getTimeout()).as("the caller's overall timeout").isEqualTo(Duration.ofMillis(50));
                });
        assertThat(listener.count(Outcome.ACQUIRED)).as("the blocker's b, then a").isEqualTo(2);
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(1);
        assertThat(isFree("a")).isTrue();
        assertThat(isFree("c")).isTrue();
        closeAll(setup);
        assertThat(isFree("b")).isTrue();
        assertThat(registry.size()).isZero();
        assertThat(listener.releases()).isEqualTo(listener.count(Outcome.ACQUIRED));
    }

    @Test
    void aZeroTimeoutTriesEveryKeyOnceAndWaitsForNone() throws Exception {
        AutoCloseable[] setup = firstFreeThenBlocked("a", "b");
        assertThatThrownBy(() -> KeyedPermits.acquireAll(registry, List.of("a", "b"), Duration.ZERO))
                .isInstanceOfSatisfying(GuardTimeoutException.class, e -> assertThat(e.getTimeout()).isZero());
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(1);
        assertThat(isFree("a")).isTrue();
        closeAll(setup);
        assertThat(registry.size()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void anInterruptMidwayReleasesTheKeysAlreadyAcquired(Threads.Flavor flavor) throws Exception {
        AutoCloseable[] setup = firstFreeThenBlocked("a", "b");
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Threads.start(flavor, () -> {
            try (Permit permit = KeyedPermits.acquireAll(registry, List.of("a", "b"), Durations.FOREVER)) {
                outcome.set(new AssertionError("acquired although b is held"));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        Threads.awaitTrue("the waiter holds a and waits for b", () -> !isFree("b") && waitingFor("b") == 1);
        waiter.interrupt();
        Threads.joinAll(List.of(waiter));
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(isFree("a")).isTrue();
        closeAll(setup);
        assertThat(registry.size()).isZero();
    }

    private int waitingFor(String key) {
        try (var handle = registry.borrow(key)) {
            return handle.primitive().snapshot().waiting();
        }
    }

    @Test
    void anAsyncTimeoutMidwayReleasesTheKeysAlreadyAcquired() throws Exception {
        AutoCloseable[] setup = firstFreeThenBlocked("a", "b");
        CompletableFuture<Permit> future = KeyedPermits.acquireAllAsync(registry, List.of("b", "a", "c"), Duration.ofMillis(50));
        assertThatThrownBy(() -> future.get(Threads.BOUND.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(GuardTimeoutException.class,
                        e -> assertThat(e.getTimeout()).isEqualTo(Duration.ofMillis(50)));
        assertThat(isFree("a")).isTrue();
        assertThat(waitingFor("b")).isZero();
        closeAll(setup);
        assertThat(registry.size()).isZero();
    }

    @Test
    void cancellingMidwayWithdrawsTheWaitAndReleasesTheKeysAlreadyAcquired() throws Exception {
        AutoCloseable[] setup = firstFreeThenBlocked("a", "b");
        CompletableFuture<Permit> future = KeyedPermits.acquireAllAsync(registry, List.of("a", "b"), Durations.FOREVER);
        assertThat(isFree("a")).as("a is held by the pending acquisition").isFalse();
        assertThat(waitingFor("b")).isEqualTo(1);
        assertThat(future.cancel(false)).isTrue();
        assertThat(future).isCancelled();
        assertThat(isFree("a")).isTrue();
        assertThat(waitingFor("b")).isZero();
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
        closeAll(setup);
        assertThat(registry.size()).isZero();
    }

    @Test
    void cancellingARacingGrantNeverLosesOrLeaksAKey() throws Exception {
        ExecutorService releaser = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < 2_000; i++) {
                AutoCloseable[] setup = firstFreeThenBlocked("a", "b");
                CompletableFuture<Permit> future = KeyedPermits.acquireAllAsync(registry, List.of("a", "b"), Durations.FOREVER);
                CountDownLatch go = new CountDownLatch(1);
                CompletableFuture<Void> released = CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                        ((Permit) setup[1]).close();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, releaser);
                go.countDown();
                boolean cancelled = future.cancel(false);
                released.get(Threads.BOUND.toSeconds(), TimeUnit.SECONDS);
                if (!cancelled) {
                    future.get(Threads.BOUND.toSeconds(), TimeUnit.SECONDS).close();
                } else {
                    assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
                }
                setup[0].close();
                assertThat(isFree("a")).as("iteration %d: a", i).isTrue();
                assertThat(isFree("b")).as("iteration %d: b", i).isTrue();
                assertThat(registry.size()).as("iteration %d", i).isZero();
            }
        } finally {
            releaser.shutdownNow();
        }
        assertThat(listener.releases()).isEqualTo(listener.count(Outcome.ACQUIRED));
    }

    @Test
    void thePermitReleasesEveryKeyExactlyOnceLastAcquiredFirst() throws Exception {
        Permit permit = KeyedPermits.acquireAll(registry, List.of("a", "b", "c"), Duration.ZERO);
        assertThat(permit.isHeld()).isTrue();
        assertThat(registry.size()).isEqualTo(3);
        assertThat(permit.toString()).contains("a").contains("b").contains("c");
        permit.close();
        permit.close();
        assertThat(permit.isHeld()).isFalse();
        assertThat(listener.releases()).isEqualTo(3);
        assertThat(registry.size()).isZero();
    }

    @Test
    void duplicateKeysAreAcquiredOnceInsteadOfWaitingForThemselves() throws Exception {
        try (Permit permit = KeyedPermits.acquireAll(registry, List.of("a", "b", "a"), Duration.ZERO)) {
            assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(2);
        }
        try (Permit permit = KeyedPermits.acquireAllAsync(registry, List.of("a", "a"), Duration.ZERO).join()) {
            assertThat(registry.size()).isEqualTo(1);
        }
        assertThat(registry.size()).isZero();
    }

    @Test
    void singleKeyAcquisitionsReleaseTheirKeyAndCanBeCancelled() throws Exception {
        try (Permit permit = KeyedPermits.acquire(registry, "a", Duration.ZERO)) {
            assertThatThrownBy(() -> KeyedPermits.acquire(registry, "a", Duration.ofMillis(20)))
                    .isInstanceOf(GuardTimeoutException.class);
            CompletableFuture<Permit> pending = KeyedPermits.acquireAsync(registry, "a", Durations.FOREVER);
            assertThat(waitingFor("a")).isEqualTo(1);
            pending.cancel(false);
            assertThat(waitingFor("a")).isZero();
        }
        KeyedPermits.acquireAsync(registry, "a", Duration.ZERO).join().close();
        assertThat(registry.size()).isZero();
    }

    @Test
    void aSideOfEachPrimitiveCanBeAcquired() throws Exception {
        KeyedRegistry<String, Semaphore> pools = KeyedRegistry.create("renderers", key -> Semaphore.create("renderers", 2));
        try (Permit first = KeyedPermits.acquireAll(pools, List.of("a", "b"), semaphore -> semaphore, Duration.ZERO);
                Permit second = KeyedPermits.acquireAll(pools, List.of("b", "a"), semaphore -> semaphore, Duration.ZERO)) {
            assertThatThrownBy(() -> KeyedPermits.acquire(pools, "a", Duration.ZERO)).isInstanceOf(GuardTimeoutException.class);
        }
        assertThat(pools.size()).isZero();
    }

    @Test
    void theFutureCanOnlyBeCompletedByTheAcquisition() throws Exception {
        AutoCloseable[] setup = firstFreeThenBlocked("a", "b");
        CompletableFuture<Permit> future = KeyedPermits.acquireAllAsync(registry, List.of("a", "b"), Durations.FOREVER);
        assertThatThrownBy(() -> future.complete(null)).isInstanceOf(UnsupportedOperationException.class);
        future.completeExceptionally(new IllegalStateException("shutting down"));
        assertThat(isFree("a")).as("failing it withdraws like cancel").isTrue();
        assertThat(waitingFor("b")).isZero();
        closeAll(setup);
        assertThat(registry.size()).isZero();
    }

    @Test
    void badKeysAreRefusedBeforeAnythingIsAcquired() {
        assertThatThrownBy(() -> KeyedPermits.acquireAll(registry, java.util.Arrays.asList("a", null), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> KeyedPermits.acquireAllAsync(registry, List.of(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one key");
        assertThatThrownBy(() -> KeyedPermits.acquireAll(registry, List.of("a"), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThat(registry.size()).isZero();
        assertThat(listener.arrivals()).isZero();
    }
}

package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.signalbox.testing.Threads;
import dev.signalbox.testing.RecordingListener;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadWriteLockTest {

    private final RecordingListener listener = new RecordingListener();
    private final ReadWriteLock rw = ReadWriteLock.create("catalog", listener);
    private final Acquirable read = rw.readLock();
    private final Acquirable write = rw.writeLock();

    @AfterEach
    void lockIsFreeAndEveryWaitWasReported() {
        assertThat(rw.isWriteLocked()).as("writer left holding").isFalse();
        assertThat(rw.readHolders()).as("readers left holding").isZero();
        assertThat(rw.snapshot().waiting()).as("waiters left behind").isZero();
        assertThat(rw.snapshot().holders()).as("holders left tracked").isEmpty();
        assertThat(listener.waitsEnded()).as("every arrival ends its wait exactly once").isEqualTo(listener.arrivals());
        assertThat(listener.releases()).as("every acquisition released once").isEqualTo(listener.count(Outcome.ACQUIRED));
        assertThat(listener.negativeDurations()).isZero();
    }

    /** Checks, inside critical sections, that a writer is alone and readers only share with readers. */
    private static final class ExclusionProbe {
        final AtomicInteger readers = new AtomicInteger();
        final AtomicInteger writers = new AtomicInteger();
        final AtomicInteger violations = new AtomicInteger();
        final AtomicInteger maxReaders = new AtomicInteger();
        /** The most read holders the lock itself reported to a reader inside. */
        final AtomicInteger maxReadHolders = new AtomicInteger();
        int writes;

        void write() {
            if (writers.incrementAndGet() != 1) {
                violations.incrementAndGet();
            }
            if (readers.get() != 0) {
                violations.incrementAndGet();
            }
            int read = writes;
            Thread.yield();
            writes = read + 1;
            if (readers.get() != 0) {
                violations.incrementAndGet();
            }
            writers.decrementAndGet();
        }

        void read() {
            int now = readers.incrementAndGet();
            maxReaders.accumulateAndGet(now, Math::max);
            if (writers.get() != 0) {
                violations.incrementAndGet();
            }
            Thread.yield();
            if (writers.get() != 0) {
                violations.incrementAndGet();
            }
            readers.decrementAndGet();
        }
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void readersHoldTheLockTogether(Threads.Flavor flavor) throws Exception {
        int threads = 8;
        CountDownLatch allIn = new CountDownLatch(threads);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        Threads.runConcurrently(flavor, threads, i -> {
            try (Permit ignored = read.acquire(Threads.BOUND)) {
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                allIn.countDown();
                // Only possible if every reader holds the lock at the same time.
                assertThat(allIn.await(30, TimeUnit.SECONDS)).as("all readers inside together").isTrue();
                inside.decrementAndGet();
            }
        });
        assertThat(maxInside.get()).isEqualTo(threads);
    }

    /** Thousands of iterations mixing readers and writers: a writer is always alone, and no write is lost. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void writerIsAlwaysAloneAndNoWriteIsLost(Threads.Flavor flavor) throws Exception {
        ExclusionProbe probe = new ExclusionProbe();
        int threads = 12;
        int iterations = 2_000;
        AtomicInteger writesDone = new AtomicInteger();
        Threads.runConcurrently(flavor, threads, i -> {
            for (int n = 0; n < iterations; n++) {
                if ((n + i) % 4 == 0) {
                    try (Permit ignored = write.acquire()) {
                        probe.write();
                    }
                    writesDone.incrementAndGet();
                } else {
                    try (Permit ignored = read.acquire()) {
                        probe.read();
                    }
                }
            }
        });
        assertThat(probe.violations.get()).as("a writer overlapped another holder").isZero();
        assertThat(probe.writes).as("writes under the write lock").isEqualTo(writesDone.get()).isEqualTo(threads * iterations / 4);
    }

    @Test
    void asyncAndTryHoldersAlsoExcludeWriters() throws Exception {
        ExclusionProbe probe = new ExclusionProbe();
        ExecutorService executor = Executors.newFixedThreadPool(3);
        int writes = 0;
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < 6_000; i++) {
                boolean writer = i % 3 == 0;
                writes += writer ? 1 : 0;
                all.add((writer ? write : read).acquireAsync().thenAcceptAsync(permit -> {
                    try (permit) {
                        if (writer) {
                            probe.write();
                        } else {
                            probe.read();
                        }
                    }
                }, executor));
                if (i % 10 == 0) {
                    try (Permit p = (writer ? write : read).tryAcquire()) {
                        if (p != null && writer) {
                            probe.write();
                            writes++;
                        } else if (p != null) {
                            probe.read();
                        }
                    }
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertThat(probe.violations.get()).isZero();
        assertThat(probe.writes).isEqualTo(writes);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void onceAWriterWaitsNewReadersQueueBehindIt(Threads.Flavor flavor) throws Exception {
        Permit firstReader = read.acquire();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch writerInside = new CountDownLatch(1);
        CountDownLatch writerMayLeave = new CountDownLatch(1);
        Thread writer = Threads.start(flavor, () -> {
            try (Permit ignored = write.acquire(Threads.BOUND)) {
                order.add("writer");
                writerInside.countDown();
                writerMayLeave.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        Threads.awaitTrue("writer queued", () -> rw.snapshot().waiting() == 1);

        assertThat(read.tryAcquire()).as("tryAcquire must not overtake a waiting writer").isNull();
        assertThat(read.acquireAsync(Duration.ZERO)).as("nor a zero-timeout wait").isCompletedExceptionally();
        Thread lateReader = Threads.start(flavor, () -> {
            try (Permit ignored = read.acquire(Threads.BOUND)) {
                order.add("late reader");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        Threads.awaitTrue("late reader queued behind the writer", () -> rw.snapshot().waiting() == 2);
        assertThat(rw.readHolders()).as("the late reader did not join the first").isEqualTo(1);

        firstReader.close();
        assertThat(writerInside.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(rw.isWriteLocked()).isTrue();
        assertThat(rw.readHolders()).isZero();
        assertThat(rw.snapshot().waiting()).as("late reader still waits for the writer").isEqualTo(1);
        writerMayLeave.countDown();
        Threads.joinAll(List.of(writer, lateReader));
        assertThat(order).containsExactly("writer", "late reader");
    }

    /** W1 waits for a reader; R1, R2 queue behind W1; W2 queues behind them: R1 and R2 enter right after W1, before W2. */
    @Test
    void readersQueuedBehindAWriterEnterBeforeTheNextWriter() throws Exception {
        Permit holder = read.acquire();
        CompletableFuture<Permit> w1 = write.acquireAsync();
        CompletableFuture<Permit> r1 = read.acquireAsync();
        CompletableFuture<Permit> r2 = read.acquireAsync();
        CompletableFuture<Permit> w2 = write.acquireAsync();
        CompletableFuture<Permit> r3 = read.acquireAsync();
        assertThat(rw.snapshot().waiting()).isEqualTo(5);

        holder.close();
        assertThat(w1).isCompleted();
        assertThat(r1).isNotDone();
        Permit w1Permit = w1.get(30, TimeUnit.SECONDS);
        assertThat(rw.snapshot().active()).isEqualTo(1);

        w1Permit.close();
        assertThat(r1).as("admitted together").isCompleted();
        assertThat(r2).as("admitted together").isCompleted();
        assertThat(w2).as("the later writer waits for them").isNotDone();
        assertThat(r3).as("the reader behind the later writer waits for it").isNotDone();
        assertThat(rw.readHolders()).isEqualTo(2);
        assertThat(rw.snapshot().active()).isEqualTo(2);
        assertThat(rw.snapshot().waiting()).isEqualTo(2);

        r1.get().close();
        assertThat(w2).isNotDone();
        r2.get().close();
        assertThat(w2).isCompleted();
        assertThat(r3).isNotDone();
        w2.get().close();
        assertThat(r3).isCompleted();
        r3.get().close();
    }

    /** The same ordering with parked threads of both flavors; the snapshot's waiting count lines them up. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void blockedReadersAreNotStarvedByLaterWriters(Threads.Flavor flavor) throws Exception {
        Permit holder = write.acquire();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch readersInside = new CountDownLatch(2);
        CountDownLatch readersMayLeave = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        threads.add(startHolder(flavor, write, "w1", order, null, null));
        Threads.awaitTrue("w1 queued", () -> rw.snapshot().waiting() == 1);
        threads.add(startHolder(flavor, read, "r1", order, readersInside, readersMayLeave));
        threads.add(startHolder(flavor, read, "r2", order, readersInside, readersMayLeave));
        Threads.awaitTrue("r1, r2 queued", () -> rw.snapshot().waiting() == 3);
        threads.add(startHolder(flavor, write, "w2", order, null, null));
        Threads.awaitTrue("w2 queued", () -> rw.snapshot().waiting() == 4);

        holder.close();
        assertThat(readersInside.await(30, TimeUnit.SECONDS)).as("both readers inside together").isTrue();
        assertThat(rw.snapshot().waiting()).as("w2 still waits").isEqualTo(1);
        readersMayLeave.countDown();
        Threads.joinAll(threads);
        assertThat(order.getFirst()).isEqualTo("w1");
        assertThat(order.subList(1, 3)).containsExactlyInAnyOrder("r1", "r2");
        assertThat(order.getLast()).isEqualTo("w2");
    }

    private static Thread startHolder(Threads.Flavor flavor, Acquirable side, String label, List<String> order,
            CountDownLatch inside, CountDownLatch mayLeave) {
        return Threads.start(flavor, () -> {
            try (Permit ignored = side.acquire(Threads.BOUND)) {
                order.add(label);
                if (inside != null) {
                    inside.countDown();
                    assertThat(mayLeave.await(30, TimeUnit.SECONDS)).isTrue();
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void headWriterTimingOutLetsTheQueuedReadersInAtOnce(Threads.Flavor flavor) throws Exception {
        Permit holder = read.acquire();
        CountDownLatch timedOut = new CountDownLatch(1);
        Thread writer = Threads.start(flavor, () -> {
            try {
                // Long enough for the readers below to queue behind it first, even on a loaded machine.
                assertThatThrownBy(() -> write.acquire(Duration.ofSeconds(1)))
                        .isInstanceOf(GuardTimeoutException.class)
                        .hasMessageContaining("read_write_lock 'catalog'");
                timedOut.countDown();
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        });
        Threads.awaitTrue("writer queued", () -> rw.snapshot().waiting() == 1);
        CompletableFuture<Permit> r1 = read.acquireAsync();
        CompletableFuture<Permit> r2 = read.acquireAsync();
        assertThat(r1).as("queued behind the writer").isNotDone();

        // The first reader still holds: the readers enter because the writer left, not because the lock freed.
        Permit p1 = r1.get(30, TimeUnit.SECONDS);
        Permit p2 = r2.get(30, TimeUnit.SECONDS);
        assertThat(timedOut.await(30, TimeUnit.SECONDS)).isTrue();
        Threads.joinAll(List.of(writer));
        assertThat(rw.readHolders()).isEqualTo(3);
        assertThat(holder.isHeld()).isTrue();
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(1);
        p1.close();
        p2.close();
        holder.close();
    }

    @Test
    void cancelledOrInterruptedHeadWriterLetsTheQueuedReadersIn() throws Exception {
        Permit holder = read.acquire();
        CompletableFuture<Permit> writer = write.acquireAsync();
        CompletableFuture<Permit> reader = read.acquireAsync();
        assertThat(reader).isNotDone();
        assertThat(writer.cancel(false)).isTrue();
        assertThat(reader).isCompleted();
        reader.get().close();

        CountDownLatch interrupted = new CountDownLatch(1);
        Thread blockedWriter = Thread.ofVirtual().start(() -> {
            try {
                write.acquire().close();
            } catch (InterruptedException expected) {
                interrupted.countDown();
            }
        });
        Threads.awaitTrue("writer queued", () -> rw.snapshot().waiting() == 1);
        CompletableFuture<Permit> reader2 = read.acquireAsync();
        blockedWriter.interrupt();
        assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
        reader2.get(30, TimeUnit.SECONDS).close();
        holder.close();
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(listener.count(Outcome.INTERRUPTED)).isEqualTo(1);
    }

    /** Thousands of pending waits of both sides completed by a two-thread executor: no thread parks per waiter. */
    @Test
    void thousandsOfPendingAsyncWaitsNeedNoThreadEach() throws Exception {
        ExclusionProbe probe = new ExclusionProbe();
        ExecutorService executor = Executors.newFixedThreadPool(2);
        int pending = 5_000;
        int writes = 0;
        try {
            Permit holder = write.acquire();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < pending; i++) {
                boolean writer = i % 5 == 0;
                writes += writer ? 1 : 0;
                all.add((writer ? write : read).acquireAsync(Threads.BOUND).thenAcceptAsync(permit -> {
                    try (permit) {
                        if (writer) {
                            probe.write();
                        } else {
                            probe.maxReadHolders.accumulateAndGet(rw.readHolders(), Math::max);
                            probe.read();
                        }
                    }
                }, executor));
            }
            assertThat(rw.snapshot().waiting()).isEqualTo(pending);
            holder.close();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        assertThat(probe.violations.get()).isZero();
        assertThat(probe.writes).isEqualTo(writes);
        // Each run of four readers between two writers is granted at once, before any of them runs.
        assertThat(probe.maxReadHolders.get()).as("readers between two writers shared the lock").isEqualTo(4);
    }

    /** Callbacks that release on the granting thread chain thousands of grants without growing the stack. */
    @Test
    void grantCallbacksThatReleaseAtOnceDoNotOverflowTheStack() throws Exception {
        Permit holder = write.acquire();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            int index = i;
            all.add(write.acquireAsync().thenAccept(permit -> {
                order.add(index);
                permit.close();
            }));
        }
        holder.close();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(order).as("writers served in arrival order").isSorted().hasSize(20_000);
    }

    @Test
    void cancellationsRacingGrantsLeaveTheLockConsistent() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            for (int n = 0; n < 3_000; n++) {
                Permit holder = (n % 2 == 0 ? write : read).acquire();
                CompletableFuture<Permit> writer = write.acquireAsync();
                CompletableFuture<Permit> reader = read.acquireAsync();
                CompletableFuture<Permit> cancelled = n % 3 == 0 ? reader : writer;
                CountDownLatch go = new CountDownLatch(1);
                var release = executor.submit(() -> {
                    go.await();
                    holder.close();
                    return null;
                });
                var cancel = executor.submit(() -> {
                    go.await();
                    return cancelled.cancel(false);
                });
                go.countDown();
                release.get(30, TimeUnit.SECONDS);
                cancel.get(30, TimeUnit.SECONDS);
                closeIfGranted(writer);
                closeIfGranted(reader);
                assertThat(rw.isWriteLocked()).as("iteration %d: writer leaked", n).isFalse();
                assertThat(rw.readHolders()).as("iteration %d: reader leaked", n).isZero();
                assertThat(rw.snapshot().waiting()).as("iteration %d: waiter left behind", n).isZero();
            }
        } finally {
            executor.shutdownNow();
        }
        assertThat(listener.count(Outcome.CANCELLED)).as("some races won by cancel").isPositive();
    }

    private static void closeIfGranted(CompletableFuture<Permit> future) throws Exception {
        try {
            future.get(30, TimeUnit.SECONDS).close();
        } catch (java.util.concurrent.CancellationException | ExecutionException ignored) {
            // withdrawn: holds nothing
        }
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void timeoutsRacingReleasesLoseNothing(Threads.Flavor flavor) throws Exception {
        ExclusionProbe probe = new ExclusionProbe();
        int threads = 8;
        int iterations = 2_000;
        Threads.runConcurrently(flavor, threads, i -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int n = 0; n < iterations; n++) {
                boolean writer = random.nextInt(3) == 0;
                Duration timeout = Duration.ofNanos(random.nextInt(50) * 1_000L);
                try (Permit ignored = (writer ? write : read).acquire(timeout)) {
                    if (writer) {
                        probe.write();
                    } else {
                        probe.read();
                    }
                } catch (GuardTimeoutException expected) {
                    // holds nothing, so releases nothing
                }
            }
        });
        assertThat(probe.violations.get()).isZero();
        assertThat(listener.count(Outcome.ACQUIRED) + listener.count(Outcome.TIMEOUT) + listener.count(Outcome.REJECTED))
                .isEqualTo(threads * iterations);
        assertThat(listener.count(Outcome.TIMEOUT) + listener.count(Outcome.REJECTED)).as("some waits gave up").isPositive();
    }

    @Test
    void asyncTimeoutsRacingGrantsLoseNothing() throws Exception {
        int pending = 4_000;
        List<CompletableFuture<Void>> all = new ArrayList<>();
        Permit holder = write.acquire();
        for (int i = 0; i < pending; i++) {
            Acquirable side = i % 4 == 0 ? write : read;
            all.add(side.acquireAsync(Duration.ofNanos((i % 100) * 20_000L))
                    .handle((permit, error) -> {
                        if (permit != null) {
                            permit.close();
                        } else {
                            assertThat(error).isInstanceOf(GuardTimeoutException.class);
                        }
                        return null;
                    }));
            if (i == pending / 2) {
                holder.close();
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(listener.count(Outcome.ACQUIRED) - 1 + listener.count(Outcome.TIMEOUT) + listener.count(Outcome.REJECTED))
                .isEqualTo(pending);
        assertThat(listener.count(Outcome.TIMEOUT)).as("some waits timed out").isPositive();
    }

    @Test
    void secondCloseIsHarmless() throws Exception {
        Permit first = read.acquire();
        Permit second = read.acquire();
        first.close();
        first.close();
        assertThat(rw.readHolders()).as("a stale close must not end another reader's hold").isEqualTo(1);
        assertThat(first.isHeld()).isFalse();
        assertThat(second.isHeld()).isTrue();
        second.close();
        Permit writer = write.acquire();
        writer.close();
        Permit next = write.acquire();
        writer.close();
        assertThat(rw.isWriteLocked()).as("a stale close must not free the next writer").isTrue();
        next.close();
    }

    @Test
    void tryAcquireOfTheWriteSideNeedsTheLockFreeAndNobodyWaiting() throws Exception {
        try (Permit reader = read.tryAcquire()) {
            assertThat(reader).isNotNull();
            assertThat(write.tryAcquire()).isNull();
        }
        try (Permit writer = write.tryAcquire()) {
            assertThat(writer).isNotNull();
            assertThat(write.tryAcquire()).isNull();
            assertThat(read.tryAcquire()).isNull();
            assertThatThrownBy(() -> read.acquire(Duration.ZERO))
                    .isInstanceOf(GuardTimeoutException.class)
                    .hasMessageContaining("timeout 0");
        }
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(4);
    }

    @Test
    void snapshotShowsSidesWaitersAndHolders() throws Exception {
        Permit r1 = read.acquire();
        Permit r2 = read.acquireAsync().get(30, TimeUnit.SECONDS);
        CompletableFuture<Permit> writer = write.acquireAsync();
        CompletableFuture<Permit> reader = read.acquireAsync();
        Snapshot snapshot = rw.snapshot();
        assertThat(snapshot.kind()).isEqualTo(Kind.READ_WRITE_LOCK);
        assertThat(snapshot.name()).isEqualTo("catalog");
        assertThat(snapshot.waiting()).isEqualTo(2);
        assertThat(snapshot.active()).isEqualTo(2);
        assertThat(snapshot.capacity()).isZero();
        assertThat(snapshot.holders()).extracting(Holder::description)
                .containsExactlyInAnyOrder(Thread.currentThread().getName() + " (read)",
                        "async (granted on " + Thread.currentThread().getName() + ") (read)");
        r1.close();
        r2.close();
        Permit w = writer.get(30, TimeUnit.SECONDS);
        snapshot = rw.snapshot();
        assertThat(snapshot.active()).isEqualTo(1);
        assertThat(snapshot.waiting()).isEqualTo(1);
        assertThat(snapshot.holders()).singleElement()
                .satisfies(h -> assertThat(h.description()).endsWith("(write)"));
        w.close();
        reader.get(30, TimeUnit.SECONDS).close();
        assertThat(rw.snapshot().active()).isZero();
    }

    @Test
    void bothSidesReportArrivalWaitAndReleaseAsTheLock() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        ReadWriteLock reported = ReadWriteLock.create("reported", new PrimitiveListener() {
            @Override
            public void onArrival(Primitive primitive) {
                events.add("arrival " + primitive.kind().tag() + " " + primitive.name());
            }

            @Override
            public void onWaitEnded(Primitive primitive, long waitNanos, Outcome outcome) {
                events.add("wait " + outcome.tag());
            }

            @Override
            public void onReleased(Primitive primitive, long holdNanos) {
                events.add("released");
            }
        });
        reported.readLock().acquire().close();
        reported.writeLock().acquireAsync().get(30, TimeUnit.SECONDS).close();
        assertThat(reported.readLock().tryAcquire()).isNotNull().satisfies(Permit::close);
        try (Permit ignored = reported.writeLock().acquire()) {
            assertThat(reported.readLock().tryAcquire()).isNull();
        }
        assertThat(events).containsExactly(
                "arrival read_write_lock reported", "wait acquired", "released",
                "arrival read_write_lock reported", "wait acquired", "released",
                "arrival read_write_lock reported", "wait acquired", "released",
                "arrival read_write_lock reported", "wait acquired",
                "arrival read_write_lock reported", "wait rejected", "released");
    }

    @Test
    void sidesAreNamedAfterTheLock() {
        assertThat(read.name()).isEqualTo("catalog");
        assertThat(write.name()).isEqualTo("catalog");
        assertThat(read.kind()).isEqualTo(Kind.READ_WRITE_LOCK);
        assertThat(write.kind()).isEqualTo(Kind.READ_WRITE_LOCK);
        assertThat(rw.kind()).isEqualTo(Kind.READ_WRITE_LOCK);
        assertThat(rw.readLock()).isSameAs(read);
    }

    @Test
    void uninstrumentedLockTracksNoHolders() throws Exception {
        ReadWriteLock plain = ReadWriteLock.create("plain");
        try (Permit ignored = plain.writeLock().acquire()) {
            assertThat(plain.snapshot().active()).isEqualTo(1);
            assertThat(plain.snapshot().holders()).isEmpty();
        }
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        assertThatThrownBy(() -> ReadWriteLock.create(" ")).hasMessageContaining("non-blank name");
        assertThatThrownBy(() -> read.acquire(Duration.ofSeconds(-1))).hasMessageContaining("negative");
        assertThatThrownBy(() -> write.acquireAsync(null)).isInstanceOf(NullPointerException.class);
    }
}

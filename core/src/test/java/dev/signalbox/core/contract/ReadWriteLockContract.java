package dev.signalbox.core.contract;

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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.core.Acquirable;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Permit;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Snapshot;
import dev.signalbox.testing.ExclusionProbe;
import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link ReadWriteLock} promises, whatever backs it: readers share, a writer is alone
 * and loses no write under real contention (blocking, async and try holders), writer preference
 * (once a writer waits, later readers queue behind it; readers queued behind a writer enter together
 * before the next writer), timed-out, interrupted and cancelled waits that hold and release nothing
 * and let the readers behind a withdrawn head writer in, idempotent {@code close()}, the snapshot,
 * and one reported outcome per wait, with the lock as the primitive. For a cluster lock these hold
 * among the callers of one instance (across instances it has no writer preference).
 */
public abstract class ReadWriteLockContract extends PrimitiveContract {

    protected final RecordingListener listener = new RecordingListener();
    protected ReadWriteLock rw;
    protected Acquirable read;
    protected Acquirable write;

    /** A new read-write lock named {@code name} reporting to {@code listener}, free and with nobody waiting. */
    protected abstract ReadWriteLock newReadWriteLock(String name, PrimitiveListener listener);

    @BeforeEach
    public void createLock() {
        rw = newReadWriteLock("catalog", listener);
        read = rw.readLock();
        write = rw.writeLock();
    }

    @AfterEach
    public void lockIsFreeAndEveryWaitWasReported() {
        assertThat(rw.isWriteLocked()).as("writer left holding").isFalse();
        assertThat(rw.readHolders()).as("readers left holding").isZero();
        assertThat(rw.snapshot().waiting()).as("waiters left behind").isZero();
        assertThat(rw.snapshot().holders()).as("holders left tracked").isEmpty();
        assertThat(listener.waitsEnded()).as("every arrival ends its wait exactly once").isEqualTo(listener.arrivals());
        assertThat(listener.releases()).as("every acquisition released once").isEqualTo(listener.count(Outcome.ACQUIRED));
        assertThat(listener.negativeDurations()).isZero();
        assertThat(listener.reporters()).as("both sides report as the lock").allMatch(p -> p == rw);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void readersHoldTheLockTogether(Threads.Flavor flavor) throws Exception {
        int threads = 8;
        CountDownLatch allIn = new CountDownLatch(threads);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        Threads.runConcurrently(flavor, threads, i -> {
            try (Permit ignored = read.acquire(BOUND)) {
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
    public void writerIsAlwaysAloneAndNoWriteIsLost(Threads.Flavor flavor) throws Exception {
        ExclusionProbe probe = new ExclusionProbe();
        int threads = 12;
        int iterations = iterations(2_000);
        AtomicInteger writesDone = new AtomicInteger();
        Threads.runConcurrently(flavor, threads, i -> {
            for (int n = 0; n < iterations; n++) {
                if ((n + i) % 4 == 0) {
                    try (Permit ignored = write.acquire(BOUND)) {
                        probe.write();
                    }
                    writesDone.incrementAndGet();
                } else {
                    try (Permit ignored = read.acquire(BOUND)) {
                        probe.read();
                    }
                }
            }
        });
        assertThat(probe.violations.get()).as("a writer overlapped another holder").isZero();
        assertThat(probe.writes).as("writes under the write lock").isEqualTo(writesDone.get()).isEqualTo(threads * iterations / 4);
    }

    @Test
    public void asyncAndTryHoldersAlsoExcludeWriters() throws Exception {
        ExclusionProbe probe = new ExclusionProbe();
        ExecutorService executor = Executors.newFixedThreadPool(3);
        int writes = 0;
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < iterations(6_000); i++) {
                boolean writer = i % 3 == 0;
                writes += writer ? 1 : 0;
                all.add((writer ? write : read).acquireAsync(BOUND).thenAcceptAsync(permit -> {
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
    public void onceAWriterWaitsNewReadersQueueBehindIt(Threads.Flavor flavor) throws Exception {
        Permit firstReader = read.acquire(BOUND);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch writerInside = new CountDownLatch(1);
        CountDownLatch writerMayLeave = new CountDownLatch(1);
        Thread writer = Threads.start(flavor, () -> {
            try (Permit ignored = write.acquire(BOUND)) {
                order.add("writer");
                writerInside.countDown();
                writerMayLeave.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        Threads.awaitTrue("writer queued", () -> rw.snapshot().waiting() == 1);

        assertThat(read.tryAcquire()).as("tryAcquire must not overtake a waiting writer").isNull();
        failedNowOrSoon("nor a zero-timeout wait", read.acquireAsync(Duration.ZERO));
        Thread lateReader = Threads.start(flavor, () -> {
            try (Permit ignored = read.acquire(BOUND)) {
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
    public void readersQueuedBehindAWriterEnterBeforeTheNextWriter() throws Exception {
        Permit holder = read.acquire(BOUND);
        CompletableFuture<Permit> w1 = write.acquireAsync(BOUND);
        CompletableFuture<Permit> r1 = read.acquireAsync(BOUND);
        CompletableFuture<Permit> r2 = read.acquireAsync(BOUND);
        CompletableFuture<Permit> w2 = write.acquireAsync(BOUND);
        CompletableFuture<Permit> r3 = read.acquireAsync(BOUND);
        assertThat(rw.snapshot().waiting()).isEqualTo(5);

        holder.close();
        Permit w1Permit = grantedNowOrSoon("w1 enters once the reader left", w1);
        assertThat(r1).isNotDone();
        assertThat(rw.snapshot().active()).isEqualTo(1);

        w1Permit.close();
        Permit r1Permit = grantedNowOrSoon("admitted together", r1);
        Permit r2Permit = grantedNowOrSoon("admitted together", r2);
        assertThat(w2).as("the later writer waits for them").isNotDone();
        assertThat(r3).as("the reader behind the later writer waits for it").isNotDone();
        assertThat(rw.readHolders()).isEqualTo(2);
        assertThat(rw.snapshot().active()).isEqualTo(2);
        assertThat(rw.snapshot().waiting()).isEqualTo(2);

        r1Permit.close();
        assertThat(w2).isNotDone();
        r2Permit.close();
        Permit w2Permit = grantedNowOrSoon("w2 enters once both readers left", w2);
        assertThat(r3).isNotDone();
        w2Permit.close();
        grantedNowOrSoon("r3 enters once w2 left", r3).close();
    }

    /** The same ordering with parked threads of both flavors; the snapshot's waiting count lines them up. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void blockedReadersAreNotStarvedByLaterWriters(Threads.Flavor flavor) throws Exception {
        Permit holder = write.acquire(BOUND);
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
            try (Permit ignored = side.acquire(BOUND)) {
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
    public void headWriterTimingOutLetsTheQueuedReadersInAtOnce(Threads.Flavor flavor) throws Exception {
        Permit holder = read.acquire(BOUND);
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
        CompletableFuture<Permit> r1 = read.acquireAsync(BOUND);
        CompletableFuture<Permit> r2 = read.acquireAsync(BOUND);
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
    public void cancelledOrInterruptedHeadWriterLetsTheQueuedReadersIn() throws Exception {
        Permit holder = read.acquire(BOUND);
        CompletableFuture<Permit> writer = write.acquireAsync(BOUND);
        CompletableFuture<Permit> reader = read.acquireAsync(BOUND);
        assertThat(reader).isNotDone();
        assertThat(writer.cancel(false)).isTrue();
        grantedNowOrSoon("the reader enters once the writer ahead of it withdrew", reader).close();

        CountDownLatch interrupted = new CountDownLatch(1);
        Thread blockedWriter = Thread.ofVirtual().start(() -> {
            try {
                write.acquire(BOUND).close();
            } catch (InterruptedException expected) {
                interrupted.countDown();
            }
        });
        Threads.awaitTrue("writer queued", () -> rw.snapshot().waiting() == 1);
        CompletableFuture<Permit> reader2 = read.acquireAsync(BOUND);
        blockedWriter.interrupt();
        assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
        reader2.get(30, TimeUnit.SECONDS).close();
        holder.close();
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(listener.count(Outcome.INTERRUPTED)).isEqualTo(1);
    }

    @Test
    public void cancellationsRacingGrantsLeaveTheLockConsistent() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            for (int n = 0; n < iterations(3_000); n++) {
                Permit holder = (n % 2 == 0 ? write : read).acquire(BOUND);
                CompletableFuture<Permit> writer = write.acquireAsync(BOUND);
                CompletableFuture<Permit> reader = read.acquireAsync(BOUND);
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
    public void timeoutsRacingReleasesLoseNothing(Threads.Flavor flavor) throws Exception {
        ExclusionProbe probe = new ExclusionProbe();
        int threads = 8;
        int iterations = iterations(2_000);
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
    public void asyncTimeoutsRacingGrantsLoseNothing() throws Exception {
        int pending = iterations(4_000);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        Permit holder = write.acquire(BOUND);
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
    public void secondCloseIsHarmless() throws Exception {
        Permit first = read.acquire(BOUND);
        Permit second = read.acquire(BOUND);
        first.close();
        first.close();
        assertThat(rw.readHolders()).as("a stale close must not end another reader's hold").isEqualTo(1);
        assertThat(first.isHeld()).isFalse();
        assertThat(second.isHeld()).isTrue();
        second.close();
        Permit writer = write.acquire(BOUND);
        writer.close();
        Permit next = write.acquire(BOUND);
        writer.close();
        assertThat(rw.isWriteLocked()).as("a stale close must not free the next writer").isTrue();
        next.close();
    }

    @Test
    public void bothSidesReportArrivalWaitAndReleaseAsTheLock() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        ReadWriteLock reported = newReadWriteLock("reported", new PrimitiveListener() {
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
        // A try first: right after a release, a cluster lock may still hold what the closed permit gives back.
        assertThat(reported.readLock().tryAcquire()).isNotNull().satisfies(Permit::close);
        reported.readLock().acquire(BOUND).close();
        reported.writeLock().acquireAsync(BOUND).get(30, TimeUnit.SECONDS).close();
        try (Permit ignored = reported.writeLock().acquire(BOUND)) {
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
    public void sidesAreNamedAfterTheLock() {
        assertThat(read.name()).isEqualTo("catalog");
        assertThat(write.name()).isEqualTo("catalog");
        assertThat(read.kind()).isEqualTo(Kind.READ_WRITE_LOCK);
        assertThat(write.kind()).isEqualTo(Kind.READ_WRITE_LOCK);
        assertThat(rw.kind()).isEqualTo(Kind.READ_WRITE_LOCK);
        assertThat(rw.readLock()).isSameAs(read);
    }

    @Test
    public void badArgumentsAreRejectedWithClearMessages() {
        assertThatThrownBy(() -> newReadWriteLock(" ", PrimitiveListener.NONE)).hasMessageContaining("non-blank name");
        assertThatThrownBy(() -> read.acquire(Duration.ofSeconds(-1))).hasMessageContaining("negative");
        assertThatThrownBy(() -> write.acquireAsync(null)).isInstanceOf(NullPointerException.class);
    }
    /**
     * Try-once on either side never waits: a reader's try succeeds while only readers hold and nobody
     * waits; a writer's only while nobody holds and nobody waits. (Two locks: right after a release a
     * cluster lock may still hold what the closed permit gives back; core's ReadWriteLockTest checks
     * the same sequence on one local lock.)
     */
    @Test
    public void tryAcquireOfEitherSideNeverWaits() throws Exception {
        try (Permit reader = read.tryAcquire()) {
            assertThat(reader).isNotNull();
            try (Permit another = read.tryAcquire()) {
                assertThat(another).as("readers share").isNotNull();
            }
            assertThat(write.tryAcquire()).isNull();
        }
        RecordingListener otherListener = new RecordingListener();
        ReadWriteLock other = newReadWriteLock("catalog-writers", otherListener);
        try (Permit writer = other.writeLock().tryAcquire()) {
            assertThat(writer).isNotNull();
            assertThat(other.writeLock().tryAcquire()).isNull();
            assertThat(other.readLock().tryAcquire()).isNull();
            assertThatThrownBy(() -> other.readLock().acquire(Duration.ZERO))
                    .isInstanceOf(GuardTimeoutException.class)
                    .hasMessageContaining("timeout 0");
        }
        assertThat(other.isWriteLocked()).isFalse();
        assertThat(listener.count(Outcome.REJECTED) + otherListener.count(Outcome.REJECTED)).isEqualTo(4);
        assertThat(listener.count(Outcome.ACQUIRED) + otherListener.count(Outcome.ACQUIRED)).isEqualTo(3);
        assertThat(otherListener.waitsEnded()).isEqualTo(otherListener.arrivals());
        assertThat(otherListener.releases()).isEqualTo(otherListener.count(Outcome.ACQUIRED));
    }

    @Test
    public void snapshotShowsSidesWaitersAndHolders() throws Exception {
        Permit r1 = read.acquire(BOUND);
        Permit r2 = read.acquireAsync(BOUND).get(30, TimeUnit.SECONDS);
        CompletableFuture<Permit> writer = write.acquireAsync(BOUND);
        CompletableFuture<Permit> reader = read.acquireAsync(BOUND);
        Snapshot snapshot = rw.snapshot();
        assertThat(snapshot.kind()).isEqualTo(Kind.READ_WRITE_LOCK);
        assertThat(snapshot.name()).isEqualTo("catalog");
        assertThat(snapshot.waiting()).isEqualTo(2);
        assertThat(snapshot.active()).isEqualTo(2);
        assertThat(snapshot.capacity()).isZero();
        assertThat(snapshot.holders()).hasSize(2).allSatisfy(h -> assertThat(h.description()).endsWith("(read)"))
                .anySatisfy(h -> assertThat(h.description()).startsWith(Thread.currentThread().getName()));
        assertThat(rw.readHolders()).isEqualTo(2);
        r1.close();
        r2.close();
        Permit w = writer.get(30, TimeUnit.SECONDS);
        snapshot = rw.snapshot();
        assertThat(snapshot.active()).isEqualTo(1);
        assertThat(snapshot.waiting()).isEqualTo(1);
        assertThat(snapshot.holders()).singleElement()
                .satisfies(h -> assertThat(h.description()).endsWith("(write)"));
        assertThat(rw.isWriteLocked()).isTrue();
        w.close();
        reader.get(30, TimeUnit.SECONDS).close();
        assertThat(rw.snapshot().active()).isZero();
    }
}

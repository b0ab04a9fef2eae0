package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.signalbox.testing.ExclusionProbe;
import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What only the local read-write lock does; what every read-write lock does is in
 * {@link dev.signalbox.core.contract.ReadWriteLockContract} (run here by LocalReadWriteLockContractTest).
 */
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

    /**
     * Local only: the four readers between two writers are granted at once, in one step of the
     * release, before any of them runs. A cluster lock grants each reader after its own Redis round
     * trip, so a granted reader may run (and leave) before the next is granted.
     */
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

    /**
     * Local only: grants run on the releasing thread, so a callback that releases grants the next
     * waiter inside it; a cluster lock completes each grant on a thread of its own.
     */
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

    /**
     * Local only in this form: the write side is free the moment the reader's {@code close()} returns.
     * A cluster read permit is given back once Redis has answered its release, so the contract checks
     * the same tries on two locks (ReadWriteLockContract#tryAcquireOfEitherSideNeverWaits).
     */
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

    /**
     * Local only: the exact holder descriptions (an async holder is named after the thread that granted
     * it; a cluster lock names it "async"). The figures are checked by the contract for both.
     */
    @Test
    void snapshotNamesEachHoldersThreadAndSide() throws Exception {
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

    /** Local only: without a listener the local lock tracks no holders; a cluster lock always lists this instance's. */
    @Test
    void uninstrumentedLockTracksNoHolders() throws Exception {
        ReadWriteLock plain = ReadWriteLock.create("plain");
        try (Permit ignored = plain.writeLock().acquire()) {
            assertThat(plain.snapshot().active()).isEqualTo(1);
            assertThat(plain.snapshot().holders()).isEmpty();
        }
    }
}

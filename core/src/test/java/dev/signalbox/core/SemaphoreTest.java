package dev.signalbox.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.testing.RecordingListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What only the local semaphore does, in both orderings: it grants async waiters on the releasing
 * thread, one at a time and in queue order. What every semaphore does is in
 * {@link dev.signalbox.core.contract.SemaphoreContract} (run here by LocalSemaphoreContractTest);
 * what differs between the orderings is in {@link FairnessTest}.
 */
@ParameterizedClass
@EnumSource(Fairness.class)
class SemaphoreTest {

    private static final int PERMITS = 4;
    private final RecordingListener listener = new RecordingListener();
    private final Semaphore semaphore;

    SemaphoreTest(Fairness fairness) {
        this.semaphore = Semaphore.create("pdf-renderer", PERMITS, fairness, listener);
    }

    @AfterEach
    void permitsAreConservedAndNobodyIsLeftWaiting() {
        assertThat(semaphore.availablePermits()).as("permits conserved").isEqualTo(PERMITS);
        assertThat(semaphore.snapshot().waiting()).as("waiters left behind").isZero();
        assertThat(listener.waitsEnded()).isEqualTo(listener.arrivals());
        assertThat(listener.releases()).isEqualTo(listener.count(Outcome.ACQUIRED));
    }

    /**
     * Local only: the grants come one at a time on the releasing thread, so the order they complete in
     * is the queue's. A cluster semaphore admits its waiters in that order too, but the admitted ones
     * then ask Redis in parallel round trips, whose replies (and so the completions) may come in
     * another order.
     */
    @Test
    void thousandsOfAsyncWaitersParkNoThreadAndAreGrantedInArrivalOrder() throws Exception {
        List<Permit> holders = new ArrayList<>();
        for (int i = 0; i < PERMITS; i++) {
            holders.add(semaphore.acquire());
        }
        int threadsBefore = Thread.activeCount();
        List<Integer> grantOrder = new ArrayList<>();
        java.util.concurrent.BlockingQueue<Permit> granted = new java.util.concurrent.LinkedBlockingQueue<>();
        for (int i = 0; i < 20_000; i++) {
            int index = i;
            semaphore.acquireAsync().thenAccept(permit -> {
                grantOrder.add(index);
                granted.add(permit);
            });
        }
        assertThat(semaphore.snapshot().waiting()).isEqualTo(20_000);
        assertThat(Thread.activeCount()).as("no thread per waiter").isLessThan(threadsBefore + 5);
        // Releases happen one at a time on this thread, so grants (and the order list) are sequential.
        holders.forEach(Permit::close);
        for (int i = 0; i < 20_000; i++) {
            Permit next = granted.poll(30, TimeUnit.SECONDS);
            assertThat(next).as("grant %d never came", i).isNotNull();
            next.close();
        }
        assertThat(grantOrder).hasSize(20_000).isSorted();
    }

    /**
     * A callback that releases at once grants the next waiter: 50,000 of them must not overflow the stack.
     * Local only: a cluster semaphore completes each grant on a thread of its own, so nothing nests.
     */
    @Test
    void chainedReleasesInCallbacksDoNotGrowTheStack() throws Exception {
        List<Permit> holders = new ArrayList<>();
        for (int i = 0; i < PERMITS; i++) {
            holders.add(semaphore.acquire());
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            all.add(semaphore.acquireAsync().thenAccept(Permit::close));
        }
        holders.forEach(Permit::close);
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }
}

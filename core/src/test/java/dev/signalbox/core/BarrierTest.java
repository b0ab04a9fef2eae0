package dev.signalbox.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What only the local barrier does; what every barrier does is in
 * {@link dev.signalbox.core.contract.BarrierContract} (run here by LocalBarrierContractTest).
 */
class BarrierTest {

    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void everyArrivalEndedExactlyOneReportedWait() {
        assertThat(listener.waitsEnded()).as("every arrival ends exactly one reported wait").isEqualTo(listener.arrivals());
        assertThat(listener.negativeDurations()).isZero();
    }

    /**
     * Local only: the last arrival releases the whole generation on its own thread, in arrival order,
     * and arrival order is call order. A cluster barrier's async arrivals reach Redis over several
     * connections and are completed on threads of their own, so neither order is the call order there
     * (the contract checks the indices as a set: BarrierContract#manyAsyncPartiesParkNoThread).
     */
    @Test
    void thousandsOfAsyncPartiesParkNoThreadAndAreReleasedInArrivalOrder() throws Exception {
        int parties = 10_000;
        Barrier barrier = Barrier.create("big", parties, listener);
        int threadsBefore = Thread.activeCount();
        List<Integer> releaseOrder = new ArrayList<>();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < parties - 1; i++) {
            // The last arrival releases them all on its own thread, so these callbacks append sequentially.
            futures.add(barrier.awaitAsync(Threads.BOUND).thenAccept(releaseOrder::add));
        }
        assertThat(barrier.waiting()).isEqualTo(parties - 1);
        assertThat(Thread.activeCount()).as("no thread per waiter").isLessThan(threadsBefore + 5);
        assertThat(futures).noneMatch(CompletableFuture::isDone);

        assertThat(barrier.awaitAsync(Threads.BOUND).get(30, TimeUnit.SECONDS)).isEqualTo(parties - 1);

        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(releaseOrder).containsExactlyElementsOf(IntStream.range(0, parties - 1).boxed().toList());
        assertThat(barrier.waiting()).isZero();
    }
}

package dev.signalbox.core;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link LocalBoundedQueue}: non-blocking puts and takes, async putters and
 * takers parked in the wait lists (and granted inside later offers and polls), and task tracking
 * must match some sequential execution of the same queue. Each operation is one call whose outcome
 * is decided inside one critical section, so any violation reported is the queue's.
 */
@Param(name = "item", gen = IntGen.class, conf = "1:5")
public class BoundedQueueLincheckTest {

    private final BoundedQueue<Integer> queue = BoundedQueue.create("lincheck", 2);

    @Operation
    public boolean offer(@Param(name = "item") int item) {
        return queue.offer(item);
    }

    @Operation
    public Integer poll() {
        return queue.poll();
    }

    @Operation
    public int size() {
        return queue.size();
    }

    /** Queues the item now or parks it with a waiting putter; a later take admits it. */
    @Operation
    public void putAsync(@Param(name = "item") int item) {
        queue.putAsync(item, Durations.FOREVER);
    }

    /** Takes an item now or parks a waiting taker; a later put hands its item to it (and it leaves the queue). */
    @Operation
    public void takeAsync() {
        queue.takeAsync(Durations.FOREVER);
    }

    @Operation
    public boolean taskDone() {
        try {
            queue.taskDone();
            return true;
        } catch (IllegalStateException tooMany) {
            return false;
        }
    }

    @Operation
    public int unfinishedTasks() {
        return queue.unfinishedTasks();
    }

    @Test
    void stress() {
        new StressOptions().iterations(10).invocationsPerIteration(1_000).threads(3).actorsPerThread(3).check(getClass());
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions().iterations(10).invocationsPerIteration(250).threads(3).actorsPerThread(3).check(getClass());
    }
}

package dev.signalbox.core;

import java.util.Comparator;

import org.jetbrains.lincheck.datastructures.BooleanGen;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of a priority {@link LocalBoundedQueue} with {@link BoundedQueue#shutdown(boolean)}:
 * non-blocking puts and takes, async putters and takers parked in the wait lists (granted, or
 * refused by a shutdown, inside later calls), task tracking and both shutdowns must match some
 * sequential execution of the same queue.
 */
@Param(name = "item", gen = IntGen.class, conf = "1:5")
@Param(name = "immediate", gen = BooleanGen.class)
public class BoundedQueueShutdownLincheckTest {

    private final BoundedQueue<Integer> queue = BoundedQueue.priority("lincheck", 2, Comparator.naturalOrder());

    /** "true", "false" (full) or "shut down". */
    @Operation
    public String offer(@Param(name = "item") int item) {
        try {
            return String.valueOf(queue.offer(item));
        } catch (QueueShutDownException e) {
            return "shut down";
        }
    }

    /** The item, null (empty) or "shut down". */
    @Operation
    public Object poll() {
        try {
            return queue.poll();
        } catch (QueueShutDownException e) {
            return "shut down";
        }
    }

    @Operation
    public void putAsync(@Param(name = "item") int item) {
        queue.putAsync(item, Durations.FOREVER);
    }

    @Operation
    public void takeAsync() {
        queue.takeAsync(Durations.FOREVER);
    }

    @Operation
    public void shutdown(@Param(name = "immediate") boolean immediate) {
        queue.shutdown(immediate);
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

    @Operation
    public int size() {
        return queue.size();
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

package dev.signalbox.core;

import java.time.Duration;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link Event}: the lock-free fast paths (a set event read without the lock)
 * racing the slow path (a waiter queued under the lock, drained by {@code set()}) must match some
 * sequential execution of an event whose state is the flag plus the number of queued waiters:
 * {@code set()} raises the flag and empties the queue, {@code clear()} lowers the flag, and an
 * await queues a waiter only while the flag is down. A waiter enqueued after a {@code set()} had
 * drained the queue, with the flag up, would show up in {@code waiting()} where no sequential
 * order allows it.
 */
public class EventLincheckTest {

    private final Event event = Event.create("lincheck-event");

    @Operation
    public void set() {
        event.set();
    }

    @Operation
    public void clear() {
        event.clear();
    }

    @Operation
    public boolean isSet() {
        return event.isSet();
    }

    /** Queues an async waiter unless the event is set; its completion happens inside a later set(). */
    @Operation
    public void awaitAsync() {
        event.awaitAsync(Durations.FOREVER);
    }

    /** A blocking try-once wait: true when the event was set. */
    @Operation
    public boolean tryAwait() throws InterruptedException {
        try {
            event.await(Duration.ZERO);
            return true;
        } catch (GuardTimeoutException notSet) {
            return false;
        }
    }

    @Operation
    public int waiting() {
        return event.snapshot().waiting();
    }

    @Test
    void stress() {
        new StressOptions().iterations(20).invocationsPerIteration(1_000).threads(3).actorsPerThread(3).check(getClass());
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions().iterations(15).invocationsPerIteration(200).threads(3).actorsPerThread(3).check(getClass());
    }
}

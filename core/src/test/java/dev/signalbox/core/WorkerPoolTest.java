package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.core.WorkerPool.ShutdownMode;

import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerPoolTest {

    private static final long BOUND_SECONDS = Threads.BOUND.toSeconds();

    private static WorkerPool pool(Threads.Flavor flavor, int workers, int capacity, PrimitiveListener listener) {
        return WorkerPool.create("pool", workers, capacity, flavor.builder().factory(), listener);
    }

    /** A latch that a test opens; tasks wait on it (bounded) to stay running or queued meanwhile. */
    private static boolean await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("latch not opened within " + Threads.BOUND);
        }
        return true;
    }

    // ---------------------------------------------------------------- creation

    @Test
    void rejectsBadSizesNamingThePool() {
        assertThatThrownBy(() -> WorkerPool.create("renderers", 0, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("renderers").hasMessageContaining("workers must be at least 1");
        assertThatThrownBy(() -> WorkerPool.create("renderers", 2, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queueCapacity must be at least 1");
        assertThatThrownBy(() -> WorkerPool.create("renderers", 2, 2, r -> null, PrimitiveListener.NONE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("thread factory returned null");
    }

    @Test
    void defaultWorkersAreVirtualThreadsNamedAfterThePool() throws Exception {
        try (WorkerPool pool = WorkerPool.create("render", 3, 8)) {
            CountDownLatch allRunning = new CountDownLatch(3);
            List<CompletableFuture<Thread>> threads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                threads.add(pool.submit(() -> {
                    allRunning.countDown();
                    await(allRunning);
                    return Thread.currentThread();
                }));
            }
            Set<String> names = new HashSet<>();
            for (CompletableFuture<Thread> f : threads) {
                Thread t = f.get(BOUND_SECONDS, TimeUnit.SECONDS);
                assertThat(t.isVirtual()).isTrue();
                names.add(t.getName());
            }
            assertThat(names).containsExactlyInAnyOrder("render-worker-1", "render-worker-2", "render-worker-3");
            assertThat(pool.kind()).isEqualTo(Kind.WORKER_POOL);
        }
    }

    // ---------------------------------------------------------------- running tasks

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void everySubmittedTaskRunsExactlyOnce(Threads.Flavor flavor) throws Exception {
        int submitters = 8;
        int perSubmitter = 2_500;
        int total = submitters * perSubmitter;
        RecordingListener listener = new RecordingListener();
        AtomicIntegerArray runs = new AtomicIntegerArray(total);
        ConcurrentLinkedQueue<CompletableFuture<Integer>> submitted = new ConcurrentLinkedQueue<>();
        try (WorkerPool pool = pool(flavor, 4, 16, listener)) {
            Threads.runConcurrently(flavor, submitters, index -> {
                for (int i = 0; i < perSubmitter; i++) {
                    int id = index * perSubmitter + i;
                    java.util.concurrent.Callable<Integer> task = () -> {
                        runs.incrementAndGet(id);
                        return id;
                    };
                    CompletableFuture<Integer> future = switch (i % 3) {
                        case 0 -> pool.submit(task);
                        case 1 -> pool.submit(task, Threads.BOUND);
                        default -> pool.submitAsync(task, Threads.BOUND).get(BOUND_SECONDS, TimeUnit.SECONDS);
                    };
                    submitted.add(future);
                }
            });
            pool.join(Threads.BOUND);
            assertThat(submitted).hasSize(total).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
            assertThat(pool.snapshot()).extracting(Snapshot::waiting, Snapshot::active, Snapshot::capacity)
                    .containsExactly(0, 0, 4);
        }
        for (int id = 0; id < total; id++) {
            assertThat(runs.get(id)).as("runs of task %d", id).isEqualTo(1);
        }
        Set<Integer> results = new HashSet<>();
        for (CompletableFuture<Integer> f : submitted) {
            results.add(f.join());
        }
        assertThat(results).hasSize(total);
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(total);
        assertThat(listener.releases()).isEqualTo(total);
        assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void failingTasksFailTheirFuturesAndEveryWorkerGoesOn(Threads.Flavor flavor) throws Exception {
        int workers = 4;
        try (WorkerPool pool = pool(flavor, workers, 32, PrimitiveListener.NONE)) {
            List<CompletableFuture<Object>> failures = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                int n = i;
                failures.add(pool.submit(() -> {
                    if (n % 2 == 0) {
                        throw new IllegalStateException("boom " + n);
                    }
                    throw new AssertionError("error " + n);
                }));
            }
            pool.join(Threads.BOUND);
            for (int i = 0; i < failures.size(); i++) {
                assertThat(failures.get(i)).isCompletedExceptionally();
                Class<? extends Throwable> expected = i % 2 == 0 ? IllegalStateException.class : AssertionError.class;
                assertThatThrownBy(failures.get(i)::join).hasCauseInstanceOf(expected);
            }
            // Only all N workers together can pass this latch: proves none of them died.
            CountDownLatch allWorkers = new CountDownLatch(workers);
            CountDownLatch release = new CountDownLatch(1);
            List<CompletableFuture<Boolean>> together = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                together.add(pool.submit(() -> {
                    allWorkers.countDown();
                    return await(release);
                }));
            }
            assertThat(allWorkers.await(BOUND_SECONDS, TimeUnit.SECONDS)).as("all %d workers alive", workers).isTrue();
            Snapshot busy = pool.snapshot();
            assertThat(busy.active()).isEqualTo(workers);
            assertThat(busy.holders()).hasSize(workers);
            release.countDown();
            for (CompletableFuture<Boolean> f : together) {
                assertThat(f.get(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void concurrencyNeverExceedsTheWorkersAndReachesThem(Threads.Flavor flavor) throws Exception {
        int workers = 4;
        AtomicInteger current = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        CountDownLatch firstWave = new CountDownLatch(workers);
        try (WorkerPool pool = pool(flavor, workers, 8, PrimitiveListener.NONE)) {
            for (int i = 0; i < 1_000; i++) {
                int n = i;
                pool.submit(() -> {
                    max.accumulateAndGet(current.incrementAndGet(), Math::max);
                    if (n < workers) {
                        firstWave.countDown();
                        await(firstWave);
                    } else if (n % 50 == 0) {
                        Thread.sleep(1);
                    } else {
                        Thread.yield();
                    }
                    current.decrementAndGet();
                    return null;
                });
            }
            pool.join(Threads.BOUND);
        }
        assertThat(max.get()).isEqualTo(workers);
        assertThat(current.get()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void joinReturnsOnlyAfterEveryTaskHasFinished(Threads.Flavor flavor) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (WorkerPool pool = pool(flavor, 2, 16, PrimitiveListener.NONE)) {
            List<CompletableFuture<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                futures.add(pool.submit(() -> await(gate)));
            }
            assertThatThrownBy(() -> pool.join(Duration.ofMillis(20))).isInstanceOf(GuardTimeoutException.class)
                    .hasMessageContaining("worker_pool 'pool'");
            CountDownLatch joined = new CountDownLatch(1);
            List<Boolean> allDoneWhenJoined = new ArrayList<>();
            Thread joiner = Threads.start(flavor, () -> {
                try {
                    pool.join();
                    allDoneWhenJoined.add(futures.stream().allMatch(CompletableFuture::isDone));
                    joined.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Threads.awaitTrue("joiner parked", () -> joiner.getState() == Thread.State.WAITING);
            assertThat(joined.getCount()).isEqualTo(1);
            gate.countDown();
            assertThat(joined.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            Threads.joinAll(List.of(joiner));
            assertThat(allDoneWhenJoined).containsExactly(true);
        }
    }

    // ---------------------------------------------------------------- backpressure

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void fullQueueMakesSubmittersWaitAndTrySubmitReturnNull(Threads.Flavor flavor) throws Exception {
        RecordingListener listener = new RecordingListener();
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        try (WorkerPool pool = pool(flavor, 1, 2, listener)) {
            CountDownLatch started = new CountDownLatch(1);
            pool.submit(() -> {
                started.countDown();
                return await(gate);
            });
            await(started);
            pool.submit(ran::incrementAndGet);
            pool.submit(ran::incrementAndGet);
            assertThat(pool.queued()).isEqualTo(2);

            assertThat(pool.trySubmit(ran::incrementAndGet)).isNull();
            assertThatThrownBy(() -> pool.submit(ran::incrementAndGet, Duration.ofMillis(20)))
                    .isInstanceOf(GuardTimeoutException.class);
            assertThatThrownBy(() -> pool.submit(ran::incrementAndGet, Duration.ZERO))
                    .isInstanceOf(GuardTimeoutException.class);
            CompletableFuture<CompletableFuture<Integer>> asyncPending = pool.submitAsync(ran::incrementAndGet, Durations.FOREVER);
            CompletableFuture<CompletableFuture<Integer>> asyncWithdrawn = pool.submitAsync(ran::incrementAndGet, Durations.FOREVER);
            CompletableFuture<CompletableFuture<Integer>> asyncTimedOut = pool.submitAsync(ran::incrementAndGet, Duration.ofMillis(20));
            CountDownLatch blockingReturned = new CountDownLatch(1);
            Thread submitter = Threads.start(flavor, () -> {
                try {
                    pool.submit(ran::incrementAndGet);
                    blockingReturned.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Threads.awaitTrue("submitter parked", () -> submitter.getState() == Thread.State.WAITING);
            assertThatThrownBy(() -> asyncTimedOut.get(BOUND_SECONDS, TimeUnit.SECONDS)).hasCauseInstanceOf(GuardTimeoutException.class);
            assertThat(asyncWithdrawn.cancel(true)).isTrue();
            assertThat(asyncPending).isNotDone();
            assertThat(blockingReturned.getCount()).isEqualTo(1);
            assertThat(ran.get()).isZero();

            gate.countDown();
            assertThat(blockingReturned.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
            asyncPending.get(BOUND_SECONDS, TimeUnit.SECONDS).get(BOUND_SECONDS, TimeUnit.SECONDS);
            Threads.joinAll(List.of(submitter));
            pool.join(Threads.BOUND);
            assertThat(ran.get()).as("2 queued + async + blocking; never the rejected, timed-out or withdrawn").isEqualTo(4);
        }
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(2);
        assertThat(listener.count(Outcome.TIMEOUT)).isEqualTo(2);
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(listener.arrivals()).isEqualTo(listener.waitsEnded());
    }

    // ---------------------------------------------------------------- cancellation

    /** The caller withdraws submitAsync's future (cancel or completeExceptionally) before acceptance, but cannot complete it. */
    @Test
    void submitAsyncFutureCanBeWithdrawnButNotCompleted() throws Exception {
        RecordingListener listener = new RecordingListener();
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        try (WorkerPool pool = WorkerPool.create("pool", 1, 1, listener)) {
            CountDownLatch started = new CountDownLatch(1);
            pool.submit(() -> {
                started.countDown();
                return await(gate);
            });
            await(started);
            pool.submit(ran::incrementAndGet); // the queue is full from here on

            CompletableFuture<CompletableFuture<Integer>> failed = pool.submitAsync(ran::incrementAndGet, Durations.FOREVER);
            assertThatThrownBy(() -> failed.complete(CompletableFuture.completedFuture(7)))
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("when the task is accepted").hasMessageContaining("cancel() it");
            assertThat(failed).isNotDone();
            IllegalStateException mine = new IllegalStateException("the caller gave up");
            assertThat(failed.completeExceptionally(mine)).isTrue();
            assertThat(failed).isCompletedExceptionally().isNotCancelled();
            assertThatThrownBy(failed::join).hasCause(mine);
            assertThat(failed.cancel(false)).as("already failed").isFalse();

            CompletableFuture<CompletableFuture<Integer>> cancelled = pool.submitAsync(ran::incrementAndGet, Durations.FOREVER);
            assertThat(cancelled.cancel(false)).isTrue();
            assertThat(cancelled.cancel(false)).as("cancelled before").isTrue();
            assertThat(cancelled.completeExceptionally(mine)).isFalse();

            CompletableFuture<CompletableFuture<Integer>> accepted = pool.submitAsync(ran::incrementAndGet, Durations.FOREVER);
            gate.countDown();
            CompletableFuture<Integer> task = accepted.get(BOUND_SECONDS, TimeUnit.SECONDS);
            assertThat(accepted.cancel(false)).as("accepted first: the task's future follows").isFalse();
            assertThat(accepted.completeExceptionally(mine)).isFalse();
            assertThat(task.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(2);
            pool.join(Threads.BOUND);
            assertThat(ran.get()).as("the queued task and the accepted one; never the withdrawn").isEqualTo(2);
        }
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(2);
    }

    @Test
    void cancellingATaskFutureBeforeItStartsKeepsItFromRunning() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        try (WorkerPool pool = WorkerPool.create("pool", 1, 4)) {
            CountDownLatch started = new CountDownLatch(1);
            pool.submit(() -> {
                started.countDown();
                return await(gate);
            });
            await(started);
            CompletableFuture<Integer> cancelled = pool.submit(ran::incrementAndGet);
            CompletableFuture<Integer> kept = pool.submit(ran::incrementAndGet);
            assertThat(cancelled.cancel(false)).isTrue();
            gate.countDown();
            assertThat(kept.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
            pool.join(Threads.BOUND);
            assertThat(ran.get()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void interruptOfACancelledTaskNeverLeaksIntoTheWorkersNextTask(Threads.Flavor flavor) throws Exception {
        AtomicInteger leaked = new AtomicInteger();
        AtomicInteger interruptedTasks = new AtomicInteger();
        try (WorkerPool pool = pool(flavor, 1, 4, PrimitiveListener.NONE)) {
            for (int i = 0; i < 1_500; i++) {
                AtomicInteger started = new AtomicInteger();
                // i % 3: 0 cancels at once (usually before it starts), 1 while it runs, 2 as it finishes.
                long runNanos = i % 3 == 1 ? 1_000_000L : 2_000 + (i % 7) * 3_000L;
                CompletableFuture<Object> victim = pool.submit(() -> {
                    started.set(1);
                    long end = System.nanoTime() + runNanos;
                    while (System.nanoTime() < end) {
                        if (Thread.currentThread().isInterrupted()) {
                            interruptedTasks.incrementAndGet();
                            break;
                        }
                        Thread.onSpinWait();
                    }
                    return null;
                });
                if (i % 3 != 0) {
                    long bound = System.nanoTime() + Threads.BOUND.toNanos();
                    while (started.get() == 0 && !victim.isDone() && System.nanoTime() < bound) {
                        Thread.onSpinWait();
                    }
                    long until = System.nanoTime() + (i % 3 == 2 ? runNanos : 0L);
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                }
                victim.cancel(true);
                pool.submit(() -> {
                    if (Thread.currentThread().isInterrupted()) {
                        leaked.incrementAndGet();
                    }
                    return null;
                });
            }
            pool.join(Threads.BOUND);
        }
        assertThat(leaked.get()).as("tasks that started with a stale interrupt").isZero();
        assertThat(interruptedTasks.get()).as("the race must sometimes interrupt a running task").isPositive();
    }

    // ---------------------------------------------------------------- shutdown

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void drainRunsEveryQueuedTaskThenTerminates(Threads.Flavor flavor) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        WorkerPool pool = pool(flavor, 2, 50, PrimitiveListener.NONE);
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 52; i++) {
            futures.add(pool.submit(() -> {
                await(gate);
                return ran.incrementAndGet();
            }));
        }
        pool.shutdown(ShutdownMode.DRAIN);
        assertThat(pool.isShutdown()).isTrue();
        assertThat(pool.awaitTermination(Duration.ofMillis(20))).isFalse();
        assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("worker_pool 'pool' is shut down");
        gate.countDown();
        assertThat(pool.awaitTermination(Threads.BOUND)).isTrue();
        assertThat(pool.isTerminated()).isTrue();
        assertThat(ran.get()).isEqualTo(52);
        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        pool.join(Duration.ZERO);
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void cancelCancelsQueuedTasksAndInterruptsRunningOnes(Threads.Flavor flavor) throws Exception {
        CountDownLatch running = new CountDownLatch(2);
        AtomicInteger interrupted = new AtomicInteger();
        AtomicInteger queuedRan = new AtomicInteger();
        WorkerPool pool = pool(flavor, 2, 20, PrimitiveListener.NONE);
        List<CompletableFuture<Object>> runningFutures = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runningFutures.add(pool.submit(() -> {
                running.countDown();
                try {
                    new CountDownLatch(1).await(BOUND_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                }
                return null;
            }));
        }
        await(running);
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            queued.add(pool.submit(queuedRan::incrementAndGet));
        }
        pool.shutdown(ShutdownMode.CANCEL);
        assertThat(queued).as("queued futures are cancelled when shutdown returns").allMatch(CompletableFuture::isCancelled);
        assertThat(runningFutures).allMatch(CompletableFuture::isCancelled);
        assertThat(pool.awaitTermination(Threads.BOUND)).isTrue();
        assertThat(interrupted.get()).isEqualTo(2);
        assertThat(queuedRan.get()).isZero();
        assertThatThrownBy(() -> pool.trySubmit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
        assertThat(pool.submitAsync(() -> 1, Durations.FOREVER)).isCompletedExceptionally();
        pool.join(Duration.ZERO);
        assertThat(pool.snapshot()).extracting(Snapshot::waiting, Snapshot::active).containsExactly(0, 0);
    }

    @Test
    void closeDrainsAndWaitsForTermination() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        WorkerPool pool = WorkerPool.create("pool", 2, 100);
        for (int i = 0; i < 100; i++) {
            pool.submit(() -> {
                Thread.sleep(0, 1000);
                return ran.incrementAndGet();
            });
        }
        pool.close();
        assertThat(pool.isTerminated()).isTrue();
        assertThat(ran.get()).isEqualTo(100);
    }

    @ParameterizedTest
    @EnumSource(ShutdownMode.class)
    void submissionsRacingShutdownAreEitherRejectedOrFinished(ShutdownMode mode) throws Exception {
        for (int round = 0; round < 100; round++) {
            WorkerPool pool = WorkerPool.create("pool", 2, 2);
            ConcurrentLinkedQueue<CompletableFuture<Integer>> accepted = new ConcurrentLinkedQueue<>();
            AtomicInteger rejected = new AtomicInteger();
            CountDownLatch someSubmitted = new CountDownLatch(4);
            List<Thread> submitters = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                int form = s;
                submitters.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; ; i++) {
                            if (i == 2) {
                                someSubmitted.countDown();
                            }
                            CompletableFuture<Integer> f = switch (form % 3) {
                                case 0 -> pool.submit(() -> 1);
                                case 1 -> pool.submitAsync(() -> 1, Durations.FOREVER).join();
                                default -> pool.trySubmit(() -> 1);
                            };
                            if (f != null) {
                                accepted.add(f);
                            } else {
                                Thread.yield();
                            }
                        }
                    } catch (RejectedExecutionException | java.util.concurrent.CompletionException e) {
                        rejected.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            await(someSubmitted);
            pool.shutdown(mode);
            Threads.joinAll(submitters);
            assertThat(pool.awaitTermination(Threads.BOUND)).as("round %d terminates", round).isTrue();
            assertThat(rejected.get()).isEqualTo(4);
            for (CompletableFuture<Integer> f : accepted) {
                assertThat(f).as("an accepted task is never left pending").isDone();
                if (mode == ShutdownMode.DRAIN) {
                    assertThat(f.join()).isEqualTo(1);
                }
            }
        }
    }
}

package dev.signalbox.core;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * A fixed set of workers draining a bounded queue of tasks: asyncio's worker-pool pattern
 * ({@code N} tasks looping on {@code await queue.get()}, producers awaiting {@code queue.put()},
 * {@code queue.join()} to wait for the work) as one object.
 *
 * <p><b>Ordering and backpressure:</b> tasks start in the order they were accepted (FIFO). When the
 * queue is full, {@link #submit(Callable)} waits for room (submitters are admitted in arrival order),
 * {@link #trySubmit} returns {@code null} and {@link #submitAsync} waits without parking a thread.
 * At most {@link #workers()} tasks run at once.
 *
 * <p><b>Timeouts and cancellation:</b> a submission that times out, is interrupted or whose
 * {@code submitAsync} future is cancelled before acceptance leaves nothing queued: the task never
 * runs. Cancelling a task's future before it starts keeps it from running; {@code cancel(true)} on
 * a running task interrupts its worker (and that interrupt never leaks into the worker's next task).
 * A task that throws completes its future exceptionally; its worker goes on with the next task.
 *
 * <p><b>Memory:</b> actions before a submission happen-before the task runs; actions of the task
 * happen-before the completion of its future is observed, and before the return of a
 * {@link #join()} that covers it.
 *
 * <p><b>Shutdown:</b> {@link #shutdown(ShutdownMode)} stops accepting: later submissions throw
 * {@link RejectedExecutionException} (or {@code submitAsync} fails with it). {@link ShutdownMode#DRAIN}
 * lets the workers finish every accepted task; {@link ShutdownMode#CANCEL} cancels the queued tasks'
 * futures and interrupts the running ones. Submissions already waiting for room when the pool shuts
 * down still complete: under DRAIN their tasks run, under CANCEL their futures are cancelled. Once
 * the last accepted task is done the workers exit and {@link #awaitTermination} returns true.
 *
 * <p>Task futures complete on the worker thread, so callbacks attached with {@code thenApply} and
 * the like run there unless given their own executor. A task that submits to its own full pool, or
 * joins it, can wait for itself forever.
 *
 * <p>Metrics: each submission is an arrival whose wait (for room in the queue) ends
 * {@code acquired}, {@code timeout}, {@code rejected} (full for a zero timeout or
 * {@code trySubmit}, or shut down), {@code interrupted} or {@code cancelled}; each task that runs
 * is a hold, from its start to its end. {@link #snapshot()}: {@code waiting} = tasks queued,
 * {@code active} = tasks running, {@code capacity} = workers, {@code holders} = the running tasks,
 * each named by its worker thread, with the time it started.
 */
public interface WorkerPool extends Primitive, AutoCloseable {

    /** What {@link #shutdown(ShutdownMode)} does with accepted work. */
    enum ShutdownMode {
        /** Run every accepted task, then stop. */
        DRAIN,
        /** Cancel the queued tasks' futures, interrupt the running tasks, then stop. */
        CANCEL
    }

    /** An uninstrumented pool of {@code workers} virtual threads named {@code name-worker-N}. */
    static WorkerPool create(String name, int workers, int queueCapacity) {
        return LocalWorkerPool.start(name, workers, queueCapacity, null, PrimitiveListener.NONE);
    }

    /** A pool of {@code workers} virtual threads named {@code name-worker-N}, reporting to {@code listener}. */
    static WorkerPool create(String name, int workers, int queueCapacity, PrimitiveListener listener) {
        return LocalWorkerPool.start(name, workers, queueCapacity, null, listener);
    }

    /** A pool whose {@code workers} threads come from {@code threadFactory}, reporting to {@code listener}. */
    static WorkerPool create(String name, int workers, int queueCapacity, ThreadFactory threadFactory,
            PrimitiveListener listener) {
        if (threadFactory == null) {
            throw new NullPointerException("worker_pool '" + name + "': threadFactory must not be null; "
                    + "use the factory method without one for virtual threads");
        }
        return LocalWorkerPool.start(name, workers, queueCapacity, threadFactory, listener);
    }

    @Override
    default Kind kind() {
        return Kind.WORKER_POOL;
    }

    /**
     * Queues {@code task}, waiting as long as it takes for room.
     *
     * @return the task's future: its result, its failure, or cancelled
     * @throws RejectedExecutionException when the pool is shut down
     * @throws InterruptedException when interrupted while waiting for room (the task was not queued)
     */
    default <T> CompletableFuture<T> submit(Callable<T> task) throws InterruptedException {
        return submit(task, Durations.FOREVER);
    }

    /**
     * Queues {@code task}, waiting at most {@code timeout} for room.
     *
     * @throws GuardTimeoutException when no room came in time (the task was not queued)
     * @throws RejectedExecutionException when the pool is shut down
     * @throws InterruptedException when interrupted while waiting for room (the task was not queued)
     */
    <T> CompletableFuture<T> submit(Callable<T> task, Duration timeout) throws InterruptedException;

    /**
     * Queues {@code task} if there is room now; never waits.
     *
     * @return the task's future, or {@code null} when the queue is full
     * @throws RejectedExecutionException when the pool is shut down
     */
    <T> CompletableFuture<T> trySubmit(Callable<T> task);

    /**
     * Queues {@code task} without parking a thread. The outer future completes with the task's
     * future once the task is accepted into the queue; it fails with {@link GuardTimeoutException}
     * when no room came within {@code timeout}, or with {@link RejectedExecutionException} when the
     * pool is shut down. Cancelling it before acceptance withdraws the task; once accepted,
     * {@code cancel} returns false and the task's future is delivered.
     */
    <T> CompletableFuture<CompletableFuture<T>> submitAsync(Callable<T> task, Duration timeout);

    /** Waits, as long as it takes, until every accepted task has finished (ran, failed or was cancelled). */
    default void join() throws InterruptedException {
        join(Durations.FOREVER);
    }

    /**
     * Waits at most {@code timeout} until every accepted task has finished.
     *
     * @throws GuardTimeoutException when tasks remain after {@code timeout}
     */
    void join(Duration timeout) throws InterruptedException;

    /** Stops accepting tasks; see {@link ShutdownMode}. Idempotent; CANCEL after DRAIN escalates. */
    void shutdown(ShutdownMode mode);

    /** Waits at most {@code timeout} for the workers to exit after a shutdown; true when they have. */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /** True once {@link #shutdown} was called. */
    boolean isShutdown();

    /** True once shut down and every worker has exited. */
    boolean isTerminated();

    /** {@code shutdown(DRAIN)}, then waits for termination; if interrupted meanwhile, escalates to CANCEL. */
    @Override
    void close();

    /** The number of worker threads. */
    int workers();

    /** The most tasks the queue holds (not counting running ones). */
    int queueCapacity();

    /** Tasks queued now, not yet started. */
    int queued();

    /** Tasks running now. */
    int running();
}

package dev.signalbox.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.signalbox.spi.Probe;
import dev.signalbox.spi.WithdrawableFuture;

/**
 * The in-JVM {@link WorkerPool}: {@code N} worker threads looping on {@link BoundedQueue#take()}.
 *
 * <h2>Algorithm</h2>
 * Each worker takes a task, runs it (unless it was cancelled, or the pool is cancelling), and marks
 * it done with {@link BoundedQueue#taskDone()}, so {@link #join} is the queue's join.
 *
 * <p>Stopping without losing an accepted task: {@code control} packs the run state (RUNNING,
 * DRAINING, CANCELLING) with the number of submissions in flight (between their admission check
 * and the end of their put). A submission increments it by CAS only while RUNNING, so after
 * shutdown the count only falls; whoever sees it at zero with the pool shut down (the shutdown
 * itself, or the last submission to finish) knows that no task will ever be queued again, and asks
 * the queue to call back once every queued task is done. That callback sets {@code stopping} and
 * interrupts the workers, all of which are then idle in {@code take()} or on their way to it, and
 * they exit. This is asyncio's pattern ({@code await queue.join()}, then cancel the workers).
 *
 * <p>CANCEL additionally cancels every queued task's future (polling them out) and interrupts the
 * running tasks. A worker publishes the task it is about to run in {@code current} and then reads
 * the run state, while the shutdown writes the run state and then reads {@code current}; so either
 * the worker sees CANCELLING and does not start the task, or the shutdown sees the task and
 * cancels it.
 */
final class LocalWorkerPool implements WorkerPool {

    private static final int RUNNING = 0;
    private static final int DRAINING = 1;
    private static final int CANCELLING = 2;
    private static final int STATE_SHIFT = 32;
    private static final long IN_FLIGHT_MASK = (1L << STATE_SHIFT) - 1;

    private final String name;
    private final int queueCapacity;
    private final Probe probe;
    private final BoundedQueue<PoolTask<?>> queue;
    private final Worker[] workers;
    /** Run state in the high word, submissions in flight in the low word. */
    private final AtomicLong control = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger liveWorkers;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean stopping;

    private LocalWorkerPool(String name, int workerCount, int queueCapacity, PrimitiveListener listener) {
        this.name = Names.require(name);
        if (workerCount < 1) {
            throw new IllegalArgumentException(Kind.WORKER_POOL.tag() + " '" + name + "': workers must be at least 1, was "
                    + workerCount + "; pass how many tasks may run at once");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException(Kind.WORKER_POOL.tag() + " '" + name + "': queueCapacity must be at least 1, was "
                    + queueCapacity + "; pass how many tasks may wait for a worker");
        }
        this.queueCapacity = queueCapacity;
        this.probe = new Probe(this, listener);
        this.queue = new LocalBoundedQueue<>(name, queueCapacity, PrimitiveListener.NONE);
        this.workers = new Worker[workerCount];
        this.liveWorkers = new AtomicInteger(workerCount);
    }

    /** Creates the pool and starts its workers ({@code threadFactory} null: virtual threads named name-worker-N). */
    static LocalWorkerPool start(String name, int workerCount, int queueCapacity, ThreadFactory threadFactory,
            PrimitiveListener listener) {
        LocalWorkerPool pool = new LocalWorkerPool(name, workerCount, queueCapacity, listener);
        ThreadFactory factory = threadFactory != null ? threadFactory : Thread.ofVirtual().name(name + "-worker-", 1).factory();
        for (int i = 0; i < workerCount; i++) {
            Worker worker = pool.new Worker();
            Thread thread = factory.newThread(worker);
            if (thread == null) {
                throw new IllegalStateException(Kind.WORKER_POOL.tag() + " '" + name + "': the thread factory returned null for worker "
                        + (i + 1) + "; it must create a thread for every worker");
            }
            worker.thread = thread;
            pool.workers[i] = worker;
        }
        for (Worker worker : pool.workers) {
            worker.thread.start();
        }
        return pool;
    }

    @Override
    public String name() {
        return name;
    }

    // ---------------------------------------------------------------- submission

    @Override
    public <T> CompletableFuture<T> submit(Callable<T> task, Duration timeout) throws InterruptedException {
        Durations.requireTimeout(timeout);
        PoolTask<T> pooled = newTask(task);
        long arrivedAt = probe.arrive();
        beginSubmission(arrivedAt);
        try {
            queue.put(pooled, timeout);
        } catch (GuardTimeoutException full) {
            probe.waitEnded(arrivedAt, timeout.isZero() ? Outcome.REJECTED : Outcome.TIMEOUT);
            throw timedOut(timeout);
        } catch (InterruptedException e) {
            probe.waitEnded(arrivedAt, Outcome.INTERRUPTED);
            throw e;
        } finally {
            endSubmission();
        }
        probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
        return pooled.future;
    }

    @Override
    public <T> CompletableFuture<T> trySubmit(Callable<T> task) {
        PoolTask<T> pooled = newTask(task);
        long arrivedAt = probe.arrive();
        beginSubmission(arrivedAt);
        boolean accepted;
        try {
            accepted = queue.offer(pooled);
        } finally {
            endSubmission();
        }
        probe.waitEnded(arrivedAt, accepted ? Outcome.ACQUIRED : Outcome.REJECTED);
        return accepted ? pooled.future : null;
    }

    @Override
    public <T> CompletableFuture<CompletableFuture<T>> submitAsync(Callable<T> task, Duration timeout) {
        Durations.requireTimeout(timeout);
        PoolTask<T> pooled = newTask(task);
        long arrivedAt = probe.arrive();
        try {
            beginSubmission(arrivedAt);
        } catch (RejectedExecutionException shutDown) {
            return CompletableFuture.failedFuture(shutDown);
        }
        CompletableFuture<Void> put;
        try {
            put = queue.putAsync(pooled, timeout);
        } catch (RuntimeException e) {
            endSubmission();
            throw e;
        }
        Acceptance<T> accepted = new Acceptance<>(put);
        put.whenComplete((ignored, error) -> {
            endSubmission();
            if (error == null) {
                probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
                accepted.accepted(pooled.future);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof CancellationException) {
                probe.waitEnded(arrivedAt, Outcome.CANCELLED); // withdrawn: Acceptance.withdraw ends the future
            } else if (cause instanceof GuardTimeoutException) {
                probe.waitEnded(arrivedAt, timeout.isZero() ? Outcome.REJECTED : Outcome.TIMEOUT);
                accepted.failed(timedOut(timeout));
            } else {
                probe.waitEnded(arrivedAt, Outcome.CANCELLED);
                accepted.failed(cause);
            }
        });
        return accepted;
    }

    /**
     * The future {@link #submitAsync} returns: completed with the task's future once the task is
     * accepted into the queue. Withdrawing it ({@code cancel}, or {@code completeExceptionally} with
     * the caller's exception) cancels the pending put, which decides against the acceptance: when
     * the put is withdrawn the task is never queued and this future ends; when the task was
     * accepted first, nothing changes and the task's future follows.
     *
     * <p>Only {@link #withdraw} cancels the put (it is not handed out), so a put that ends cancelled
     * leaves ending this future to the withdrawal that cancelled it.
     */
    private static final class Acceptance<T> extends WithdrawableFuture<CompletableFuture<T>> {

        private final CompletableFuture<Void> put;

        Acceptance(CompletableFuture<Void> put) {
            this.put = put;
        }

        /** Withdraws the task if it is not accepted yet; false (the task's future follows) when it is. */
        @Override
        protected boolean withdraw(Throwable cause, boolean mayInterruptIfRunning) {
            // The put is cancelled now or was before (by an earlier withdrawal, which ended this future).
            return put.cancel(false) && failByOwner(cause);
        }

        @Override
        protected String completedWhen() {
            return "by the worker pool when the task is accepted into the queue";
        }

        @Override
        protected String withdrawnThing() {
            return "the submission";
        }

        private void accepted(CompletableFuture<T> taskFuture) {
            completeByOwner(taskFuture);
        }

        private void failed(Throwable cause) {
            failByOwner(cause);
        }
    }

    private <T> PoolTask<T> newTask(Callable<T> task) {
        Objects.requireNonNull(task, () -> Kind.WORKER_POOL.tag() + " '" + name + "': task must not be null");
        return new PoolTask<>(task);
    }

    /** Counts a submission in flight, or rejects it (reported) when the pool is shut down. */
    private void beginSubmission(long arrivedAt) {
        for (;;) {
            long c = control.get();
            if (runState(c) != RUNNING) {
                probe.waitEnded(arrivedAt, Outcome.REJECTED);
                throw new RejectedExecutionException(Kind.WORKER_POOL.tag() + " '" + name
                        + "' is shut down and accepts no new tasks; submit before shutdown(), or create a new pool");
            }
            if (control.compareAndSet(c, c + 1)) {
                return;
            }
        }
    }

    private void endSubmission() {
        long c = control.decrementAndGet();
        if (runState(c) != RUNNING && inFlight(c) == 0) {
            stopWhenDone();
        }
    }

    private GuardTimeoutException timedOut(Duration timeout) {
        return new GuardTimeoutException(name, Kind.WORKER_POOL, timeout);
    }

    // ---------------------------------------------------------------- join, shutdown, termination

    @Override
    public void join(Duration timeout) throws InterruptedException {
        try {
            queue.join(timeout);
        } catch (GuardTimeoutException stillBusy) {
            throw timedOut(timeout);
        }
    }

    @Override
    public void shutdown(ShutdownMode mode) {
        Objects.requireNonNull(mode, () -> Kind.WORKER_POOL.tag() + " '" + name + "': shutdown mode must not be null; pass DRAIN or CANCEL");
        int target = mode == ShutdownMode.CANCEL ? CANCELLING : DRAINING;
        long before;
        for (;;) {
            before = control.get();
            if (runState(before) >= target) {
                return;
            }
            if (control.compareAndSet(before, (before & IN_FLIGHT_MASK) | ((long) target << STATE_SHIFT))) {
                break;
            }
        }
        if (target == CANCELLING) {
            for (Worker worker : workers) {
                PoolTask<?> task = worker.current;
                if (task != null) {
                    task.future.cancel(true);
                }
            }
            PoolTask<?> queued;
            while ((queued = queue.poll()) != null) {
                queued.future.cancel(false);
                queue.taskDone();
            }
        }
        if (runState(before) == RUNNING && inFlight(before) == 0) {
            stopWhenDone();
        }
    }

    /** Called once, when shut down with no submission in flight: no task can be queued any more. */
    private void stopWhenDone() {
        queue.joinAsync(Durations.FOREVER).thenRun(() -> {
            stopping = true;
            for (Worker worker : workers) {
                worker.thread.interrupt();
            }
        });
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        try {
            if (timeoutNanos == Long.MAX_VALUE) {
                terminated.get();
            } else {
                terminated.get(timeoutNanos, TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (TimeoutException stillRunning) {
            return false;
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public boolean isShutdown() {
        return runState(control.get()) != RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return terminated.isDone();
    }

    @Override
    public void close() {
        for (Worker worker : workers) {
            if (worker.thread == Thread.currentThread()) {
                throw new IllegalStateException(Kind.WORKER_POOL.tag() + " '" + name
                        + "': close() from one of its own tasks would wait for itself; call shutdown(DRAIN) instead");
            }
        }
        shutdown(ShutdownMode.DRAIN);
        boolean interrupted = false;
        for (;;) {
            try {
                awaitTermination(Durations.FOREVER);
                break;
            } catch (InterruptedException e) {
                if (!interrupted) {
                    interrupted = true;
                    shutdown(ShutdownMode.CANCEL);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static int runState(long c) {
        return (int) (c >>> STATE_SHIFT);
    }

    private static long inFlight(long c) {
        return c & IN_FLIGHT_MASK;
    }

    // ---------------------------------------------------------------- workers

    /** One worker thread's loop, and the task it is running (for cancellation and snapshots). */
    private final class Worker implements Runnable {

        Thread thread;
        volatile PoolTask<?> current;

        @Override
        public void run() {
            try {
                while (!stopping) {
                    PoolTask<?> task;
                    try {
                        task = queue.take();
                    } catch (InterruptedException wakeUp) {
                        continue;
                    }
                    try {
                        execute(task);
                    } finally {
                        queue.taskDone();
                    }
                }
            } finally {
                if (liveWorkers.decrementAndGet() == 0) {
                    terminated.complete(null);
                }
            }
        }

        private void execute(PoolTask<?> task) {
            current = task;
            try {
                if (runState(control.get()) == CANCELLING) {
                    task.future.cancel(false);
                    return;
                }
                if (!task.start()) {
                    return;
                }
                running.incrementAndGet();
                try {
                    task.run();
                } finally {
                    running.decrementAndGet();
                    probe.released(task.startedAt);
                }
            } finally {
                current = null;
            }
        }
    }

    // ---------------------------------------------------------------- state

    @Override
    public int workers() {
        return workers.length;
    }

    @Override
    public int queueCapacity() {
        return queueCapacity;
    }

    @Override
    public int queued() {
        return queue.size();
    }

    @Override
    public int running() {
        return running.get();
    }

    @Override
    public Snapshot snapshot() {
        long now = System.nanoTime();
        Instant wallNow = Instant.now();
        List<Holder> holders = new ArrayList<>();
        for (Worker worker : workers) {
            PoolTask<?> task = worker.current;
            if (task != null && task.isRunning()) {
                Duration held = Duration.ofNanos(Math.max(0L, now - task.startedAt));
                holders.add(new Holder(threadName(worker.thread), 1, wallNow.minus(held), held));
            }
        }
        holders.sort(Comparator.comparing(Holder::since));
        return new Snapshot(name, Kind.WORKER_POOL, queue.size(), running.get(), workers.length, holders);
    }

    private static String threadName(Thread t) {
        return t.getName().isEmpty() ? (t.isVirtual() ? "virtual-" : "thread-") + t.threadId() : t.getName();
    }

    @Override
    public String toString() {
        return Kind.WORKER_POOL.tag() + " '" + name + "' (" + running.get() + "/" + workers.length + " running, "
                + queue.size() + "/" + queueCapacity + " queued" + (isShutdown() ? ", shut down" : "") + ")";
    }
}

package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;

import dev.signalbox.spi.WithdrawableFuture;

/**
 * One task of a {@link WorkerPool}: the callable, the future its submitter holds, and the state
 * that makes "cancel with interrupt" safe.
 *
 * <p>{@code state} goes NEW to RUNNING when a worker starts it, or NEW to DONE when it is cancelled
 * first (it then never runs). Cancelling with interrupt while it runs goes RUNNING to INTERRUPTING,
 * interrupts the worker, then sets DONE; the worker, when the body returns, waits out INTERRUPTING
 * and clears its interrupt status (as {@code FutureTask} does), so an interrupt meant for this task
 * can never hit the next one the worker runs.
 */
final class PoolTask<T> {

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int INTERRUPTING = 2;
    private static final int DONE = 3;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PoolTask.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Callable<T> callable;
    final TaskFuture<T> future = new TaskFuture<>(this);
    private volatile int state;
    private volatile Thread runner;
    /** {@link System#nanoTime()} when a worker started it; meaningful while running. */
    volatile long startedAt;

    PoolTask(Callable<T> callable) {
        this.callable = callable;
    }

    /** Claims the task for the current (worker) thread; false when it was cancelled before it started. */
    boolean start() {
        if (future.isDone()) {
            return false;
        }
        runner = Thread.currentThread();
        startedAt = System.nanoTime();
        if (STATE.compareAndSet(this, NEW, RUNNING)) {
            return true;
        }
        runner = null;
        return false;
    }

    /** Runs the body after a successful {@link #start()}; completes the future with its result or failure. */
    void run() {
        try {
            T result;
            try {
                result = callable.call();
            } catch (Throwable failure) {
                future.ended(null, failure);
                return;
            }
            future.ended(result, null);
        } finally {
            finish();
        }
    }

    boolean isRunning() {
        return state == RUNNING;
    }

    private void finish() {
        if (!STATE.compareAndSet(this, RUNNING, DONE)) {
            // The canceller is between its CAS and its interrupt: wait it out. yield(), not a busy
            // spin, so that a virtual canceller sharing this carrier gets to run.
            while (state == INTERRUPTING) {
                Thread.yield();
            }
        }
        runner = null;
        // An interrupt aimed at this task must not leak into the worker's next task or wait.
        Thread.interrupted();
    }

    /** Makes sure the body never starts and, if {@code interrupt} and it is running, interrupts it. */
    private void stop(boolean interrupt) {
        if (STATE.compareAndSet(this, NEW, DONE) || !interrupt) {
            return;
        }
        if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
            try {
                Thread thread = runner;
                if (thread != null) {
                    thread.interrupt();
                }
            } finally {
                state = DONE;
            }
        }
    }

    /**
     * The future handed to the submitter; only the task's end completes it. {@code cancel(false)}
     * (or {@code completeExceptionally}) keeps a queued task from ever running; {@code cancel(true)}
     * also interrupts it if it is running. A task whose future is already done when a worker
     * reaches it is skipped.
     */
    static final class TaskFuture<T> extends WithdrawableFuture<T> {

        private final PoolTask<T> task;

        TaskFuture(PoolTask<T> task) {
            this.task = task;
        }

        @Override
        protected boolean withdraw(Throwable cause, boolean mayInterruptIfRunning) {
            boolean ended = failByOwner(cause);
            if (ended || isCancelled()) {
                task.stop(cause == null && mayInterruptIfRunning);
            }
            return ended;
        }

        @Override
        protected String completedWhen() {
            return "by the worker pool when the task ends";
        }

        @Override
        protected String withdrawnThing() {
            return "the task";
        }

        /** The task's end: its result, or (when {@code failure} is not null) its failure. */
        void ended(T result, Throwable failure) {
            if (failure == null) {
                completeByOwner(result);
            } else {
                failByOwner(failure);
            }
        }
    }
}

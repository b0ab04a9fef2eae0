package dev.signalbox.spi;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * A future that stands for something its owner is doing for the caller (a queued wait, a chain of
 * acquisitions, a submitted task) and that the caller can only <em>withdraw</em>, never complete.
 *
 * <p>An SPI for Signalbox's own modules (core's primitives, and later the Redis module), not for
 * applications: applications only see {@link CompletableFuture}s.
 *
 * <ul>
 * <li>{@link #cancel(boolean)} and {@link #completeExceptionally(Throwable)} call the subclass's
 *     {@link #withdraw} hook, which decides, exactly once against the owner's own completion,
 *     whether the withdrawal wins. If it does, the hook ends this future (cancelled, or failed with
 *     the caller's exception) through {@link #failByOwner}, and what was pending is given up; if
 *     the owner's completion won, nothing changes and the caller keeps the result.</li>
 * <li>{@link #complete(Object)} is not supported: only the owner completes this future normally,
 *     through {@link #completeByOwner}.</li>
 * <li>Dependent futures ({@code thenApply}, ...) are plain {@link CompletableFuture}s: cancelling
 *     one of them does not withdraw this one.</li>
 * </ul>
 * <b>Memory:</b> as for any {@link CompletableFuture}, actions of the owner before it completes
 * this future happen-before the actions of a caller that sees it completed.
 *
 * @param <T> the result type
 */
public abstract class WithdrawableFuture<T> extends CompletableFuture<T> {

    /** For subclasses. */
    protected WithdrawableFuture() {
    }

    /**
     * Withdraws what this future stands for, unless the owner's completion has already won: then
     * ends this future through {@link #failByOwner failByOwner(cause)}.
     *
     * @param cause the caller's exception, or null for a cancellation
     * @param mayInterruptIfRunning the argument of {@link #cancel(boolean)}; false for {@code completeExceptionally}
     * @return true when this call ended the future
     */
    protected abstract boolean withdraw(Throwable cause, boolean mayInterruptIfRunning);

    /** How this future completes normally, for the message of {@link #complete}: e.g. "when every key is acquired". */
    protected abstract String completedWhen();

    /** What {@link #cancel(boolean)} withdraws, for the message of {@link #complete}: e.g. "the wait". */
    protected abstract String withdrawnThing();

    /**
     * Withdraws what this future stands for; see {@link #withdraw}.
     *
     * @return true when this future is cancelled now (by this call or an earlier one); false when
     *         the owner completed it first
     */
    @Override
    public final boolean cancel(boolean mayInterruptIfRunning) {
        return withdraw(null, mayInterruptIfRunning) || isCancelled();
    }

    /**
     * Withdraws what this future stands for and fails it with {@code ex}; see {@link #withdraw}.
     *
     * @return true when this call failed the future; false when it was already done
     */
    @Override
    public final boolean completeExceptionally(Throwable ex) {
        return withdraw(Objects.requireNonNull(ex, "ex"), false);
    }

    /**
     * Not supported: the owner completes this future. To withdraw it, {@link #cancel(boolean)} it.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public final boolean complete(T value) {
        throw new UnsupportedOperationException(
                "this future is completed " + completedWhen() + "; cancel() it to withdraw " + withdrawnThing());
    }

    /** Dependent stages are plain futures, which anyone may complete. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    /** The owner's normal completion; false when a withdrawal (or an earlier completion) came first. */
    protected final boolean completeByOwner(T value) {
        return super.complete(value);
    }

    /**
     * Ends this future without a result: cancelled when {@code cause} is null, else failed with it.
     * False when it was already done.
     */
    protected final boolean failByOwner(Throwable cause) {
        // What super.cancel() stores, but answering whether this call ended the future.
        return super.completeExceptionally(cause == null ? new CancellationException() : cause);
    }
}

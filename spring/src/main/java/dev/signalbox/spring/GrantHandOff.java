package dev.signalbox.spring;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import dev.signalbox.core.Permit;

/**
 * Moves a guarded async method's body off the thread that delivered its grant. A grant is
 * delivered by whoever released the guard, or by Signalbox's single timer thread (rate limits);
 * running a method body there would hold up that releaser, or every timeout in the JVM. A grant
 * that is already there when the call arrives runs on the caller's thread as before.
 */
final class GrantHandOff {

    private static final Executor VIRTUAL_THREADS = task -> Thread.ofVirtual().name("signalbox-async").start(task);

    private GrantHandOff() {
    }

    /**
     * {@code source}, or a future completed with its result on a fresh virtual thread. Cancelling the
     * result withdraws the wait; a grant that arrives after the result was cancelled is released.
     */
    static CompletableFuture<Permit> offTheGrantingThread(CompletableFuture<Permit> source) {
        if (source.isDone()) {
            return source;
        }
        CompletableFuture<Permit> result = Futures.cancelling(source);
        source.whenCompleteAsync((permit, error) -> {
            if (error != null) {
                result.completeExceptionally(Futures.unwrap(error));
            } else if (!result.complete(permit)) {
                permit.close();
            }
        }, VIRTUAL_THREADS);
        return result;
    }
}

package dev.signalbox.spring;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Small helpers for CompletableFuture plumbing. */
final class Futures {

    private Futures() {
    }

    /**
     * A new, incomplete future whose cancellation also cancels {@code source}: cancelling a derived
     * CompletableFuture does not reach the one it came from, and a guarded call's cancellation must
     * withdraw the wait it is in.
     */
    static <T> CompletableFuture<T> cancelling(CompletableFuture<?> source) {
        return new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                source.cancel(mayInterruptIfRunning);
                return super.cancel(mayInterruptIfRunning);
            }
        };
    }

    /** The real failure inside the wrappers CompletableFuture adds. */
    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}

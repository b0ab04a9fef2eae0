package dev.signalbox.autoconfigure;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Small helpers for CompletableFuture plumbing. */
final class Futures {

    private Futures() {
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

package dev.signalbox.spring;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code source.thenApply(mapping)} whose cancellation reaches {@code source}: cancelling a derived
 * CompletableFuture does not cancel the one it came from, and a guarded call's cancellation must
 * withdraw the wait it is in.
 */
final class CancellableStage {

    private CancellableStage() {
    }

    static <T, U> CompletableFuture<U> of(CompletableFuture<T> source, Function<? super T, ? extends U> mapping) {
        CompletableFuture<U> result = Futures.cancelling(source);
        source.whenComplete((value, error) -> {
            if (error != null) {
                result.completeExceptionally(Futures.unwrap(error));
            } else {
                try {
                    result.complete(mapping.apply(value));
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            }
        });
        return result;
    }
}

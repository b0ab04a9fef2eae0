package dev.signalbox.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.core.Permit;

/**
 * Several gates of one method (say {@code @RateLimited} and {@code @Guarded}), entered in order
 * and left in reverse; when one fails, the ones already entered are left at once. Its gates are
 * never composites themselves.
 */
final class CompositeGate implements CallGate {

    private final List<CallGate> gates;

    private CompositeGate(List<CallGate> gates) {
        this.gates = List.copyOf(gates);
    }

    /** The one gate, or a composite of two or more in their order. */
    static CallGate of(List<CallGate> gates) {
        if (gates.stream().anyMatch(CompositeGate.class::isInstance)) {
            throw new IllegalArgumentException("a composite gate of composite gates: " + gates);
        }
        return gates.size() == 1 ? gates.get(0) : new CompositeGate(gates);
    }

    @Override
    public Permit enter(Object[] args) throws InterruptedException {
        List<Permit> entered = new ArrayList<>(gates.size());
        try {
            for (CallGate gate : gates) {
                entered.add(CallGate.enter(gate, args));
            }
        } catch (Throwable t) {
            closeInReverse(entered);
            throw t;
        }
        return permitOf(entered);
    }

    @Override
    public CompletableFuture<Permit> enterAsync(Object[] args) {
        return enterFrom(0, args, new ArrayList<>(gates.size()));
    }

    private CompletableFuture<Permit> enterFrom(int index, Object[] args, List<Permit> entered) {
        if (index == gates.size()) {
            return CompletableFuture.completedFuture(permitOf(entered));
        }
        CompletableFuture<Permit> next = CallGate.enterAsync(gates.get(index), args);
        CompletableFuture<Permit> result = Futures.cancelling(next);
        next.whenComplete((permit, error) -> {
            if (error != null) {
                closeInReverse(entered);
                result.completeExceptionally(Futures.unwrap(error));
                return;
            }
            entered.add(permit);
            if (result.isCancelled()) {
                closeInReverse(entered);
                return;
            }
            enterFrom(index + 1, args, entered).whenComplete((all, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(Futures.unwrap(failure));
                } else if (!result.complete(all)) {
                    all.close();
                }
            });
        });
        return result;
    }

    private static Permit permitOf(List<Permit> entered) {
        List<Permit> held = List.copyOf(entered);
        return new Permit() {
            private volatile boolean closed;

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    closeInReverse(held);
                }
            }

            @Override
            public boolean isHeld() {
                return !closed;
            }

            /** The guard's token: only a {@code @Guarded} gate (the last one) can have one. */
            @Override
            public OptionalLong fencingToken() {
                for (int i = held.size() - 1; i >= 0; i--) {
                    OptionalLong token = held.get(i).fencingToken();
                    if (token.isPresent()) {
                        return token;
                    }
                }
                return OptionalLong.empty();
            }
        };
    }

    private static void closeInReverse(List<Permit> permits) {
        for (int i = permits.size() - 1; i >= 0; i--) {
            permits.get(i).close();
        }
    }
}

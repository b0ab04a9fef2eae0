package dev.signalbox.spring;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

import dev.signalbox.core.GuardContext;
import dev.signalbox.core.Permit;
import dev.signalbox.core.SignalboxException;
import dev.signalbox.spi.FencingScope;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.reactivestreams.Publisher;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.core.ReactiveAdapter;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs one annotated method behind its {@link CallGate}. Everything about the method was resolved
 * into its {@link MethodSpec} at startup and its gate built from it; a call reads fields, waits and runs.
 *
 * <ul>
 * <li>plain return type: waits on the calling thread, holds for the duration of the call;</li>
 * <li>{@code CompletionStage}/{@code CompletableFuture}: waits without parking a thread, runs the
 *     method once granted (on the caller's thread when granted at once, else on a virtual thread,
 *     never on the thread that delivered the grant), and holds until the returned stage completes;
 *     cancelling the returned future withdraws the wait, or cancels the method's own future once running;</li>
 * <li>a deferred reactive type that Spring's {@code ReactiveAdapterRegistry} adapts ({@code Mono},
 *     {@code Flux}, ...): see {@link ReactorDelegate}.</li>
 * </ul>
 * For a cluster {@code EXCLUSIVE} or {@code WRITE} guard ({@link MethodSpec#fenced()}), the method body
 * runs with the hold's fencing token in {@link GuardContext}; other guards leave the context alone.
 */
final class GuardInterceptor implements MethodInterceptor {

    private final MethodSpec spec;
    private final CallGate gate;

    GuardInterceptor(MethodSpec spec, CallGate gate) {
        this.spec = spec;
        this.gate = gate;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        return switch (spec.returnStyle()) {
            case BLOCKING -> invokeBlocking(invocation);
            case FUTURE -> invokeFuture(invocation);
            case REACTIVE -> ReactorDelegate.invoke(gate, invocation, spec.fenced(), spec.reactiveAdapter());
        };
    }

    private Object invokeBlocking(MethodInvocation invocation) throws Throwable {
        Permit permit;
        try {
            permit = CallGate.enter(gate, invocation.getArguments());
        } catch (InterruptedException e) {
            if (spec.declaresInterrupted()) {
                throw e;
            }
            Thread.currentThread().interrupt();
            String where = spec.signature();
            throw new SignalboxException(where, where + ": interrupted while waiting; the call did not run", e);
        }
        try (permit) {
            return spec.fenced() ? proceedFenced(invocation, permit) : invocation.proceed();
        }
    }

    /**
     * Runs the body with the permit's fencing token as {@link GuardContext#fencingToken()}, restoring
     * the outer one after. Only fenced (cluster) guards come here: local calls never touch the context.
     */
    static Object proceedFenced(MethodInvocation invocation, Permit permit) throws Throwable {
        OptionalLong token = permit.fencingToken();
        if (token.isEmpty()) {
            return invocation.proceed();
        }
        try (FencingScope.Frame frame = FencingScope.enter(token.getAsLong())) {
            return invocation.proceed();
        }
    }

    private Object invokeFuture(MethodInvocation invocation) {
        boolean fenced = spec.fenced();
        MethodInvocation later = invocation instanceof ProxyMethodInvocation proxied ? proxied.invocableClone() : invocation;
        CompletableFuture<Permit> entered = GrantHandOff.offTheGrantingThread(CallGate.enterAsync(gate, invocation.getArguments()));
        AtomicReference<CompletableFuture<?>> running = new AtomicReference<>();
        CompletableFuture<Object> result = new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                entered.cancel(mayInterruptIfRunning);
                CompletableFuture<?> body = running.get();
                if (body != null) {
                    body.cancel(mayInterruptIfRunning);
                }
                return super.cancel(mayInterruptIfRunning);
            }
        };
        entered.whenComplete((permit, error) -> {
            if (error != null) {
                result.completeExceptionally(Futures.unwrap(error));
                return;
            }
            if (result.isDone()) {
                permit.close();
                return;
            }
            CompletionStage<?> stage;
            try {
                stage = (CompletionStage<?>) (fenced ? proceedFenced(later, permit) : later.proceed());
            } catch (Throwable t) {
                permit.close();
                result.completeExceptionally(t);
                return;
            }
            if (stage == null) {
                permit.close();
                result.complete(null);
                return;
            }
            CompletableFuture<?> body = stage.toCompletableFuture();
            running.set(body);
            body.whenComplete((value, failure) -> {
                permit.close();
                if (failure != null) {
                    result.completeExceptionally(Futures.unwrap(failure));
                } else {
                    result.complete(value);
                }
            });
            if (result.isCancelled()) {
                body.cancel(true);
            }
        });
        return result;
    }

    /**
     * Reactive return types, through the method's {@link ReactiveAdapter}; a nested class to avoid a
     * hard dependency on Reactor, which is loaded only when a method returns a reactive type (the
     * resolver makes such specs only when Reactor is present). Each subscription is its own call: the
     * wait starts on subscription (without parking a thread), the method body runs once granted (off
     * the thread that delivered the grant, see {@link GrantHandOff}), and the gates are released when
     * the publisher completes, fails or is cancelled. A single-value type is guarded as a {@code Mono},
     * a multi-value one as a {@code Flux}; for {@code Mono} and {@code Flux} the adapter converts nothing.
     */
    private static final class ReactorDelegate {

        static Object invoke(CallGate gate, MethodInvocation invocation, boolean fenced, ReactiveAdapter adapter) {
            Object[] args = invocation.getArguments();
            Publisher<Object> guarded = adapter.isMultiValue()
                    ? Flux.usingWhen(enter(gate, args),
                            permit -> body(invocation, fenced ? permit : null, adapter),
                            ReactorDelegate::release,
                            (permit, error) -> release(permit),
                            ReactorDelegate::release)
                    : Mono.usingWhen(enter(gate, args),
                            permit -> Mono.from(body(invocation, fenced ? permit : null, adapter)),
                            ReactorDelegate::release,
                            (permit, error) -> release(permit),
                            ReactorDelegate::release);
            return adapter.fromPublisher(guarded);
        }

        /**
         * The wait, as a Mono of the permit. Cancelling it withdraws the wait; a permit granted at the
         * moment of cancellation, which would otherwise be dropped unreleased, is closed at once.
         */
        private static Mono<Permit> enter(CallGate gate, Object[] args) {
            return Mono.create(sink -> {
                CompletableFuture<Permit> entered = GrantHandOff.offTheGrantingThread(CallGate.enterAsync(gate, args));
                sink.onCancel(() -> {
                    if (!entered.cancel(false) && !entered.isCompletedExceptionally()) {
                        entered.join().close();
                    }
                });
                entered.whenComplete((permit, error) -> {
                    if (error != null) {
                        sink.error(Futures.unwrap(error));
                    } else {
                        sink.success(permit);
                    }
                });
            });
        }

        /** The method's publisher; with a {@code fencedBy} permit, the method runs with its fencing token in the GuardContext. */
        private static Publisher<Object> body(MethodInvocation invocation, Permit fencedBy, ReactiveAdapter adapter) {
            MethodInvocation call = invocation instanceof ProxyMethodInvocation proxied ? proxied.invocableClone() : invocation;
            try {
                Object result = fencedBy == null ? call.proceed() : proceedFenced(call, fencedBy);
                return result == null ? Mono.empty() : adapter.toPublisher(result);
            } catch (Throwable t) {
                return Mono.error(t);
            }
        }

        private static Mono<Void> release(Permit permit) {
            return Mono.fromRunnable(permit::close);
        }
    }
}

package dev.signalbox.spring;

import java.util.concurrent.CompletableFuture;

import dev.signalbox.core.Permit;

import org.aopalliance.intercept.MethodInvocation;
import org.reactivestreams.Publisher;
import org.springframework.aop.ProxyMethodInvocation;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Guards for Reactor return types; loaded only when Reactor is on the classpath. The wait starts
 * on subscription (without parking a thread), the method body runs once granted (off the thread that
 * delivered the grant, see {@link GrantHandOff}), and the guard is
 * released when the publisher completes, fails or is cancelled. Each subscription is its own call.
 */
final class ReactorGuards {

    private ReactorGuards() {
    }

    static boolean isMono(Class<?> type) {
        return Mono.class.isAssignableFrom(type);
    }

    static boolean isFlux(Class<?> type) {
        return Flux.class.isAssignableFrom(type);
    }

    static Mono<Object> mono(CallGate gate, MethodInvocation invocation, boolean fenced) {
        Object[] args = invocation.getArguments();
        return Mono.usingWhen(
                enter(gate, args),
                permit -> Mono.from(body(invocation, fenced ? permit : null)),
                ReactorGuards::release,
                (permit, error) -> release(permit),
                ReactorGuards::release);
    }

    static Flux<Object> flux(CallGate gate, MethodInvocation invocation, boolean fenced) {
        Object[] args = invocation.getArguments();
        return Flux.usingWhen(
                enter(gate, args),
                permit -> body(invocation, fenced ? permit : null),
                ReactorGuards::release,
                (permit, error) -> release(permit),
                ReactorGuards::release);
    }

    /**
     * The wait, as a Mono of the permit. Cancelling it withdraws the wait; a permit granted at the
     * moment of cancellation, which would otherwise be dropped unreleased, is closed at once.
     */
    private static Mono<Permit> enter(CallGate gate, Object[] args) {
        return Mono.create(sink -> {
            CompletableFuture<Permit> entered = GrantHandOff.offTheGrantingThread(gate.enterAsync(args));
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
    @SuppressWarnings("unchecked")
    private static Publisher<Object> body(MethodInvocation invocation, Permit fencedBy) {
        MethodInvocation call = invocation instanceof ProxyMethodInvocation proxied ? proxied.invocableClone() : invocation;
        try {
            Publisher<Object> publisher = (Publisher<Object>) (fencedBy == null ? call.proceed()
                    : GuardInterceptor.proceedFenced(call, fencedBy));
            return publisher == null ? Mono.empty() : publisher;
        } catch (Throwable t) {
            return Mono.error(t);
        }
    }

    private static Mono<Void> release(Permit permit) {
        return Mono.fromRunnable(permit::close);
    }
}

package dev.signalbox.autoconfigure;

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

    static Mono<Object> mono(CallGate gate, MethodInvocation invocation) {
        Object[] args = invocation.getArguments();
        return Mono.usingWhen(
                Mono.fromFuture(() -> GrantHandOff.offTheGrantingThread(gate.enterAsync(args)), false),
                permit -> Mono.from(body(invocation)),
                ReactorGuards::release,
                (permit, error) -> release(permit),
                ReactorGuards::release);
    }

    static Flux<Object> flux(CallGate gate, MethodInvocation invocation) {
        Object[] args = invocation.getArguments();
        return Flux.usingWhen(
                Mono.fromFuture(() -> GrantHandOff.offTheGrantingThread(gate.enterAsync(args)), false),
                permit -> body(invocation),
                ReactorGuards::release,
                (permit, error) -> release(permit),
                ReactorGuards::release);
    }

    @SuppressWarnings("unchecked")
    private static Publisher<Object> body(MethodInvocation invocation) {
        MethodInvocation call = invocation instanceof ProxyMethodInvocation proxied ? proxied.invocableClone() : invocation;
        try {
            Publisher<Object> publisher = (Publisher<Object>) call.proceed();
            return publisher == null ? Mono.empty() : publisher;
        } catch (Throwable t) {
            return Mono.error(t);
        }
    }

    private static Mono<Void> release(Permit permit) {
        return Mono.fromRunnable(permit::close);
    }
}

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
import org.springframework.aop.ProxyMethodInvocation;

/**
 * Runs one annotated method behind its {@link CallGate}. Everything about the method (its gate,
 * how it returns) was decided at startup; a call reads two fields and waits.
 *
 * <ul>
 * <li>plain return type: waits on the calling thread, holds for the duration of the call;</li>
 * <li>{@code CompletionStage}/{@code CompletableFuture}: waits without parking a thread, runs the
 *     method once granted (on the caller's thread when granted at once, else on a virtual thread,
 *     never on the thread that delivered the grant), and holds until the returned stage completes;
 *     cancelling the returned future withdraws the wait, or cancels the method's own future once running;</li>
 * <li>Reactor {@code Mono}/{@code Flux}: see {@link ReactorGuards}.</li>
 * </ul>
 * For a cluster {@code EXCLUSIVE} or {@code WRITE} guard, the method body runs with the hold's
 * fencing token in {@link GuardContext}; other guards leave the context alone.
 */
final class GuardInterceptor implements MethodInterceptor {

    enum ReturnStyle {
        BLOCKING, FUTURE, MONO, FLUX
    }

    private final CallGate gate;
    private final ReturnStyle style;
    private final boolean declaresInterrupted;
    private final String where;
    /** A cluster EXCLUSIVE/WRITE guard: the body runs with the permit's fencing token in {@link GuardContext}. */
    private final boolean fenced;

    GuardInterceptor(CallGate gate, ReturnStyle style, boolean declaresInterrupted, String where) {
        this(gate, style, declaresInterrupted, where, false);
    }

    GuardInterceptor(CallGate gate, ReturnStyle style, boolean declaresInterrupted, String where, boolean fenced) {
        this.gate = gate;
        this.style = style;
        this.declaresInterrupted = declaresInterrupted;
        this.where = where;
        this.fenced = fenced;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        return switch (style) {
            case BLOCKING -> invokeBlocking(invocation);
            case FUTURE -> invokeFuture(invocation);
            case MONO -> ReactorGuards.mono(gate, invocation, fenced);
            case FLUX -> ReactorGuards.flux(gate, invocation, fenced);
        };
    }

    private Object invokeBlocking(MethodInvocation invocation) throws Throwable {
        Permit permit;
        try {
            permit = gate.enter(invocation.getArguments());
        } catch (InterruptedException e) {
            if (declaresInterrupted) {
                throw e;
            }
            Thread.currentThread().interrupt();
            throw new SignalboxException(where, where + ": interrupted while waiting; the call did not run", e);
        }
        try (permit) {
            return fenced ? proceedFenced(invocation, permit) : invocation.proceed();
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
        MethodInvocation later = invocation instanceof ProxyMethodInvocation proxied ? proxied.invocableClone() : invocation;
        CompletableFuture<Permit> entered = GrantHandOff.offTheGrantingThread(gate.enterAsync(invocation.getArguments()));
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
}

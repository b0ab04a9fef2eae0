package dev.signalbox.spring;

import java.lang.reflect.Method;

import org.springframework.core.ReactiveAdapter;

/**
 * Everything about one annotated method that a call needs, resolved and validated at startup by
 * {@link SpecResolver}: how it returns, whether it declares {@link InterruptedException}, and the spec
 * of each Signalbox annotation it carries (null when it does not carry that one; at least one is present).
 * Its gates are entered in the order rate limit, barrier, guard: a call rejected by the rate limit
 * never waits at the barrier or takes the guard.
 *
 * @param method              the annotated method of the target class
 * @param signature           how messages name the method: {@code AccountService.transfer(String, String, long)}
 * @param returnStyle         how the method returns, which decides how long its gates are held
 * @param reactiveAdapter     the adapter of a {@link ReturnStyle#REACTIVE} return type; null for the other styles
 * @param declaresInterrupted true when the method declares {@code InterruptedException}, so an interrupted
 *                            wait may throw it rather than a {@code SignalboxException}
 * @param rateLimit           its {@code @RateLimited}, or null
 * @param barrier             its {@code @Barrier}, or null
 * @param guard               its {@code @Guarded}, or null
 */
record MethodSpec(Method method, String signature, ReturnStyle returnStyle, ReactiveAdapter reactiveAdapter,
        boolean declaresInterrupted, RateLimitSpec rateLimit, BarrierSpec barrier, GuardSpec guard) {

    /** How a guarded method returns. */
    enum ReturnStyle {
        /** A plain value: the gates are held for the duration of the call. */
        BLOCKING,
        /** {@code CompletionStage} or {@code CompletableFuture}: held until the returned stage completes. */
        FUTURE,
        /** A deferred reactive type ({@code Mono}, {@code Flux}, ...): held per subscription, until it terminates. */
        REACTIVE
    }

    MethodSpec {
        if ((returnStyle == ReturnStyle.REACTIVE) != (reactiveAdapter != null)) {
            throw new IllegalArgumentException("a reactive adapter goes with the REACTIVE return style, and only with it");
        }
        if (rateLimit == null && barrier == null && guard == null) {
            throw new IllegalArgumentException(signature + " carries no Signalbox annotation");
        }
    }

    /** True when the body runs with the guard's fencing token in {@code GuardContext} (see {@link GuardSpec#fenced()}). */
    boolean fenced() {
        return guard != null && guard.fenced();
    }
}

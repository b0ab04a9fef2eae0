package dev.signalbox.spring;

import java.util.concurrent.CompletableFuture;

import dev.signalbox.core.Permit;

/**
 * What one annotated method waits for before its body runs (a guard, a rate-limit token, a
 * barrier), and what it gives back afterwards. Built once per method at startup from its
 * {@link MethodSpec}; a call only evaluates its keys and waits. Each variant is a final class that
 * holds exactly what its kind of wait needs, nothing nullable.
 *
 * <p>Calls go through {@link #enter(CallGate, Object[])} and {@link #enterAsync(CallGate, Object[])}:
 * a type test per variant, each against a final class, then a direct call the JIT inlines. An
 * interface call at one shared call site would see every variant the application uses and turn
 * megamorphic, costing an itable dispatch and the inlining on every guarded call.
 */
sealed interface CallGate permits LockGate, UnkeyedGuardGate, KeyedGuardGate, UnkeyedRateLimitGate, KeyedRateLimitGate,
        BarrierGate, CompositeGate {

    /** A permit that holds nothing: for gates whose wait is all there is (rate limits, barriers) and re-entries. */
    Permit NOTHING_HELD = new Permit() {
        @Override
        public void close() {
        }

        @Override
        public boolean isHeld() {
            return false;
        }
    };

    /** Waits on the calling thread; the returned permit is closed when the call ends. */
    Permit enter(Object[] args) throws InterruptedException;

    /** Waits without parking a thread; cancelling the future withdraws the wait. */
    CompletableFuture<Permit> enterAsync(Object[] args);

    /** {@code gate.enter(args)}, dispatched by type tests (see the class comment); the commonest gates first. */
    static Permit enter(CallGate gate, Object[] args) throws InterruptedException {
        if (gate instanceof LockGate lock) {
            return lock.enter(args);
        }
        if (gate instanceof KeyedGuardGate keyed) {
            return keyed.enter(args);
        }
        if (gate instanceof UnkeyedGuardGate unkeyed) {
            return unkeyed.enter(args);
        }
        if (gate instanceof UnkeyedRateLimitGate limit) {
            return limit.enter(args);
        }
        if (gate instanceof KeyedRateLimitGate limit) {
            return limit.enter(args);
        }
        if (gate instanceof BarrierGate barrier) {
            return barrier.enter(args);
        }
        return ((CompositeGate) gate).enter(args);
    }

    /** {@code gate.enterAsync(args)}, dispatched like {@link #enter(CallGate, Object[])}. */
    static CompletableFuture<Permit> enterAsync(CallGate gate, Object[] args) {
        if (gate instanceof LockGate lock) {
            return lock.enterAsync(args);
        }
        if (gate instanceof KeyedGuardGate keyed) {
            return keyed.enterAsync(args);
        }
        if (gate instanceof UnkeyedGuardGate unkeyed) {
            return unkeyed.enterAsync(args);
        }
        if (gate instanceof UnkeyedRateLimitGate limit) {
            return limit.enterAsync(args);
        }
        if (gate instanceof KeyedRateLimitGate limit) {
            return limit.enterAsync(args);
        }
        if (gate instanceof BarrierGate barrier) {
            return barrier.enterAsync(args);
        }
        return ((CompositeGate) gate).enterAsync(args);
    }
}

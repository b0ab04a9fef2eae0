package dev.signalbox.spring;

import java.util.concurrent.CompletableFuture;

import dev.signalbox.core.Permit;

/**
 * What one annotated method waits for before its body runs (a guard, a rate-limit token, a
 * barrier), and what it gives back afterwards. Built once per method at startup; a call only
 * evaluates its keys and waits.
 */
interface CallGate {

    /** A permit that holds nothing: for gates whose wait is all there is (rate limits, barriers). */
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
}

package dev.signalbox.core;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Delivers grants to waiters without growing the stack. Completing an async waiter's future runs
 * the caller's callbacks on this thread; a callback that releases the primitive grants the next
 * waiter, whose callback releases again, and so on: with a thousand queued waiters that recursion
 * would overflow the stack. Here a wake-up requested while this thread is already delivering
 * wake-ups is queued and delivered by the outer loop instead (a trampoline), in the same order.
 */
final class Wakeups {

    private static final ThreadLocal<ArrayDeque<Waiter<?, ?>>> PENDING = new ThreadLocal<>();

    private Wakeups() {
    }

    /** Wakes every waiter of {@code granted}, in order. Call outside any lock. */
    static void wakeAll(List<? extends Waiter<?, ?>> granted) {
        if (granted.isEmpty()) {
            return;
        }
        if (granted.size() == 1 && granted.get(0).hasOwnThread()) {
            granted.get(0).wake(); // an unpark runs no caller code: nothing can recurse
            return;
        }
        ArrayDeque<Waiter<?, ?>> pending = PENDING.get();
        if (pending != null) {
            pending.addAll(granted);
            return;
        }
        pending = new ArrayDeque<>(granted);
        PENDING.set(pending);
        try {
            Waiter<?, ?> next;
            while ((next = pending.poll()) != null) {
                next.wake();
            }
        } finally {
            PENDING.remove();
        }
    }
}

package dev.signalbox.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The current holds of one primitive, for {@link Snapshot#holders()}. A primitive creates one only
 * while instrumented, so an uninstrumented primitive pays nothing for it.
 */
final class HolderTracker {

    /** One tracked hold. */
    interface Hold {
        /** Who holds it (see {@link #describeCurrentThread(boolean)}). */
        String holder();

        int permits();

        /** {@link System#nanoTime()} at acquisition. */
        long acquiredAt();
    }

    private final Set<Hold> holds = ConcurrentHashMap.newKeySet();

    void add(Hold hold) {
        holds.add(hold);
    }

    void remove(Hold hold) {
        holds.remove(hold);
    }

    /** The holds, oldest first. */
    List<Holder> list() {
        if (holds.isEmpty()) {
            return List.of();
        }
        long now = System.nanoTime();
        Instant wallNow = Instant.now();
        List<Holder> list = new ArrayList<>();
        for (Hold hold : holds) {
            Duration held = Duration.ofNanos(Math.max(0L, now - hold.acquiredAt()));
            list.add(new Holder(hold.holder(), hold.permits(), wallNow.minus(held), held));
        }
        list.sort(Comparator.comparing(Holder::since));
        return list;
    }

    /** The current thread as a holder: its name, or "async (granted on ...)" when it only delivers an async grant. */
    static String describeCurrentThread(boolean blocking) {
        Thread t = Thread.currentThread();
        String thread = t.getName().isEmpty() ? (t.isVirtual() ? "virtual-" : "thread-") + t.threadId() : t.getName();
        return blocking ? thread : "async (granted on " + thread + ")";
    }
}

package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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

    private static final VarHandle ONLY;

    static {
        try {
            ONLY = MethodHandles.lookup().findVarHandle(HolderTracker.class, "only", Hold.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Null for a primitive of one permit, whose only hold sits in {@link #only}. */
    private final Set<Hold> holds;
    /**
     * The hold of a one-permit primitive. Written with release stores, not volatile ones: the writes
     * of successive holders are already ordered by the permit hand-over (a compare-and-set in between),
     * and a snapshot may be a moment late; this spares the hot path two full fences.
     */
    @SuppressWarnings("unused") // through ONLY
    private Hold only;

    /** A tracker for many concurrent holds. */
    HolderTracker() {
        this(Integer.MAX_VALUE);
    }

    /**
     * @param capacity how many holds can exist at once; with 1 (a lock) a single field replaces
     *        the concurrent set, sparing the hot path a hash-set insert and removal
     */
    HolderTracker(int capacity) {
        this.holds = capacity == 1 ? null : ConcurrentHashMap.newKeySet();
    }

    void add(Hold hold) {
        if (holds == null) {
            ONLY.setRelease(this, hold);
        } else {
            holds.add(hold);
        }
    }

    /** Called by the holder before its permit goes back, so no newer hold can be replaced here. */
    void remove(Hold hold) {
        if (holds == null) {
            ONLY.setRelease(this, (Hold) null);
        } else {
            holds.remove(hold);
        }
    }

    /** The holds, oldest first. */
    List<Holder> list() {
        Hold single = (Hold) ONLY.getAcquire(this);
        Collection<Hold> current = holds != null ? holds : single == null ? List.of() : List.of(single);
        if (current.isEmpty()) {
            return List.of();
        }
        long now = System.nanoTime();
        Instant wallNow = Instant.now();
        List<Holder> list = new ArrayList<>();
        for (Hold hold : current) {
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

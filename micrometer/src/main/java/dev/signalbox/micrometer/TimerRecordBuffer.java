package dev.signalbox.micrometer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.micrometer.core.instrument.Timer;

/**
 * A fixed-size, lock-free buffer of timer records ({@code timer}, nanoseconds) that a drainer later
 * replays into the real Micrometer {@link Timer}s, so that the thread being timed pays a compare-and-set
 * and two stores instead of a histogram update.
 *
 * <p><b>How it works.</b> The buffer is split into stripes (a power of two, about two per core), each a
 * ring of {@code capacity} slots with a {@code tail} that producers advance by compare-and-set and a
 * {@code head} that only the drainer advances. A thread picks its stripe by its id, claims the slot at
 * {@code tail}, writes the nanoseconds, then publishes the timer reference with a release store; the
 * drainer reads a slot only once that reference is visible, replays it with {@link Timer#record}, clears
 * it and moves {@code head} on. This is the bounded multi-producer ring of JCTools' {@code MpscArrayQueue},
 * with one queue per stripe so that threads on different cores seldom share a cache line.
 *
 * <p><b>Nothing is lost, memory is bounded.</b> The slots are allocated once (see {@link #slots()}),
 * whatever the number of threads: a million virtual threads share the same stripes. A producer that
 * finds its stripe full records into the timer itself, on its own thread, as if there were no buffer:
 * slower, never dropped. Every record therefore reaches its timer exactly once: counts, totals, maxima
 * and histogram buckets come out exactly as if recorded directly, only later.
 *
 * <p><b>Delay.</b> A producer that finds its stripe half full or more asks for a drain ({@code drainRequest});
 * the owner also drains on a schedule and before reads. {@link #drainAll()} returns only once every
 * record whose {@link #record} call returned before it began has reached its timer (happens-before: a
 * {@code record} call that returned before {@code drainAll()} began is visible in the timer when it returns).
 */
final class TimerRecordBuffer {

    private static final VarHandle TIMERS = MethodHandles.arrayElementVarHandle(Timer[].class);
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(Stripe.class, "tail", long.class);
            HEAD = MethodHandles.lookup().findVarHandle(Stripe.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Stripe[] stripes;
    private final int stripeMask;
    private final int capacity;
    private final int slotMask;
    private final int drainThreshold;
    private final Runnable drainRequest;
    /** One drainer at a time: each stripe has a single consumer. */
    private final ReentrantLock draining = new ReentrantLock();

    /**
     * @param stripes how many rings; rounded up to a power of two
     * @param capacity slots per ring; rounded up to a power of two
     * @param drainRequest run by producers (so it must be quick, and cheap when repeated) while a ring is
     *        half full or more; it should arrange for {@link #drainAll()} to run soon on another thread
     */
    TimerRecordBuffer(int stripes, int capacity, Runnable drainRequest) {
        int stripeCount = powerOfTwoAtLeast(stripes);
        this.capacity = powerOfTwoAtLeast(capacity);
        this.stripes = new Stripe[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            this.stripes[i] = new Stripe(this.capacity);
        }
        this.stripeMask = stripeCount - 1;
        this.slotMask = this.capacity - 1;
        this.drainThreshold = Math.max(1, this.capacity / 2);
        this.drainRequest = drainRequest;
    }

    private static int powerOfTwoAtLeast(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("stripes and capacity must be at least 1, was " + n);
        }
        return n == 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    /** Records {@code nanos} into {@code timer}: later through the buffer, or now when the thread's ring is full. */
    void record(Timer timer, long nanos) {
        Stripe stripe = stripes[(int) Thread.currentThread().threadId() & stripeMask];
        long tail;
        long used;
        do {
            tail = (long) TAIL.getVolatile(stripe);
            used = tail - (long) HEAD.getVolatile(stripe);
            if (used >= capacity) {
                drainRequest.run();
                timer.record(nanos, TimeUnit.NANOSECONDS);
                return;
            }
        } while (!TAIL.compareAndSet(stripe, tail, tail + 1));
        int slot = (int) tail & slotMask;
        stripe.nanos[slot] = nanos;
        TIMERS.setRelease(stripe.timers, slot, timer);
        if (used + 1 >= drainThreshold) {
            drainRequest.run();
        }
    }

    /**
     * Replays every published record into its timer; waits for records whose slot is claimed but not yet
     * written (a producer between two instructions), so that nothing recorded before this call is left behind.
     */
    void drainAll() {
        draining.lock();
        try {
            for (Stripe stripe : stripes) {
                drain(stripe);
            }
        } finally {
            draining.unlock();
        }
    }

    private void drain(Stripe stripe) {
        long head = (long) HEAD.getVolatile(stripe);
        long tail = (long) TAIL.getVolatile(stripe);
        try {
            while (head < tail) {
                int slot = (int) head & slotMask;
                Timer timer = awaitPublished(stripe, slot);
                long nanos = stripe.nanos[slot];
                // Cleared before head moves on (a release store below), so a producer reusing the slot
                // writes after this clear and the next round never sees a stale timer.
                stripe.timers[slot] = null;
                head++;
                timer.record(nanos, TimeUnit.NANOSECONDS);
                if ((head & 63) == 0) {
                    HEAD.setRelease(stripe, head);
                }
            }
        } finally {
            HEAD.setRelease(stripe, head);
        }
    }

    /** The timer of a claimed slot, once its producer has published it (a matter of instructions). */
    private static Timer awaitPublished(Stripe stripe, int slot) {
        int spins = 0;
        Timer timer;
        while ((timer = (Timer) TIMERS.getAcquire(stripe.timers, slot)) == null) {
            if (++spins < 1_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        return timer;
    }

    /** Records claimed and not yet replayed, across all stripes (a moment's view). */
    long pending() {
        long pending = 0;
        for (Stripe stripe : stripes) {
            pending += (long) TAIL.getVolatile(stripe) - (long) HEAD.getVolatile(stripe);
        }
        return pending;
    }

    /** Total slots, fixed at construction: the most records that can ever wait in this buffer. */
    long slots() {
        return (long) stripes.length * capacity;
    }

    /** One ring. {@code tail}: next slot to claim (producers, CAS); {@code head}: next slot to replay (drainer only). */
    private static final class Stripe {
        final Timer[] timers;
        final long[] nanos;
        @SuppressWarnings("unused") // through TAIL
        volatile long tail;
        @SuppressWarnings("unused") // through HEAD
        volatile long head;

        Stripe(int capacity) {
            this.timers = new Timer[capacity];
            this.nanos = new long[capacity];
        }
    }
}

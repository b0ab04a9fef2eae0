package dev.signalbox.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

/**
 * The engine under {@link Lock}, {@link Semaphore} and {@link ResourcePool}: a counting semaphore
 * with multi-permit requests, a lock-free fast path, and either ordering of {@link Fairness}. Its
 * wait list, {@code lock} and the delivery of grants are the {@link WaitQueue} framework's; this
 * class is the {@link WaitPolicy} of that list: the state word, and what admitting a waiter
 * ({@link #admit}), serving after a release ({@link #serve}) and after a withdrawal
 * ({@link #withdrawn}) mean.
 *
 * <h2>State</h2>
 * One word, {@code state}, holds the available permits and three flags:
 * <ul>
 * <li>QUEUED: the wait list is non-empty;</li>
 * <li>HANDOFF: permits go only to queued waiters, handed over under {@code lock} in arrival
 *     order; nobody else may take a free permit (implies QUEUED);</li>
 * <li>SIGNALLED: the head of the list is a thread that has been woken to compete for free permits
 *     and will look at them before it parks again (implies QUEUED and not HANDOFF).</li>
 * </ul>
 * The flags change only under {@code lock} (by CAS, since the fast paths may be moving permits
 * meanwhile), and so does the list. The fast paths are single CASes that keep the flags:
 * {@code tryAcquire} takes permits unless HANDOFF is set; {@code release} returns them when nobody
 * waits, or when the head is SIGNALLED (it will see them). Every other release takes {@code lock}.
 *
 * <h2>Two orderings, one algorithm</h2>
 * With HANDOFF set, nothing outside {@code lock} changes the state, and a release hands its permits
 * to the head waiters directly (as tokio's batch semaphore does): strict FIFO. Without it, a release
 * returns its permits to the pool and wakes the head (sets SIGNALLED and unparks it), and whoever
 * is running may take them first: barging, as in Go's {@code sync.Mutex} "normal mode". The head
 * competes when it wakes ({@link #claim}, spinning a little if it is a platform thread); if it
 * lost, it clears SIGNALLED before it parks again ({@link #claimBeforePark}), and the
 * next release wakes it again. Async waiters cannot compete, so a head that is async is granted
 * directly whenever the free permits cover it.
 *
 * <p>HANDOFF is switched on when the head is found <em>starving</em>: overtaken for
 * {@code handOffAfterNanos} or longer (Go's starvation mode), counted from when it queued or from the
 * end of the last hand-off, whichever is later. The engine looks whenever it holds {@code lock} (a
 * release, a head that lost, a head that gave up). A hand-off serves the waiters that were queued
 * when it began, then switches HANDOFF off (see {@link #starving} for why not Go's exit rule).
 * {@link Fairness#FIFO} is the threshold 0: every head starves at once, so HANDOFF is set exactly
 * while anyone waits, and no clock is read.
 *
 * <h2>Why no wake-up is lost</h2>
 * Invariant, whenever {@code lock} is free: if QUEUED is set then SIGNALLED is set, or the permits
 * do not cover the head's request. Fast paths preserve it: without SIGNALLED a release with waiters
 * goes to the lock, and {@code tryAcquire} only lowers the permits; every section under the lock
 * ends by re-establishing it ({@link #serve}). A waiter sets QUEUED (by CAS, so a concurrent release
 * either came first and it sees the permits, or comes after and takes the lock) before it parks, and
 * a head that lost clears SIGNALLED by CAS against the permits it saw, so a release either came
 * first (the CAS fails and it looks again) or sees no SIGNALLED and wakes it.
 *
 * <h2>Permits that come and go (a semaphore's {@code release(n)} and takes)</h2>
 * Besides the free permits in {@code state}, the engine counts the permits that exist,
 * {@code total} (free plus held), guarded by {@code lock}. Acquiring and releasing move permits
 * between free and held and leave it alone; only {@link #add} (new permits, which no acquisition
 * took) and a <em>consuming</em> grant (a waiter of the {@link #consumeFor consumer}, or
 * {@link #tryTake}: the permits leave for good) change it, each in the same locked section as the
 * change to the free permits. So under {@code lock}, {@code total} and the free permits agree (the
 * fast paths only move permits between free and held), and {@link #add}'s bound check is exact.
 *
 * <h2>Why queued waiters are never overtaken by one another</h2>
 * Only the head competes, and only the head is handed permits; a request for several permits at
 * the head holds back the smaller ones behind it (in FIFO mode, also the newcomers; in barging
 * mode, newcomers only until it starves).
 */
final class PermitSync implements WaitEngine, WaitPolicy<Waiter<?, ?>> {

    private static final long QUEUED = 1L << 62;
    private static final long HANDOFF = 1L << 61;
    private static final long SIGNALLED = 1L << 60;
    private static final long PERMITS = SIGNALLED - 1;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PermitSync.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long state;
    /** A head queued this long is starving; 0: always (strict FIFO); {@link Long#MAX_VALUE}: never. */
    private final long handOffAfterNanos;
    /** {@link System#nanoTime()}; a test may drive time itself. */
    private final LongSupplier clock;
    /** {@code lock} of the class comment. */
    private final WaitQueue queue = new WaitQueue();
    private final WaitList<Waiter<?, ?>> waiters = new WaitList<>(queue, this);
    /** Guarded by {@code lock}: when the current (or last) hand-off began, and when the last one ended. */
    private long handOffStartedAt;
    private long handOffEndedAt;
    /** Guarded by {@code lock}: free plus held permits (see the class comment). */
    private long total;
    /** Whose waiters consume the permits they are granted (a semaphore's takes); null for none. Set before use. */
    private WaitOwner<?, ?> consumer;

    /** A strict FIFO engine. */
    PermitSync(int permits) {
        this(permits, 0L);
    }

    PermitSync(int permits, long handOffAfterNanos) {
        this(permits, handOffAfterNanos, System::nanoTime);
    }

    PermitSync(int permits, long handOffAfterNanos, LongSupplier clock) {
        this.state = permits;
        this.total = permits;
        this.handOffAfterNanos = handOffAfterNanos;
        this.clock = clock;
        this.handOffEndedAt = handOffAfterNanos == 0L ? 0L : clock.getAsLong();
        this.handOffStartedAt = handOffEndedAt;
    }

    /** Takes {@code n} permits if they are free and no hand-off is on (in FIFO mode: nobody waits). */
    @Override
    public boolean tryAcquire(int n) {
        for (;;) {
            long s = state;
            if ((s & HANDOFF) != 0 || (s & PERMITS) < n) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s - n)) {
                return true;
            }
        }
    }

    @Override
    public WaitList<Waiter<?, ?>> waiters() {
        return waiters;
    }

    /**
     * Under the lock ({@link WaitList#enqueue}): takes {@code w.amount} permits at once if
     * {@link #tryAcquire} could (returns true); else sets QUEUED (and, in FIFO mode, HANDOFF) for
     * the waiter about to be appended (returns false).
     */
    @Override
    public boolean admit(Waiter<?, ?> w) {
        for (;;) {
            long s = state;
            if ((s & HANDOFF) == 0 && (s & PERMITS) >= w.amount) {
                if (STATE.compareAndSet(this, s, s - w.amount)) {
                    consumed(w);
                    return true;
                }
                continue;
            }
            w.queuedAt = handOffAfterNanos == 0L ? 0L : clock.getAsLong();
            if ((s & QUEUED) == 0) {
                // First waiter: it becomes the head with the permits short of its request.
                boolean handOff = handOffAfterNanos == 0L; // a fresh waiter starves at once only in FIFO mode
                if (!STATE.compareAndSet(this, s, s | QUEUED | (handOff ? HANDOFF : 0L))) {
                    continue;
                }
            }
            return false;
        }
    }

    /** Returns {@code n} permits: to the pool, then hands them to the head or wakes it (see the class comment). */
    @Override
    public void release(int n) {
        for (;;) {
            long s = state;
            if ((s & QUEUED) == 0 || (s & SIGNALLED) != 0) {
                if (STATE.compareAndSet(this, s, s + n)) {
                    return;
                }
                continue;
            }
            boolean served = false;
            queue.lock();
            try {
                // The waiters may have left, or the head been woken, before we got the lock; the
                // fast path is then right again (and a plain write here could lose its updates).
                long locked = state;
                if ((locked & QUEUED) != 0 && (locked & SIGNALLED) == 0) {
                    serve(n);
                    served = true;
                }
            } finally {
                queue.unlock();
            }
            if (served) {
                return;
            }
        }
    }

    /**
     * A blocking waiter's own thread, while it spins: true when it was handed its permits, or is
     * the head and takes them now (barging mode). False changes nothing: a SIGNALLED head stays
     * SIGNALLED, so releases meanwhile need not wake it.
     */
    @Override
    public boolean claim(Waiter<?, ?> w) {
        return claim(w, false);
    }

    /**
     * A blocking waiter's own thread, right before it parks: {@link #claim(Waiter)}; when that fails
     * and it was SIGNALLED, the flag is cleared, so the next release wakes it again; a head found
     * starving turns HANDOFF on.
     */
    @Override
    public boolean claimBeforePark(Waiter<?, ?> w) {
        return claim(w, true);
    }

    private boolean claim(Waiter<?, ?> w, boolean parking) {
        if (w.isGranted()) {
            return true;
        }
        long s = state;
        if ((s & HANDOFF) != 0 || ((s & PERMITS) < w.amount && (!parking || (s & SIGNALLED) == 0))) {
            return false; // nothing to take, and nothing to clear: a later release or grant wakes it
        }
        queue.lock();
        try {
            if (w.isGranted()) {
                return true;
            }
            if (!waiters.isHead(w)) {
                return false;
            }
            for (;;) {
                s = state;
                if ((s & HANDOFF) != 0) {
                    return false;
                }
                if ((s & PERMITS) >= w.amount) {
                    if (!STATE.compareAndSet(this, s, (s - w.amount) & ~SIGNALLED)) {
                        continue;
                    }
                    queue.grantClaimed(w); // only this thread could withdraw it, and nobody else grants it now
                    consumed(w);
                    serve(0);
                    return true;
                }
                if (!parking) {
                    return false;
                }
                boolean starving = starving(w);
                long parked = starving ? (s | HANDOFF) & ~SIGNALLED : s & ~SIGNALLED;
                if (STATE.compareAndSet(this, s, parked)) {
                    if (starving) {
                        handOffBegan();
                    }
                    return false;
                }
            }
        } finally {
            queue.unlock();
        }
    }

    /** Under the lock, after a waiter that gave up was unlinked: when it was the head, the waiter behind it may now be served. */
    @Override
    public void withdrawn(Waiter<?, ?> w, boolean wasHead, Outcome outcome) {
        if (wasHead) {
            long s;
            do {
                s = state;
            } while ((s & SIGNALLED) != 0 && !STATE.compareAndSet(this, s, s & ~SIGNALLED));
            serve(0);
        }
    }

    /**
     * Under the lock, with SIGNALLED clear: adds {@code extra} permits and serves the head until the
     * invariant holds again: grants it (in hand-off mode, or when it is async), wakes it to compete
     * (blocking, barging mode), or leaves it waiting when the permits do not cover it. Switches
     * HANDOFF on or off for the head it ends with, and clears the flags once nobody waits. The
     * waiters it grants or wakes are woken when the lock is released.
     */
    private void serve(long extra) {
        for (;;) {
            long s = state;
            Waiter<?, ?> head = waiters.peek();
            if (head == null) {
                if (STATE.compareAndSet(this, s, (s & PERMITS) + extra)) {
                    return;
                }
                continue;
            }
            if ((s & HANDOFF) == 0 && starving(head)) {
                if (!STATE.compareAndSet(this, s, s | HANDOFF)) {
                    continue;
                }
                handOffBegan();
                s |= HANDOFF;
            }
            if ((s & HANDOFF) != 0) {
                handOff((s & PERMITS) + extra);
                return;
            }
            long available = (s & PERMITS) + extra;
            if (available < head.amount) {
                if (extra == 0 || STATE.compareAndSet(this, s, s + extra)) {
                    return;
                }
                continue;
            }
            if (head.hasOwnThread()) {
                if (STATE.compareAndSet(this, s, (s + extra) | SIGNALLED)) {
                    queue.wakeWhenUnlocked(head);
                    return;
                }
                continue;
            }
            if (!STATE.compareAndSet(this, s, s + extra - head.amount)) {
                continue;
            }
            extra = 0;
            if (queue.grant(head)) {
                consumed(head);
            } else {
                extra = head.amount; // it gave up meanwhile (its own withdrawal finds it unlinked): its permits go on
            }
        }
    }

    /**
     * Under the lock, with HANDOFF set (so no fast path can change the state meanwhile): grants
     * head waiters from {@code available} permits in order, then stores the rest, keeping HANDOFF
     * while the new head is one of the waiters the hand-off began for.
     */
    private void handOff(long available) {
        Waiter<?, ?> head;
        while ((head = waiters.peek()) != null && head.amount <= available) {
            if (queue.grant(head)) {
                available -= head.amount;
                consumed(head);
            }
            // else: it gave up and will unlink itself (already done here); its permits stay with us.
        }
        boolean goOn = head != null && queuedBeforeHandOff(head);
        if (!goOn) {
            handOffEnded();
        }
        state = head == null ? available : available | QUEUED | (goOn ? HANDOFF : 0L);
    }

    /**
     * Makes the waiters of {@code owner} consuming: the permits they are granted leave the engine
     * ({@code total} falls by as many). Call once, before any of them waits.
     */
    void consumeFor(WaitOwner<?, ?> owner) {
        this.consumer = owner;
    }

    /** Under the lock, right after {@code w} was granted its permits: a consuming waiter takes them out of {@code total}. */
    private void consumed(Waiter<?, ?> w) {
        if (w.owner == consumer) {
            total -= w.amount;
        }
    }

    /**
     * Adds {@code n} new permits (permits no acquisition took: a semaphore's {@code release(n)}) and
     * serves the waiters with them as {@link #release} does; false, changing nothing, when free plus
     * held permits would then exceed {@code bound}.
     */
    boolean add(int n, long bound) {
        queue.lock();
        try {
            if (total + n > bound) {
                return false;
            }
            total += n;
            // The flags change only under the lock, so this choice stays right; the permits may move meanwhile.
            long s = state;
            if ((s & QUEUED) != 0 && (s & SIGNALLED) == 0) {
                serve(n);
            } else {
                while (!STATE.compareAndSet(this, s, s + n)) {
                    s = state;
                }
            }
            return true;
        } finally {
            queue.unlock();
        }
    }

    /**
     * Takes {@code n} permits out of the engine for good if {@link #tryAcquire} could take them:
     * {@code total} falls by {@code n}. Under the lock, so that it agrees with the free permits.
     */
    boolean tryTake(int n) {
        queue.lock();
        try {
            for (;;) {
                long s = state;
                if ((s & HANDOFF) != 0 || (s & PERMITS) < n) {
                    return false;
                }
                if (STATE.compareAndSet(this, s, s - n)) {
                    total -= n;
                    return true;
                }
            }
        } finally {
            queue.unlock();
        }
    }

    /** Free and total permits at one instant. */
    record Counts(int free, int total) {
        int held() {
            return total - free;
        }
    }

    /**
     * Free and total permits at one instant: read under the lock, where {@code total} cannot change
     * and the fast paths only move permits between free and held.
     */
    Counts counts() {
        queue.lock();
        try {
            return new Counts(available(), (int) total);
        } finally {
            queue.unlock();
        }
    }

    /** Free plus held permits now. */
    int total() {
        queue.lock();
        try {
            return (int) total;
        } finally {
            queue.unlock();
        }
    }

    /*
     * Starvation, under the lock. A head starves once it has been overtaken for handOffAfterNanos:
     * counted from when it queued, or from the end of the last hand-off if that came later. A
     * hand-off serves the waiters queued when it began, then barging resumes. Why not Go's rule
     * (hand off until the head waited less than the threshold): with more threads than cores a
     * hand-off costs a context switch, and once a round of hand-offs takes longer than the threshold,
     * every waiter re-queued during it has starved too by the time it reaches the head, so hand-off
     * never ends and throughput falls to that of a fair lock (measured on 2 cores with 8 threads).
     * Restarting the count bounds each waiter's wait by the threshold plus two rounds of hand-off.
     */

    private boolean starving(Waiter<?, ?> head) {
        if (handOffAfterNanos == 0L) {
            return true;
        }
        long since = head.queuedAt - handOffEndedAt > 0L ? head.queuedAt : handOffEndedAt;
        return clock.getAsLong() - since >= handOffAfterNanos;
    }

    private boolean queuedBeforeHandOff(Waiter<?, ?> head) {
        return handOffAfterNanos == 0L || head.queuedAt - handOffStartedAt <= 0L;
    }

    private void handOffBegan() {
        if (handOffAfterNanos != 0L) {
            handOffStartedAt = clock.getAsLong();
        }
    }

    private void handOffEnded() {
        if (handOffAfterNanos != 0L) {
            handOffEndedAt = clock.getAsLong();
        }
    }

    int available() {
        return (int) (state & PERMITS);
    }

    long handOffAfterNanos() {
        return handOffAfterNanos;
    }

    /**
     * For a test that drives the clock: runs {@code action} holding the engine's lock, so time
     * moves between locked sections, never inside one (each reads the clock more than once).
     */
    void holdingLock(Runnable action) {
        queue.lock();
        try {
            action.run();
        } finally {
            queue.unlock();
        }
    }
}

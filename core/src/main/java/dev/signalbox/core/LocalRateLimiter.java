package dev.signalbox.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import dev.signalbox.spi.Probe;

/**
 * The in-JVM {@link RateLimiter}.
 *
 * <h2>Algorithm</h2>
 * Exact integer arithmetic in <em>ticks</em>: one token is {@code tokenTicks} ticks and the bucket
 * gains {@code ticksPerNano} ticks per nanosecond, where {@code tokenTicks / ticksPerNano} is
 * {@code per / limit} reduced by their greatest common divisor. So there is no rounding drift,
 * and a wait is {@code ceil(deficit / ticksPerNano)} nanoseconds, exactly.
 *
 * <p>Under the lock of a {@link WaitQueue}: {@code tokens} (ticks in the bucket, never negative, at
 * most a full bucket once waiters are served), {@code lastRefill}, and the FIFO {@link WaitList} of
 * waiting reservations whose amounts sum to {@code reserved}. The reservations are the debt: a call
 * arriving now owes {@code (reserved + permits) * tokenTicks - tokens} ticks and is due when the
 * refill has paid them. That due time is decided at arrival and compared with the timeout, so a
 * call that would wait too long is rejected at once, with the wait as its retry-after (Guava's
 * reservation model). With three outcomes (now, queued, rejected), {@link #reserve} decides and
 * queues under the lock itself rather than through {@link WaitList#enqueue}.
 *
 * <p>Every operation first refills the bucket to now and grants the waiters at the head whose
 * tokens are there (in order: the head blocks the ones behind it), then caps the bucket. The cap
 * never clips while anyone waits (the head always asks for no more than the bucket holds), so the
 * bucket behaves exactly as if every grant had happened at its due time. A withdrawn reservation
 * leaves the list and the debt shrinks ({@link #withdrawn}): no token was taken, so nothing is given
 * back and nothing can be over-admitted; the waiters behind it simply become due earlier.
 *
 * <p>Who delivers a grant: one timer on the {@link Timeouts} scheduler, armed for the head's due
 * time (async waiters park no thread); a blocking waiter also parks until its own due time and
 * then refills itself, so it never depends on the timer being punctual. A grant flips the waiter
 * to GRANTED under the lock; its thread is unparked, or its future completed, after unlocking.
 */
final class LocalRateLimiter implements RateLimiter, WaitOwner<Void, Void>, WaitPolicy<Waiter<Void, Void>> {

    /** Park this long if a due waiter somehow finds itself not granted (not expected; avoids spinning). */
    private static final long RECHECK_NANOS = 1_000_000L;

    private final String name;
    private final int limit;
    private final Duration per;
    private final long tokenTicks;
    private final long ticksPerNano;
    private final long capacityTicks;
    private final LongSupplier clock;
    private final Probe probe;

    private final WaitQueue queue = new WaitQueue();
    // Guarded by the queue's lock.
    private final WaitList<Waiter<Void, Void>> waiters = new WaitList<>(queue, this);

    @Override
    public WaitList<? super Waiter<Void, Void>> waitList() {
        return waiters;
    }
    private long tokens;
    private long lastRefill;
    private long reserved;
    private Runnable armedTimer;
    private ScheduledFuture<?> armedTimerFuture;
    private long armedFor;

    LocalRateLimiter(String name, int limit, Duration per, PrimitiveListener listener, LongSupplier nanoClock) {
        this.name = Names.require(name);
        if (limit < 1) {
            throw new IllegalArgumentException(describe(name) + ": limit must be at least 1 token per period, was " + limit);
        }
        long perNanos = requirePositive(name, per);
        long gcd = gcd(limit, perNanos);
        this.limit = limit;
        this.per = per;
        this.tokenTicks = perNanos / gcd;
        this.ticksPerNano = limit / gcd;
        try {
            this.capacityTicks = Math.multiplyExact((long) limit, tokenTicks);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(describe(name) + ": " + limit + " per " + per
                    + " cannot be tracked exactly; use a rounder limit or a shorter period (e.g. per second)", e);
        }
        this.clock = nanoClock;
        this.probe = new Probe(this, listener);
        this.tokens = capacityTicks;
        this.lastRefill = nanoClock.getAsLong();
    }

    private static long requirePositive(String name, Duration per) {
        if (per == null || per.isNegative() || per.isZero()) {
            throw new IllegalArgumentException(describe(name) + ": per must be a positive duration (such as 1s), was " + per);
        }
        try {
            return per.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(describe(name) + ": per " + per + " is too long; use at most 292 years", e);
        }
    }

    private static String describe(String name) {
        return Kind.RATE_LIMITER.tag() + " '" + name + "'";
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int limit() {
        return limit;
    }

    @Override
    public Duration per() {
        return per;
    }

    // ---------------------------------------------------------------- acquisition

    @Override
    public boolean tryAcquire(int permits) {
        checkPermits(permits);
        probe.arriveAtOnce();
        boolean taken = reserve(permits, null, 0L) == 0L;
        probe.endedAtOnce(taken ? Outcome.ACQUIRED : Outcome.REJECTED);
        return taken;
    }

    @Override
    public void acquire(int permits, Duration timeout) throws InterruptedException {
        long timeoutNanos = Durations.toNanos(timeout);
        checkPermits(permits);
        BlockingWaiter<Void, Void> waiter = new BlockingWaiter<>(this, permits, null, probe.arriveAtOnce());
        long waitNanos = reserve(permits, waiter, timeoutNanos);
        if (waitNanos > timeoutNanos) {
            throw rejected(waiter, waitNanos);
        }
        if (waitNanos > 0L) {
            awaitGrant(waiter, waitNanos);
        }
        reportWaitEnded(waiter, Outcome.ACQUIRED);
    }

    @Override
    public CompletableFuture<Void> acquireAsync(int permits, Duration timeout) {
        long timeoutNanos = Durations.toNanos(timeout);
        checkPermits(permits);
        AsyncWaiter<Void, Void> waiter = new AsyncWaiter<>(this, permits, null, probe.arriveAtOnce());
        long waitNanos = reserve(permits, waiter, timeoutNanos);
        if (waitNanos > timeoutNanos) {
            return CompletableFuture.failedFuture(rejected(waiter, waitNanos));
        }
        if (waitNanos > 0L) {
            return waiter.future;
        }
        reportWaitEnded(waiter, Outcome.ACQUIRED);
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Takes the tokens now (returns 0); or, when they will be due within {@code timeoutNanos},
     * enqueues {@code waiter} (returns the wait); or does nothing (returns a wait above the timeout).
     */
    private long reserve(int permits, Waiter<Void, Void> waiter, long timeoutNanos) {
        queue.lock();
        try {
            refillLocked();
            long waitNanos = waitLocked(permits);
            if (waitNanos == 0L) {
                tokens -= permits * tokenTicks;
            } else if (waitNanos <= timeoutNanos) {
                if (probe.on) {
                    waiter.arrivedAt = lastRefill; // the clock read by this refill: its wait starts now
                }
                waiters.add(waiter);
                reserved += permits;
                armTimerLocked(headDueLocked());
            }
            return waitNanos;
        } finally {
            queue.unlock();
        }
    }

    /**
     * Reports the end of {@code waiter}'s wait on this limiter's clock: 0 for a call decided at once
     * (no clock read), else from the reservation that queued it.
     */
    private void reportWaitEnded(Waiter<Void, Void> waiter, Outcome outcome) {
        if (probe.on) {
            probe.waitEndedAt(waiter.arrivedAt, waiter.arrivedAt == Probe.AT_ONCE ? 0L : clock.getAsLong(), outcome);
        }
    }

    private RateLimitExceededException rejected(Waiter<Void, Void> waiter, long waitNanos) {
        reportWaitEnded(waiter, Outcome.REJECTED);
        return new RateLimitExceededException(name, Duration.ofNanos(waitNanos));
    }

    /**
     * Parks until granted. The grant is due {@code waitNanos} after the reservation (sooner if a
     * waiter ahead withdraws); at that time this thread refills the bucket itself, which grants it.
     */
    private void awaitGrant(BlockingWaiter<Void, Void> waiter, long waitNanos) throws InterruptedException {
        long dueAt = clock.getAsLong() + waitNanos;
        boolean interruptedAfterGrant = false;
        while (!waiter.isGranted()) {
            if (Thread.interrupted()) {
                if (waiter.withdraw(Outcome.INTERRUPTED)) {
                    throw new InterruptedException();
                }
                interruptedAfterGrant = true;
                continue;
            }
            long remaining = dueAt - clock.getAsLong();
            if (remaining <= 0L) {
                refill();
                remaining = RECHECK_NANOS;
            }
            if (!waiter.isGranted()) {
                LockSupport.parkNanos(this, remaining);
            }
        }
        if (interruptedAfterGrant) {
            Thread.currentThread().interrupt();
        }
    }

    /** Async grants only: a blocking waiter reports its own grant when it wakes. */
    @Override
    public Void granted(Waiter<Void, Void> waiter) {
        reportWaitEnded(waiter, Outcome.ACQUIRED);
        return null;
    }

    /** Under the lock: a reservation was withdrawn; the waiters behind it owe less now, and some may be due already. */
    @Override
    public void withdrawn(Waiter<Void, Void> waiter, boolean wasHead, Outcome outcome) {
        reserved -= waiter.amount;
        refillLocked();
    }

    @Override
    public void ended(Waiter<Void, Void> waiter, Outcome outcome) {
        reportWaitEnded(waiter, outcome);
    }

    // ---------------------------------------------------------------- the bucket, under lock

    /**
     * Under the lock: adds the ticks earned since the last refill, grants the head waiters whose
     * tokens are there (woken when the lock is released), caps the bucket, and re-arms (or disarms)
     * the timer for the new head.
     */
    private void refillLocked() {
        long now = clock.getAsLong();
        long elapsed = now - lastRefill;
        if (elapsed > 0L) {
            tokens = saturatedAdd(tokens, saturatedMultiply(elapsed, ticksPerNano));
            lastRefill = now;
        }
        Waiter<Void, Void> head;
        while ((head = waiters.peek()) != null && tokens >= head.amount * tokenTicks) {
            reserved -= head.amount;
            if (queue.grant(head)) {
                tokens -= head.amount * tokenTicks;
            }
            // else: it is withdrawing right now and took nothing; its withdrawal finds it already unlinked.
        }
        if (tokens > capacityTicks) {
            tokens = capacityTicks;
        }
        if (waiters.isEmpty()) {
            disarmTimerLocked();
        } else {
            armTimerLocked(headDueLocked());
        }
    }

    /** Nanoseconds until a call for {@code permits} arriving now would be granted; 0 when now. */
    private long waitLocked(int permits) {
        long owedTicks = saturatedAdd(saturatedMultiply(reserved + permits, tokenTicks), -tokens);
        if (owedTicks <= 0L) {
            return 0L;
        }
        return Math.ceilDiv(owedTicks, ticksPerNano);
    }

    /** Clock time at which the head waiter's tokens will be in the bucket. */
    private long headDueLocked() {
        long owedTicks = waiters.peek().amount * tokenTicks - tokens;
        return lastRefill + Math.ceilDiv(Math.max(owedTicks, 0L), ticksPerNano);
    }

    private void armTimerLocked(long dueAt) {
        if (armedTimer != null && armedFor - dueAt <= 0L) {
            return;
        }
        disarmTimerLocked();
        Runnable timer = new Runnable() {
            @Override
            public void run() {
                onTimer(this);
            }
        };
        armedTimer = timer;
        armedFor = dueAt;
        armedTimerFuture = Timeouts.schedule(timer, Math.max(0L, dueAt - lastRefill));
    }

    private void disarmTimerLocked() {
        if (armedTimerFuture != null) {
            armedTimerFuture.cancel(false);
        }
        armedTimer = null;
        armedTimerFuture = null;
    }

    private void onTimer(Runnable timer) {
        queue.lock();
        try {
            if (armedTimer == timer) {
                armedTimer = null;
                armedTimerFuture = null;
            }
            refillLocked();
        } finally {
            queue.unlock();
        }
    }

    /** Brings the bucket up to now and delivers the grants that are due (the timer's job; tests call it too). */
    void refill() {
        queue.lock();
        try {
            refillLocked();
        } finally {
            queue.unlock();
        }
    }

    // ---------------------------------------------------------------- queries

    @Override
    public Duration timeUntilAvailable(int permits) {
        checkPermits(permits);
        queue.lock();
        try {
            refillLocked();
            return Duration.ofNanos(waitLocked(permits));
        } finally {
            queue.unlock();
        }
    }

    @Override
    public int availableTokens() {
        queue.lock();
        try {
            refillLocked();
            return (int) (waiters.isEmpty() ? tokens / tokenTicks : 0L);
        } finally {
            queue.unlock();
        }
    }

    @Override
    public boolean isIdle() {
        queue.lock();
        try {
            refillLocked();
            return waiters.isEmpty() && tokens == capacityTicks;
        } finally {
            queue.unlock();
        }
    }

    @Override
    public Snapshot snapshot() {
        return new Snapshot(name, kind(), waiters.waiting(), 0, limit, List.of());
    }

    private void checkPermits(int permits) {
        if (permits < 1 || permits > limit) {
            throw new IllegalArgumentException(describe(name) + ": cannot take " + permits
                    + " tokens at once; ask for 1 to " + limit + " (the bucket never holds more)");
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        // Overflow only when both operands have the same sign and the sum's sign differs.
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }

    private static long saturatedMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if ((high == 0 && low >= 0) || (high == -1 && low < 0)) {
            return low;
        }
        return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    @Override
    public String toString() {
        return describe(name) + " (" + limit + " per " + Durations.format(per) + ")";
    }
}

package dev.signalbox.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import dev.signalbox.core.Durations;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Permit;
import dev.signalbox.redis.HoldEngine.Grant;
import dev.signalbox.spi.WithdrawableFuture;

/**
 * One caller's acquisition of a cluster primitive, and the future it gets.
 *
 * <p>The caller first waits in the local queue (FIFO among this instance's callers, with the
 * call's timeout). Once admitted, it tries Redis once (one round trip, bounded by its own timer, so
 * a silent Redis ends the call with {@code GuardUnavailableException} or the local fallback within
 * the call's timeout, not after Redisson's retries). If the primitive is taken there, it registers
 * as a waiter for operators ({@link RedisMembers}) and waits in Redisson: the Redisson object's own
 * acquisition with a wait time (Redisson subscribes to the object's channel and retries when a
 * release is published or the holder's lease would end), in slices of at most a third of a lease,
 * each bounded by its own timer too, until the deadline.
 *
 * <p>It ends exactly once, with one outcome reported to the listener: granted, timed out,
 * rejected (try-once, or Redis unavailable), cancelled or interrupted. Whatever ends it without a
 * grant gives the local queue's permit back at once and withdraws its waiter entry; a grant that a
 * Redis reply brings after the end (a Redisson wait still running, or a reply after its bound) is
 * released as soon as it arrives.
 *
 * <p>Its future is withdrawable ({@link WithdrawableFuture}): {@code cancel} and
 * {@code completeExceptionally} end the acquisition as {@code CANCELLED} unless it has ended (the
 * grant won: the caller keeps it), and only the acquisition completes it normally.
 */
final class ClusterAcquisition extends WithdrawableFuture<Permit> {

    private static final long MIN_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final ClusterGate gate;
    private final Duration timeout;
    private final long timeoutNanos;
    private final long arrivedAt = System.nanoTime();
    private final long sinceMillis = System.currentTimeMillis();
    /** The caller's thread when it blocks (or tries once), null for async callers. */
    private final Thread thread;
    private final int permits;
    private final String holdId;
    private final String waiterEntry;

    private Outcome ended;
    private Permit local;
    private CompletableFuture<Permit> localFuture;
    private boolean firstAttempt = true;
    private boolean inFlight;
    private boolean queued;
    /** The write of this caller's waiter entry, once it waits in Redis; null before and after. */
    private CompletableFuture<?> waiterAdded;

    ClusterAcquisition(ClusterGate gate, int permits, Duration timeout, Thread thread) {
        this.gate = gate;
        this.timeout = Durations.requireTimeout(timeout);
        this.timeoutNanos = timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : timeout.toNanos();
        this.thread = thread;
        this.permits = permits;
        this.holdId = gate.backend.newHoldId();
        this.waiterEntry = gate.members.waiterEntry(holdId, sinceMillis);
    }

    Instant arrivedAtInstant() {
        return Instant.ofEpochMilli(sinceMillis);
    }

    void start() {
        gate.listener.onArrival(gate.owner);
        if (timeoutNanos == 0) {
            Permit admitted = gate.queue.tryAcquire(permits);
            if (admitted == null) {
                fail(Outcome.REJECTED, gate.timeout(timeout));
                return;
            }
            synchronized (this) {
                local = admitted;
            }
            attempt();
            return;
        }
        synchronized (this) {
            queued = true;
        }
        gate.waiting(this, true);
        CompletableFuture<Permit> admission = gate.queue.acquireAsync(permits, timeout);
        boolean abandoned;
        synchronized (this) {
            localFuture = admission;
            abandoned = ended != null;
        }
        if (abandoned) {
            admission.cancel(false);
        }
        admission.whenComplete(this::admitted);
    }

    private void admitted(Permit admitted, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof CancellationException) {
                return; // we withdrew it: the acquisition has ended already
            }
            if (cause instanceof GuardTimeoutException && gate.backend.availability.isDown()) {
                // Timed out in the local queue behind a holder whose Redis call cannot finish: the cause is Redis.
                fail(Outcome.REJECTED, gate.unavailable(timeout, new java.util.concurrent.TimeoutException(
                        "waited " + Durations.format(timeout) + " on this instance behind a caller whose Redis call has not finished")));
            } else {
                fail(cause instanceof GuardTimeoutException ? Outcome.TIMEOUT : Outcome.REJECTED,
                        cause instanceof GuardTimeoutException ? gate.timeout(timeout) : cause);
            }
            return;
        }
        boolean late;
        synchronized (this) {
            late = ended != null;
            if (!late) {
                local = admitted;
            }
        }
        if (late) {
            gate.closeLocal(admitted);
        } else {
            attempt();
        }
    }

    private long remaining() {
        return timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : timeoutNanos - (System.nanoTime() - arrivedAt);
    }

    /**
     * The first attempt takes a Redis hold a local predecessor handed over, if any, else tries once;
     * later ones wait in Redisson for a slice of the time left.
     */
    private void attempt() {
        if (gate.engine.handsOver()) {
            boolean first;
            synchronized (this) {
                first = firstAttempt && ended == null && local != null;
            }
            if (first) {
                LocalHandOver handedOver = gate.takeHandOver();
                if (handedOver != null) {
                    takeOver(handedOver);
                    return;
                }
            }
        }
        long remaining = remaining();
        boolean tryOnce;
        long waitMillis;
        long bound;
        boolean down;
        boolean register = false;
        synchronized (this) {
            if (ended != null) {
                return;
            }
            if (!firstAttempt && remaining <= 0) {
                tryOnce = false;
                waitMillis = -1;
                bound = 0;
                down = false;
            } else {
                tryOnce = timeoutNanos == 0 || remaining <= 0;
                if (firstAttempt) {
                    waitMillis = 0;
                    bound = gate.backend.commandBound(remaining);
                } else {
                    waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(remaining, gate.backend.pollNanos())));
                    bound = TimeUnit.MILLISECONDS.toNanos(waitMillis) + gate.backend.maintenanceBound();
                    register = true; // written, then refreshed each slice, so it outlives the wait
                }
                firstAttempt = false;
                down = gate.backend.availability.knownDown();
                inFlight = !down;
            }
        }
        if (waitMillis < 0) {
            fail(Outcome.TIMEOUT, gate.timeout(timeout));
            return;
        }
        if (down) {
            redisUnavailable(null);
            return;
        }
        if (register) {
            CompletableFuture<?> added = gate.members.add(waiterEntry, true);
            synchronized (this) {
                waiterAdded = added;
            }
        }
        long sentAt = System.nanoTime();
        gate.engine.acquire(permits, waitMillis, bound, true)
                .whenComplete((grant, error) -> replied(grant, error, tryOnce, waitMillis > 0, sentAt));
    }

    private void replied(Grant grant, Throwable error, boolean tryOnce, boolean waited, long sentAt) {
        boolean granted = error == null && grant != null;
        boolean abandoned;
        RedisHold hold = null;
        synchronized (this) {
            inFlight = false;
            abandoned = ended != null;
            if (!abandoned && granted) {
                hold = new RedisHold(gate, grant, holdId, permits, sinceMillis, local, sentAt, thread);
                local = null;
                ended = Outcome.ACQUIRED;
            }
        }
        if (abandoned) {
            if (granted) {
                gate.engine.release(grant); // a grant nobody waits for any more
            }
            return;
        }
        if (hold != null) {
            leaveWaiting();
            gate.granted(hold);
            hold.startRenewal(waited);
            deliver(hold);
            return;
        }
        if (error != null) {
            redisUnavailable(error);
        } else if (tryOnce) {
            fail(timeoutNanos == 0 ? Outcome.REJECTED : Outcome.TIMEOUT, gate.timeout(timeout));
        } else if (waited && System.nanoTime() - sentAt < MIN_RETRY_NANOS) {
            gate.backend.schedule(this::attempt, MIN_RETRY_NANOS); // Redisson gave up early (a key just reset): no busy loop
        } else {
            attempt();
        }
    }

    /** Holds what a local predecessor handed over; ended meanwhile (timed out, cancelled), releases it in Redis. */
    private void takeOver(LocalHandOver handedOver) {
        RedisHold hold = null;
        synchronized (this) {
            if (ended == null) {
                hold = new RedisHold(gate, handedOver, permits, sinceMillis, local, thread);
                local = null;
                firstAttempt = false;
                ended = Outcome.ACQUIRED;
            }
        }
        if (hold == null) {
            gate.release(handedOver); // our local permit went back when we ended; the next caller asks Redis
            return;
        }
        leaveWaiting();
        gate.granted(hold);
        hold.startRenewal(false);
        deliver(hold);
    }

    private void redisUnavailable(Throwable error) {
        if (!gate.backend.settings.localFallback()) {
            fail(Outcome.REJECTED, gate.unavailable(timeout, error));
            return;
        }
        FallbackHold hold;
        synchronized (this) {
            if (ended != null || inFlight) {
                return;
            }
            ended = Outcome.ACQUIRED;
            hold = new FallbackHold(gate, local, permits, thread);
            local = null;
        }
        leaveWaiting();
        gate.granted(hold);
        deliver(hold);
    }

    /** Withdraws this acquisition for {@code outcome} ({@code CANCELLED} or {@code INTERRUPTED}); false when it has ended already. */
    boolean abandon(Outcome outcome) {
        return fail(outcome, null);
    }

    /** {@code cancel} and {@code completeExceptionally}: withdraws the acquisition; false when it has ended already. */
    @Override
    protected boolean withdraw(Throwable cause, boolean mayInterruptIfRunning) {
        return end(Outcome.CANCELLED, cause, true);
    }

    @Override
    protected String completedWhen() {
        return "when the acquisition is granted";
    }

    @Override
    protected String withdrawnThing() {
        return "the acquisition";
    }

    /** Ends without a grant; {@code failure} null means cancelled. False when it had ended already. */
    private boolean fail(Outcome outcome, Throwable failure) {
        return end(outcome, failure, false);
    }

    /**
     * Ends without a grant; {@code failure} null means cancelled. {@code byCaller}: a withdrawal on
     * the caller's thread, which completes this future itself; otherwise an async caller's failure is
     * completed on the completions executor, off Redis' reply threads. False when it had ended already.
     */
    private boolean end(Outcome outcome, Throwable failure, boolean byCaller) {
        Permit toClose;
        CompletableFuture<Permit> admission;
        synchronized (this) {
            if (ended != null) {
                return false;
            }
            ended = outcome;
            toClose = local;
            local = null;
            admission = localFuture;
        }
        leaveWaiting();
        if (admission != null && !admission.isDone()) {
            admission.cancel(false);
        }
        if (toClose != null) {
            gate.closeLocal(toClose); // a Redisson wait still running releases what it gets (see replied)
        }
        report(outcome);
        if (failure == null || byCaller || thread != null) {
            failByOwner(failure);
        } else {
            gate.backend.completions.execute(() -> failByOwner(failure));
        }
        return true;
    }

    /** Withdraws the waiter entry and leaves the local count of waiters; called once, after the end. */
    private void leaveWaiting() {
        CompletableFuture<?> added;
        boolean dequeue;
        synchronized (this) {
            added = waiterAdded;
            dequeue = queued;
            waiterAdded = null;
            queued = false;
        }
        if (added != null) {
            gate.members.remove(waiterEntry, added, true);
        }
        if (dequeue) {
            gate.waiting(this, false);
        }
    }

    private void deliver(ClusterHold hold) {
        report(Outcome.ACQUIRED);
        if (thread != null) {
            if (!completeByOwner(hold)) {
                hold.close();
            }
        } else {
            gate.backend.completions.execute(() -> {
                if (!completeByOwner(hold)) {
                    hold.close();
                }
            });
        }
    }

    private void report(Outcome outcome) {
        gate.listener.onWaitEnded(gate.owner, System.nanoTime() - arrivedAt, outcome);
    }
}

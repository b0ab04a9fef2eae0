package dev.signalbox.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.signalbox.core.Durations;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Permit;
import dev.signalbox.redis.HoldScripts.HoldId;
import io.netty.util.Timeout;

/**
 * One caller's acquisition of a cluster primitive, and the future it gets.
 *
 * <p>The caller first waits in the local queue (FIFO among this instance's callers, with the
 * call's timeout). Once admitted, it tries Redis with the time left; if the primitive is taken
 * there, it registers as a waiter in Redis, subscribes to the primitive's release channel (through
 * {@link ReleaseSignal}) and tries again when a release is published, when the holder's lease would
 * end, or at least every third of a lease, until the deadline. Every Redis command is bounded by
 * its own timer, so a silent Redis ends the wait with {@code GuardUnavailableException} (or the local
 * fallback) within the call's timeout, not after Redisson's retries.
 *
 * <p>It ends exactly once, with one outcome reported to the listener: granted, timed out,
 * rejected (try-once, or Redis unavailable), cancelled or interrupted. Whatever ends it without a
 * grant gives back what it holds: the local queue's permit, its waiter entry in Redis, and a grant
 * that a Redis reply brings after the end (released at once). Those are given back only once no
 * command is in flight, so nothing arrives in Redis after its own clean-up.
 */
final class ClusterAcquisition extends CompletableFuture<Permit> {

    private static final long MIN_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final ClusterGate gate;
    private final Duration timeout;
    private final long timeoutNanos;
    private final long arrivedAt = System.nanoTime();
    /** The caller's thread when it blocks (or tries once), null for async callers. */
    private final Thread thread;
    private final HoldId id;
    private final String waiter;

    private Outcome ended;
    private Permit local;
    private CompletableFuture<Permit> localFuture;
    private boolean firstAttempt = true;
    private boolean inFlight;
    private boolean registered;
    private boolean retained;
    private boolean queued;
    private Runnable wakeUp;
    private Timeout retry;

    ClusterAcquisition(ClusterGate gate, int permits, Duration timeout, Thread thread) {
        this.gate = gate;
        this.timeout = Durations.requireTimeout(timeout);
        this.timeoutNanos = timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : timeout.toNanos();
        this.thread = thread;
        this.id = new HoldId(gate.backend.newHoldId(), permits, System.currentTimeMillis());
        this.waiter = gate.scripts.waiterEntry(id);
    }

    Instant arrivedAtInstant() {
        return Instant.ofEpochMilli(id.sinceMillis());
    }

    void start() {
        gate.listener.onArrival(gate.owner);
        if (timeoutNanos == 0) {
            Permit admitted = gate.queue.tryAcquire(id.permits());
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
        CompletableFuture<Permit> admission = gate.queue.acquireAsync(id.permits(), timeout);
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
            fail(cause instanceof GuardTimeoutException ? Outcome.TIMEOUT : Outcome.REJECTED,
                    cause instanceof GuardTimeoutException ? gate.timeout(timeout) : cause);
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
            admitted.close();
        } else {
            attempt();
        }
    }

    private long remaining() {
        return timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : timeoutNanos - (System.nanoTime() - arrivedAt);
    }

    private void attempt() {
        long remaining = remaining();
        String entry;
        long bound;
        long seen;
        long sentAt;
        HoldId previous = null;
        synchronized (this) {
            if (ended != null) {
                return;
            }
            if (!firstAttempt && remaining <= 0) {
                entry = null;
                bound = 0;
                seen = 0;
                sentAt = 0;
            } else {
                boolean tryOnce = timeoutNanos == 0 || remaining <= 0;
                entry = tryOnce ? "" : waiter;
                long floor = firstAttempt ? RedisBackend.MIN_COMMAND_NANOS : TimeUnit.MILLISECONDS.toNanos(1);
                bound = Math.max(floor, Math.min(remaining, gate.backend.commandBound(remaining)));
                firstAttempt = false;
                seen = gate.signal.epoch();
                sentAt = System.nanoTime();
                if (gate.backend.availability.knownDown()) {
                    entry = null;
                    bound = -1;
                } else {
                    inFlight = true;
                    registered |= !tryOnce;
                    previous = gate.takeHandedOver();
                }
            }
        }
        if (entry == null) {
            if (bound < 0) {
                redisUnavailable(null);
            } else {
                fail(Outcome.TIMEOUT, gate.timeout(timeout));
            }
            return;
        }
        boolean tryOnce = entry.isEmpty();
        HoldId takenOver = previous;
        gate.scripts.acquire(id, entry, previous, bound, bound >= RedisBackend.MIN_COMMAND_NANOS)
                .whenComplete((reply, error) -> {
                    if (error != null && takenOver != null) {
                        gate.scripts.release(takenOver); // best effort: else it ends with its lease
                    }
                    replied(reply, error, tryOnce, seen, sentAt);
                });
    }

    private void replied(Long reply, Throwable error, boolean tryOnce, long seen, long sentAt) {
        boolean granted = error == null && reply != null && reply > 0;
        Permit toClose = null;
        boolean forget = false;
        boolean abandoned;
        RedisHold hold = null;
        synchronized (this) {
            inFlight = false;
            abandoned = ended != null;
            if (abandoned) {
                toClose = local;
                local = null;
                forget = registered && !granted;
                registered = false;
            } else if (granted) {
                registered = false; // the granting script removed the waiter entry
                hold = new RedisHold(gate, id, local, gate.scripts.fenced() ? reply : 0L, sentAt, thread);
                local = null;
                ended = Outcome.ACQUIRED;
            }
        }
        if (abandoned) {
            if (granted) {
                gate.scripts.release(id);
            }
            if (forget) {
                gate.scripts.forgetWaiter(waiter);
            }
            if (toClose != null) {
                toClose.close();
            }
            return;
        }
        if (hold != null) {
            leaveWaiting();
            gate.granted(hold);
            hold.startRenewal();
            deliver(hold);
            return;
        }
        if (error != null) {
            redisUnavailable(error);
        } else if (tryOnce) {
            fail(timeoutNanos == 0 ? Outcome.REJECTED : Outcome.TIMEOUT, gate.timeout(timeout));
        } else {
            waitInRedis(Math.max(MIN_RETRY_NANOS, TimeUnit.MILLISECONDS.toNanos(-reply - 1)), seen);
        }
    }

    private void waitInRedis(long hintNanos, long seen) {
        long delay = Math.min(Math.min(hintNanos, gate.backend.pollNanos()), Math.max(0, remaining()));
        Runnable wake = new Runnable() {
            private final AtomicBoolean fired = new AtomicBoolean();

            @Override
            public void run() {
                if (fired.compareAndSet(false, true)) {
                    gate.signal.forget(this);
                    attempt();
                }
            }
        };
        boolean subscribe;
        synchronized (this) {
            if (ended != null) {
                return;
            }
            subscribe = !retained;
            retained = true;
            wakeUp = wake;
        }
        if (subscribe) {
            gate.signal.retain();
        }
        Timeout timer = gate.backend.schedule(wake, delay);
        synchronized (this) {
            retry = timer;
        }
        gate.signal.await(seen, wake);
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
            hold = new FallbackHold(gate, local, id.permits(), thread);
            local = null;
        }
        leaveWaiting();
        if (registeredForget()) {
            gate.scripts.forgetWaiter(waiter);
        }
        gate.granted(hold);
        deliver(hold);
    }

    private synchronized boolean registeredForget() {
        boolean forget = registered;
        registered = false;
        return forget;
    }

    /** Withdraws this acquisition for {@code outcome} ({@code CANCELLED} or {@code INTERRUPTED}); false when it has ended already. */
    boolean abandon(Outcome outcome) {
        return fail(outcome, null);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return abandon(Outcome.CANCELLED);
    }

    /** Ends without a grant; {@code failure} null means cancelled. False when it had ended already. */
    private boolean fail(Outcome outcome, Throwable failure) {
        Permit toClose = null;
        boolean forget = false;
        CompletableFuture<Permit> admission;
        synchronized (this) {
            if (ended != null) {
                return false;
            }
            ended = outcome;
            if (!inFlight) {
                toClose = local;
                local = null;
                forget = registered;
                registered = false;
            }
            admission = localFuture;
        }
        leaveWaiting();
        if (admission != null && !admission.isDone()) {
            admission.cancel(false);
        }
        if (forget) {
            gate.scripts.forgetWaiter(waiter);
        }
        if (toClose != null) {
            toClose.close();
        }
        report(outcome);
        if (failure == null) {
            super.cancel(false);
        } else if (thread != null) {
            completeExceptionally(failure);
        } else {
            gate.backend.completions.execute(() -> completeExceptionally(failure));
        }
        return true;
    }

    /** Stops the retry timer, the subscription and the local count of waiters; called once, after the end. */
    private void leaveWaiting() {
        Timeout timer;
        Runnable wake;
        boolean unsubscribe;
        boolean dequeue;
        synchronized (this) {
            timer = retry;
            wake = wakeUp;
            unsubscribe = retained;
            dequeue = queued;
            retry = null;
            wakeUp = null;
            retained = false;
            queued = false;
        }
        if (timer != null) {
            timer.cancel();
        }
        if (wake != null) {
            gate.signal.forget(wake);
        }
        if (unsubscribe) {
            gate.signal.release();
        }
        if (dequeue) {
            gate.waiting(this, false);
        }
    }

    private void deliver(ClusterHold hold) {
        report(Outcome.ACQUIRED);
        if (thread != null) {
            if (!complete(hold)) {
                hold.close();
            }
        } else {
            gate.backend.completions.execute(() -> {
                if (!complete(hold)) {
                    hold.close();
                }
            });
        }
    }

    private void report(Outcome outcome) {
        gate.listener.onWaitEnded(gate.owner, System.nanoTime() - arrivedAt, outcome);
    }
}

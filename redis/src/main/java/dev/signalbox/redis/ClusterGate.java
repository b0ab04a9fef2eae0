package dev.signalbox.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.signalbox.registry.ClusterMembers.Member;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.GuardUnavailableException;
import dev.signalbox.core.Holder;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Permit;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;

/**
 * The acquisition engine behind one side of a cluster primitive on this instance (a lock, a
 * semaphore, the read or the write side of a read-write lock) for one name and key: a caller first
 * queues in the {@link LocalQueue}, then competes in Redis with the time it has left (see
 * {@link ClusterAcquisition}). Keeps the holds granted here, for snapshots, {@code members()} and
 * lease renewal.
 */
final class ClusterGate {

    final RedisBackend backend;
    final Primitive owner;
    final String name;
    final Kind kind;
    final RedisKeys keys;
    /** {@code read} or {@code write} for the sides of a read-write lock, else null. */
    final String side;
    final LocalQueue queue;
    final HoldEngine engine;
    final RedisMembers members;
    final PrimitiveListener listener;
    private final Set<ClusterHold> holds = ConcurrentHashMap.newKeySet();
    private final Set<ClusterAcquisition> waiting = ConcurrentHashMap.newKeySet();
    /** A Redis hold left for the next local caller (see {@link #handOver}); only the local queue's holder touches it. */
    private final AtomicReference<LocalHandOver> parked = new AtomicReference<>();

    ClusterGate(RedisBackend backend, Primitive owner, String side, RedisKeys keys, LocalQueue queue, HoldEngine engine,
            PrimitiveListener listener) {
        this.backend = backend;
        this.owner = owner;
        this.name = owner.name();
        this.kind = owner.kind();
        this.side = side;
        this.keys = keys;
        this.queue = queue;
        this.engine = engine;
        this.members = new RedisMembers(backend, keys);
        this.listener = listener == null ? PrimitiveListener.NONE : listener;
    }

    /** Blocking acquisition: see {@link dev.signalbox.core.Acquirable#acquire(Duration)}. */
    Permit acquire(int permits, Duration timeout) throws InterruptedException {
        RedisTimer.refuseBlockingWait(describe()); // its timers (command bounds, retry waits) fire on that thread
        ClusterAcquisition acquisition = start(permits, timeout, Thread.currentThread());
        try {
            return acquisition.get();
        } catch (InterruptedException e) {
            if (!acquisition.abandon(Outcome.INTERRUPTED)) {
                Permit granted = awaitUninterruptibly(acquisition);
                if (granted != null) {
                    granted.close();
                }
            }
            throw e;
        } catch (ExecutionException e) {
            throw RedisRoundTrip.rethrow(e.getCause());
        }
    }

    /** Try-once: null when not available now; {@link GuardUnavailableException} when Redis does not answer. */
    Permit tryAcquire(int permits) {
        RedisTimer.refuseBlockingWait(describe());
        ClusterAcquisition acquisition = start(permits, Duration.ZERO, Thread.currentThread());
        Permit granted = awaitUninterruptibly(acquisition);
        if (granted == null && acquisition.isCompletedExceptionally()) {
            try {
                acquisition.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (!(e.getCause() instanceof GuardTimeoutException)) {
                    throw RedisRoundTrip.rethrow(e.getCause());
                }
            }
        }
        return granted;
    }

    CompletableFuture<Permit> acquireAsync(int permits, Duration timeout) {
        return start(permits, timeout, null);
    }

    private ClusterAcquisition start(int permits, Duration timeout, Thread thread) {
        ClusterAcquisition acquisition = new ClusterAcquisition(this, permits, timeout, thread);
        acquisition.start();
        return acquisition;
    }

    /** The permit once granted, or null when the acquisition failed; never throws, never gives up early. */
    private static Permit awaitUninterruptibly(ClusterAcquisition acquisition) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return acquisition.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                    return null;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Leaves {@code next} (a Redis hold still held) for the caller the local queue admits next, and
     * gives the local queue's permit back. That caller takes it instead of asking Redis
     * ({@link #takeHandOver}); if nobody takes it (the waiters timed out or were cancelled meanwhile),
     * {@link #closeLocal} releases it in Redis.
     */
    void handOver(LocalHandOver next, Permit local) {
        parked.set(next);
        closeLocal(local);
    }

    /** The Redis hold a predecessor left, or null; called only while holding the local queue's permit. */
    LocalHandOver takeHandOver() {
        return parked.getAndSet(null);
    }

    /**
     * Gives a local queue's permit back. When a hand-over is left behind and the local queue is free
     * afterwards (no caller was admitted to take it), takes the queue again and releases the hold in
     * Redis, so a hand-over nobody takes never keeps the lock from other instances.
     */
    void closeLocal(Permit local) {
        local.close();
        if (parked.get() == null) {
            return;
        }
        Permit again = queue.tryAcquire(1);
        if (again == null) {
            return; // a caller holds the queue: it takes the hand-over, or closes its permit through here
        }
        LocalHandOver unclaimed = parked.getAndSet(null);
        if (unclaimed == null) {
            again.close();
            return;
        }
        release(unclaimed).whenComplete((ignored, error) -> again.close());
    }

    /** Releases a hand-over's hold in Redis (and its members entry); completes when Redis has answered or failed. */
    CompletableFuture<?> release(LocalHandOver handOver) {
        handOver.entry.remove();
        if (backend.availability.knownDown()) {
            return CompletableFuture.completedFuture(null);
        }
        return engine.release(handOver.grant);
    }

    void waiting(ClusterAcquisition acquisition, boolean queued) {
        if (queued) {
            waiting.add(acquisition);
        } else {
            waiting.remove(acquisition);
        }
    }

    void granted(ClusterHold hold) {
        holds.add(hold);
    }

    void released(ClusterHold hold) {
        holds.remove(hold);
        if (listener != PrimitiveListener.NONE) {
            listener.onReleased(owner, System.nanoTime() - hold.acquiredAt);
        }
    }

    void leaseLost() {
        listener.onLeaseLost(owner);
    }

    /** Callers of this instance waiting, locally or in Redis. */
    int waitingCount() {
        return waiting.size();
    }

    /** Permits held by callers of this instance. */
    int heldPermits() {
        int held = 0;
        for (ClusterHold hold : holds) {
            held += hold.permits;
        }
        return held;
    }

    boolean isHeldBy(Thread thread) {
        for (ClusterHold hold : holds) {
            if (hold.thread == thread && hold.isHeld()) {
                return true;
            }
        }
        return false;
    }

    List<Holder> holders() {
        if (holds.isEmpty()) {
            return List.of();
        }
        Instant now = Instant.now();
        List<Holder> list = new ArrayList<>();
        for (ClusterHold hold : holds) {
            list.add(hold.describe(now));
        }
        list.sort(Comparator.comparing(Holder::since));
        return list;
    }

    /**
     * Holders and waiters across instances, from Redis ({@link RedisMembers}, one round trip), and this
     * instance's own from memory: all of its holds in Redis (also those too short-lived to be written
     * there yet) and all of its waiters; other instances' waiters are those waiting in Redis, the head
     * of each local queue. Local-fallback holds are not cluster holds and are not listed.
     */
    static List<Member> members(RedisBackend backend, RedisKeys keys, List<ClusterGate> gates) {
        List<Member> read;
        RedisTimer.refuseBlockingWait(keys.label());
        try {
            read = gates.get(0).members.read().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuardUnavailableException(keys.label(), "interrupted while reading who holds " + keys.label(), e);
        } catch (ExecutionException e) {
            throw new GuardUnavailableException(keys.label(), "could not read who holds " + keys.label() + " from Redis: "
                    + RedisAvailability.describe(e.getCause()), e.getCause());
        }
        Map<String, Member> byInstanceAndRole = new LinkedHashMap<>();
        for (Member member : read) {
            if (member.instance().equals(backend.instance)) {
                continue; // this instance's own are listed from memory below
            }
            add(byInstanceAndRole, member);
        }
        for (ClusterGate gate : gates) {
            for (ClusterHold hold : gate.holds) {
                if (hold instanceof RedisHold && hold.isHeld() && !hold.isLost()) {
                    add(byInstanceAndRole, new Member(backend.instance, "holder", hold.permits, hold.since()));
                }
            }
            for (ClusterAcquisition acquisition : gate.waiting) {
                add(byInstanceAndRole, new Member(backend.instance, "waiter", 1, acquisition.arrivedAtInstant()));
            }
        }
        return List.copyOf(byInstanceAndRole.values());
    }

    private static void add(Map<String, Member> members, Member member) {
        members.merge(member.instance() + "|" + member.role(), member, (a, b) -> new Member(a.instance(), a.role(),
                a.count() + b.count(), a.since().isBefore(b.since()) ? a.since() : b.since()));
    }

    GuardTimeoutException timeout(Duration timeout) {
        return new GuardTimeoutException(name, kind, timeout);
    }

    GuardUnavailableException unavailable(Duration timeout, Throwable cause) {
        String why = cause == null ? "Redis failed less than " + TimeUnit.NANOSECONDS.toMillis(RedisAvailability.RETRY_AFTER_NANOS)
                + "ms ago and is not tried again yet" : RedisAvailability.describe(cause);
        return new GuardUnavailableException(name, describe() + " is unavailable: Redis did not answer (" + why
                + "); the call holds nothing. Check that Redis is reachable, or set signalbox.redis.on-unavailable: local"
                + " to fall back to local guards while it is not", cause);
    }

    String describe() {
        return "cluster " + kind.tag() + (side == null ? "" : " (" + side + " side)") + " " + keys.label();
    }

    @Override
    public String toString() {
        return describe() + " (" + heldPermits() + " held here, " + waitingCount() + " waiting here)";
    }
}

package dev.signalbox.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How a hold of one sort (lock, semaphore permits, read or write side) is acquired, renewed and
 * released in Redis: which {@link RedisScripts} it runs, on which keys, with which arguments.
 */
abstract sealed class HoldScripts {

    final RedisBackend backend;
    final RedisKeys keys;
    /** The side letter written into waiter entries: {@code x s r w}. */
    private final char side;

    private HoldScripts(RedisBackend backend, RedisKeys keys, char side) {
        this.backend = backend;
        this.keys = keys;
        this.side = side;
    }

    static HoldScripts lock(RedisBackend backend, RedisKeys keys) {
        return new Exclusive(backend, keys, 'x');
    }

    static HoldScripts write(RedisBackend backend, RedisKeys keys) {
        return new Exclusive(backend, keys, 'w');
    }

    static HoldScripts read(RedisBackend backend, RedisKeys keys) {
        return new Shared(backend, keys, keys.readers(), 'r', 0);
    }

    static HoldScripts semaphore(RedisBackend backend, RedisKeys keys, int capacity) {
        return new Shared(backend, keys, keys.main(), 's', capacity);
    }

    /** The waiter entry of a hold id, as registered in {@link RedisKeys#waiting()}. */
    final String waiterEntry(HoldId hold) {
        return hold.id() + "|" + backend.instance + "|" + hold.sinceMillis() + "|" + side;
    }

    /**
     * One acquisition attempt. Resolves to a fencing token or 1 when granted, else to
     * {@code -(ms worth waiting) - 1}. {@code waiter} is the entry registering the caller as a waiter
     * in Redis, or empty for a try-once attempt; {@code previous}, when not null, is a hold of this
     * instance handed over to this caller (locks only, see {@link RedisScripts#LOCK_ACQUIRE}).
     */
    abstract CompletableFuture<Long> acquire(HoldId hold, String waiter, HoldId previous, long boundNanos, boolean marksDown);

    /** Extends the lease; resolves to 1 when the hold was still ours, 0 when it was lost. */
    abstract CompletableFuture<Long> renew(HoldId hold);

    /** Gives the hold back; resolves to 1 when it was still ours, 0 when it was lost already. */
    abstract CompletableFuture<Long> release(HoldId hold);

    /** True when grants of this side carry fencing tokens. */
    abstract boolean fenced();

    /** True when a hold of this side may be handed to the next local caller in one round trip (locks). */
    final boolean handsOver() {
        return side == 'x';
    }

    /** Withdraws a waiter entry (a caller that gave up); best effort. */
    final void forgetWaiter(String waiter) {
        backend.call("withdraw a waiter of " + keys.label(), RedisScripts.WAITER_REMOVE, backend.maintenanceBound(), true, null,
                List.of(keys.waiting()), waiter);
    }

    /**
     * Undoes an attempt whose reply arrived after its caller had stopped waiting for it (the
     * command's bound ran out): releases its grant, or withdraws the waiter entry it registered.
     */
    final void undoLate(HoldId hold, String waiter, Long reply) {
        if (reply != null && reply > 0) {
            release(hold);
        } else if (!waiter.isEmpty()) {
            forgetWaiter(waiter);
        }
    }

    /** A lock, or the writer of a read-write lock: one holder, in the hash at the main key, fenced. */
    private static final class Exclusive extends HoldScripts {

        Exclusive(RedisBackend backend, RedisKeys keys, char side) {
            super(backend, keys, side);
        }

        @Override
        CompletableFuture<Long> acquire(HoldId hold, String waiter, HoldId previous, long boundNanos, boolean marksDown) {
            String what = "acquire " + keys.label();
            if (isWrite()) {
                return backend.call(what, RedisScripts.WRITE_ACQUIRE, boundNanos, marksDown, reply -> undoLate(hold, waiter, reply),
                        List.of(keys.main(), keys.readers(), keys.fence(), keys.waiting()),
                        hold.id(), backend.leaseMillis, backend.instance, hold.sinceMillis(), waiter);
            }
            return backend.call(what, RedisScripts.LOCK_ACQUIRE, boundNanos, marksDown, reply -> undoLate(hold, waiter, reply),
                    List.of(keys.main(), keys.fence(), keys.waiting()),
                    hold.id(), backend.leaseMillis, backend.instance, hold.sinceMillis(), waiter,
                    previous == null ? "" : previous.id(), keys.channel());
        }

        private boolean isWrite() {
            return waiterSide() == 'w';
        }

        @Override
        CompletableFuture<Long> renew(HoldId hold) {
            return backend.call("renew the lease of " + keys.label(), RedisScripts.HASH_RENEW, backend.maintenanceBound(), true, null,
                    List.of(keys.main()), hold.id(), backend.leaseMillis);
        }

        @Override
        CompletableFuture<Long> release(HoldId hold) {
            return backend.call("release " + keys.label(), RedisScripts.HASH_RELEASE, backend.maintenanceBound(), true, null,
                    List.of(keys.main(), keys.waiting()), hold.id(), keys.channel());
        }

        @Override
        boolean fenced() {
            return true;
        }
    }

    /** Semaphore permits or a reader: entries in a sorted set scored by the end of their lease. */
    private static final class Shared extends HoldScripts {

        private final String holders;
        /** The semaphore's permits; 0 for readers (no limit). */
        private final int capacity;

        Shared(RedisBackend backend, RedisKeys keys, String holders, char side, int capacity) {
            super(backend, keys, side);
            this.holders = holders;
            this.capacity = capacity;
        }

        @Override
        CompletableFuture<Long> acquire(HoldId hold, String waiter, HoldId previous, long boundNanos, boolean marksDown) {
            String what = "acquire " + keys.label();
            String entry = hold.entry(backend.instance);
            if (capacity == 0) {
                return backend.call(what, RedisScripts.READ_ACQUIRE, boundNanos, marksDown, reply -> undoLate(hold, waiter, reply),
                        List.of(keys.main(), keys.readers(), keys.waiting()), entry, backend.leaseMillis, waiter);
            }
            return backend.call(what, RedisScripts.SEMAPHORE_ACQUIRE, boundNanos, marksDown, reply -> undoLate(hold, waiter, reply),
                    List.of(keys.main(), keys.waiting()), entry, hold.permits(), capacity, backend.leaseMillis, waiter);
        }

        @Override
        CompletableFuture<Long> renew(HoldId hold) {
            return backend.call("renew the lease of " + keys.label(), RedisScripts.SET_RENEW, backend.maintenanceBound(), true, null,
                    List.of(holders), hold.entry(backend.instance), backend.leaseMillis);
        }

        @Override
        CompletableFuture<Long> release(HoldId hold) {
            return backend.call("release " + keys.label(), RedisScripts.SET_RELEASE, backend.maintenanceBound(), true, null,
                    List.of(holders, keys.waiting()), hold.entry(backend.instance), keys.channel());
        }

        @Override
        boolean fenced() {
            return false;
        }
    }

    final char waiterSide() {
        return side;
    }

    /**
     * The identity of one hold, fixed before its first attempt so that retries, renewals and the
     * release all name the same entry in Redis.
     *
     * @param id          unique across instances
     * @param permits     how many permits it holds (1 except for semaphores)
     * @param sinceMillis when its caller arrived, instance clock (shown to operators)
     */
    record HoldId(String id, int permits, long sinceMillis) {

        /** The entry in a holder set: {@code id|permits|instance|since}. */
        String entry(String instance) {
            return id + "|" + permits + "|" + instance + "|" + sinceMillis;
        }
    }
}

package dev.signalbox.redis;

import dev.signalbox.redis.HoldEngine.Grant;

/**
 * One Redis grant of a cluster lock as it passes from one local caller to the next, without a Redis
 * round trip (see {@link ClusterGate#handOver}). The grant stays the same Redisson hold (same
 * synthetic thread id, same lease, renewed by Redisson's watchdog and checked by whichever
 * {@link RedisHold} holds it now); each hand-over takes the next {@link #sequence}.
 *
 * <p><b>Bound.</b> A grant is handed on at most {@link #MAX_HOLDS}{@code - 1} times, and only within a
 * thirtieth of a lease of the Redis grant; and never once Redis has shown a caller of another
 * instance waiting for this lock (read from {@link RedisMembers} when the first hand-over of a grant
 * happens, without waiting for it). Then the holder releases in Redis, and every instance's head
 * competes for it again.
 *
 * <p><b>Fencing.</b> A hold's token is {@code redissonToken << SEQUENCE_BITS | sequence}: Redisson's
 * token grows with every Redis grant of this name and key, the sequence with every hand-over within
 * one (0 for the Redis grant itself, below {@code MAX_HOLDS <= 2^SEQUENCE_BITS}), so tokens grow
 * strictly with every grant, local or in Redis, across instances.
 */
final class LocalHandOver {

    /** Bits of a lock's fencing token that count the hand-overs within one Redis grant. */
    static final int SEQUENCE_BITS = 20;
    /** Holds per Redis grant: the grant itself and at most {@code MAX_HOLDS - 1} hand-overs. */
    static final int MAX_HOLDS = 32;

    final Grant grant;
    /** When the granting command was sent (the lease runs from no earlier). */
    final long grantedAt;
    /** This grant's entry in the members registry; kept across hand-overs. */
    final RedisMembers.HolderEntry entry;
    /** The sequence of the hold that has it now. */
    final int sequence;
    /** When Redis last confirmed the grant (carried from hold to hold). */
    final long confirmedAt;
    /** Shared by every hold of one Redis grant: set once Redis shows another instance waiting. */
    final OthersWaiting othersWaiting;

    LocalHandOver(Grant grant, long grantedAt, RedisMembers.HolderEntry entry, int sequence, long confirmedAt,
            OthersWaiting othersWaiting) {
        this.grant = grant;
        this.grantedAt = grantedAt;
        this.entry = entry;
        this.sequence = sequence;
        this.confirmedAt = confirmedAt;
        this.othersWaiting = othersWaiting;
    }

    /** The fencing token of the hold with {@code sequence} on {@code grant}. */
    static long token(Grant grant, int sequence) {
        return grant.token() << SEQUENCE_BITS | sequence;
    }

    /** Whether callers of other instances wait for the lock, as last read from Redis; one per Redis grant. */
    static final class OthersWaiting {

        private volatile boolean read;
        private volatile boolean waiting;

        /** Reads the registry once per Redis grant (asynchronously); later calls only report what was read. */
        boolean check(ClusterGate gate) {
            if (!read) {
                read = true;
                gate.members.read().whenComplete((members, error) -> {
                    if (members != null) {
                        for (var member : members) {
                            if (member.role().equals("waiter") && !member.instance().equals(gate.backend.instance)) {
                                waiting = true;
                            }
                        }
                    }
                });
            }
            return waiting;
        }
    }
}

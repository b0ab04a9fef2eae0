package dev.signalbox.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.redisson.api.RBatch;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RScoredSortedSetAsync;
import org.redisson.client.codec.StringCodec;

import dev.signalbox.registry.ClusterMembers.Member;

/**
 * Who holds and who waits in Redis for one name and key, across instances, for operators
 * ({@code members()}); bookkeeping only, never consulted to grant anything. Two Redisson sorted sets,
 * {@link RedisKeys#holders()} and {@link RedisKeys#waiting()}, of entries
 * {@code holdId|instance|since|permits} scored by when they expire (this instance's clock, one lease
 * ahead). A waiter's entry is written when it starts waiting in Redis (only the heads of local
 * queues do). A holder's entry ({@link HolderEntry}) is written only once the hold has lasted
 * {@link #REGISTER_AFTER_NANOS}, then refreshed with each lease check: the holds that matter to an
 * operator are the long ones, and a short hold then costs Redis exactly the commands of Redisson's
 * own lock. An instance lists its own holders from memory, so only other instances miss holds shorter
 * than that. Each write also sets the key to expire one lease later, and the last removal deletes it,
 * so idle keys leave nothing behind. Writes are pipelined ({@link RBatch}) and not waited for;
 * failures are ignored (the entry expires).
 */
final class RedisMembers {

    /** How long a hold lasts before other instances see it in {@code members()}. */
    static final long REGISTER_AFTER_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);

    private final RedisBackend backend;
    private final RedisKeys keys;

    RedisMembers(RedisBackend backend, RedisKeys keys) {
        this.backend = backend;
        this.keys = keys;
    }

    HolderEntry holder(String holdId, int permits, long sinceMillis) {
        return new HolderEntry(holdId + "|" + backend.instance + "|" + sinceMillis + "|" + permits);
    }

    String waiterEntry(String holdId, long sinceMillis) {
        return holdId + "|" + backend.instance + "|" + sinceMillis + "|1";
    }

    /** Writes (or refreshes) {@code entry}; completes when Redis has answered or failed. */
    CompletableFuture<?> add(String entry, boolean waiter) {
        try {
            RBatch batch = backend.client.createBatch();
            RScoredSortedSetAsync<String> set = batch.getScoredSortedSet(key(waiter), StringCodec.INSTANCE);
            set.addAsync(System.currentTimeMillis() + backend.leaseMillis, entry);
            set.expireAsync(Duration.ofMillis(backend.leaseMillis));
            return batch.executeAsync().toCompletableFuture().exceptionally(e -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** Removes {@code entry} once {@code added} (its write) has completed, so the removal cannot overtake it. */
    void remove(String entry, CompletableFuture<?> added, boolean waiter) {
        added.whenComplete((ignored, error) -> {
            try {
                set(waiter).removeAsync(entry);
            } catch (RuntimeException e) {
                // the entry expires with its score and the key with its TTL
            }
        });
    }

    /** Unexpired holders and waiters, from Redis (two commands, sent together), bounded like every maintenance call. */
    CompletableFuture<List<Member>> read() {
        double now = System.currentTimeMillis();
        return backend.<List<Member>>call("read the members of " + keys.label(), () -> {
            var holders = set(false).valueRangeAsync(now, false, Double.POSITIVE_INFINITY, true).toCompletableFuture();
            var waiters = set(true).valueRangeAsync(now, false, Double.POSITIVE_INFINITY, true).toCompletableFuture();
            return holders.thenCombine(waiters, (h, w) -> {
                List<Member> members = new ArrayList<>();
                parse(h, "holder", members);
                parse(w, "waiter", members);
                return members;
            });
        }, backend.maintenanceBound(), true, null);
    }

    private static void parse(Collection<String> entries, String role, List<Member> into) {
        for (String entry : entries) {
            String[] fields = entry.split("\\|");
            if (fields.length == 4) {
                into.add(new Member(fields[1], role, Integer.parseInt(fields[3]), Instant.ofEpochMilli(Long.parseLong(fields[2]))));
            }
        }
    }

    private String key(boolean waiter) {
        return waiter ? keys.waiting() : keys.holders();
    }

    private RScoredSortedSet<String> set(boolean waiter) {
        return backend.client.getScoredSortedSet(key(waiter), StringCodec.INSTANCE);
    }

    /**
     * A holder's entry: written once by {@link #register()} (when the hold has lasted
     * {@link #REGISTER_AFTER_NANOS}), rewritten by {@link #refresh()} with each lease check, removed
     * once; nothing is written after the removal. Shared by the local holds a Redis grant is handed over to.
     */
    final class HolderEntry {

        private final String value;
        /** The last write, null until the first; removals wait for it so they cannot overtake it. */
        private CompletableFuture<?> written;
        private boolean removed;

        private HolderEntry(String value) {
            this.value = value;
        }

        /** Writes the entry, unless it was written or removed already. */
        synchronized void register() {
            if (written == null && !removed) {
                written = add(value, false);
            }
        }

        /** Writes the entry again (a new expiry), if it was registered and not removed. */
        synchronized void refresh() {
            if (written != null && !removed) {
                written = add(value, false);
            }
        }

        synchronized void remove() {
            if (!removed) {
                removed = true;
                if (written != null) {
                    RedisMembers.this.remove(value, written, false);
                }
            }
        }
    }
}

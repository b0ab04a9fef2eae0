package dev.signalbox.redis;

/**
 * Where one cluster primitive (a name, and a key or none) keeps its state in Redis. The main key is
 * {@code keyPrefix + "{" + name + "}"}, or {@code keyPrefix + "{" + name + ":" + key + "}"}: the
 * name of the Redisson object (fenced lock, read-write lock, expirable-permit semaphore). The braces
 * are a Redis Cluster hash tag, so the keys Redisson derives from it ({@code redisson_lock_token:},
 * {@code :timeout}, ...) and ours (suffixes {@code :fence}, {@code :holders}, {@code :waiting}) hash to
 * one slot.
 *
 * @param main    the Redisson object's name
 * @param label   the name and key as shown in messages, e.g. {@code transfer [acct-1]}
 */
record RedisKeys(String main, String label) {

    static RedisKeys of(String prefix, String name, String key) {
        String id = key == null ? name : name + ":" + key;
        return new RedisKeys(prefix + "{" + id + "}", key == null ? "'" + name + "'" : "'" + name + "' [key " + key + "]");
    }

    /** The write side's fencing-token counter of a read-write lock (a Redisson atomic long; never expires). */
    String fence() {
        return main + ":fence";
    }

    /** Who holds, for operators ({@link RedisMembers}). */
    String holders() {
        return main + ":holders";
    }

    /** Who waits in Redis, for operators ({@link RedisMembers}). */
    String waiting() {
        return main + ":waiting";
    }
}

package dev.signalbox.redis;

/**
 * Where one cluster primitive (a name, and a key or none) keeps its state in Redis. The main key is
 * {@code keyPrefix + "{" + name + "}"}, or {@code keyPrefix + "{" + name + ":" + key + "}"}; the
 * braces are a Redis Cluster hash tag, so the main key and the keys derived from it (suffixes
 * {@code :fence}, {@code :readers}, {@code :waiting}) hash to one slot and one Lua script may use
 * them together. Every one of them carries a TTL of at most one lease, or is deleted on release.
 *
 * @param main    the lock hash, or the semaphore's holder set
 * @param label   the name and key as shown in messages, e.g. {@code transfer [acct-1]}
 */
record RedisKeys(String main, String label) {

    static RedisKeys of(String prefix, String name, String key) {
        String id = key == null ? name : name + ":" + key;
        return new RedisKeys(prefix + "{" + id + "}", key == null ? "'" + name + "'" : "'" + name + "' [key " + key + "]");
    }

    /** The last fencing token handed out (a counter seeded from Redis' clock). */
    String fence() {
        return main + ":fence";
    }

    /** The readers of a read-write lock: a sorted set of holds scored by the end of their lease. */
    String readers() {
        return main + ":readers";
    }

    /** Who waits in Redis: a sorted set of waiting callers scored by when their registration expires. */
    String waiting() {
        return main + ":waiting";
    }

    /** The pub/sub channel on which a release wakes the waiters of other instances. */
    String channel() {
        return main + ":released";
    }
}

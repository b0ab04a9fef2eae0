package dev.signalbox.redis.testing;

import java.time.Duration;

/**
 * What runs the Redis of a {@link RedisServer}: a {@code redis-server} child process
 * ({@link ProcessRedis}) or a container ({@link ContainerRedis}). {@link RedisServer} checks that it
 * is running where that matters, waits for it to answer, and talks to it over the network; a backing
 * only starts, stops and signals it, always on the same host port.
 */
interface RedisBacking {

    /** The host that reaches it. */
    String host();

    /** What it is, for messages: e.g. {@code redis-server process} or {@code container 0123abcd (redis:7-alpine)}. */
    String describe();

    /** How long a (re)start may take to answer PING. */
    Duration startTimeout();

    /** Starts it, the first time or again after stop/kill; returns once it runs, maybe before it answers. */
    void start();

    /** Running (a paused one too). */
    boolean isRunning();

    /** Why it stopped while starting, for the error (e.g. its exit code and where its log is). */
    String exitReport();

    /** Stops it gracefully and waits until it has exited. */
    void stop();

    /** Kills it at once, like a crash, and waits until it has exited. */
    void kill();

    /** Freezes it: connections stay open but nothing answers. A paused one stays paused. */
    void pause();

    /** Thaws it; a running one that is not paused stays as it is. */
    void resume();

    /** The process id, where there is one to signal. */
    long pid();

    /** Ends it for good and frees what it held. */
    void close();
}

package dev.signalbox.core;

import java.util.OptionalLong;

/**
 * What the guard around the running code says about its hold; today, the fencing token.
 *
 * <p>{@link #fencingToken()} is present inside a method holding a cluster {@code EXCLUSIVE} or
 * {@code WRITE} guard (one key, or none), and in everything that method calls on the same thread:
 * the token of the innermost such guard. Pass it to a store that remembers the highest token it has
 * accepted per guard and key and refuses lower ones: a holder whose lease ran out (paused, cut off
 * from Redis) and who has been superseded then cannot overwrite the newer holder's data. It is empty
 * everywhere else: outside guarded methods, in local guards, semaphores and READ holds, and for a
 * guard over several keys (each key has its own token sequence, so no single number fences them all).
 *
 * <p>For an async method ({@code CompletableFuture}, {@code Mono}, {@code Flux}) the token is present
 * while the method itself runs, that is while it builds its future or publisher; stages and
 * operators that run later, on other threads, do not see it: read it in the method and capture it.
 *
 * <p>The interceptor of {@code signalbox-spring-boot-autoconfigure} sets the token around the body
 * through {@link #enter(long)}; application code only reads it.
 */
public final class GuardContext {

    private static final ThreadLocal<Frame> CURRENT = new ThreadLocal<>();

    private GuardContext() {
    }

    /** The fencing token of the innermost cluster exclusive or write guard held here; see the class comment. */
    public static OptionalLong fencingToken() {
        Frame frame = CURRENT.get();
        return frame == null ? OptionalLong.empty() : OptionalLong.of(frame.token);
    }

    /**
     * Makes {@code token} the current fencing token of this thread until the returned frame is
     * closed, which restores the previous one. For interceptors running a guarded body; close it on
     * the same thread, in reverse order of entering (try-with-resources).
     */
    public static Frame enter(long token) {
        Frame frame = new Frame(token, CURRENT.get());
        CURRENT.set(frame);
        return frame;
    }

    /** One fenced body's stretch of a thread; {@link #close()} restores what was current before. */
    public static final class Frame implements AutoCloseable {

        private final long token;
        private final Frame outer;

        private Frame(long token, Frame outer) {
            this.token = token;
            this.outer = outer;
        }

        @Override
        public void close() {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }
}

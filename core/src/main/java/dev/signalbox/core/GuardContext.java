package dev.signalbox.core;

import java.util.OptionalLong;

import dev.signalbox.spi.FencingScope;

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
 * <p>The interceptor of {@code signalbox-spring} sets the token around the body (through
 * Signalbox's SPI, {@code dev.signalbox.spi.FencingScope}); application code only reads it.
 */
public final class GuardContext {

    private GuardContext() {
    }

    /** The fencing token of the innermost cluster exclusive or write guard held here; see the class comment. */
    public static OptionalLong fencingToken() {
        return FencingScope.current();
    }
}

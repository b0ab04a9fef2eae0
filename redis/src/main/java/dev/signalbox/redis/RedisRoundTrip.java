package dev.signalbox.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.redisson.client.RedisException;

import dev.signalbox.core.Durations;
import dev.signalbox.core.GuardUnavailableException;

/**
 * One Redis round trip of a rate limiter or barrier, and the timeout arithmetic every Redis primitive
 * shares. The round trip runs under {@link RedisBackend#call} (the one way to bound a Redis call, which
 * also records Redis' availability for every primitive of the backend): Redisson retries a failed
 * command ({@code retryAttempts} times {@code retryDelay}), which can outlast a caller's timeout, so
 * every call here waits at most the time its caller has and then gives up with
 * {@link GuardUnavailableException}. A call given up on may still run in Redis later; callers that
 * take or reserve something there account for that.
 */
final class RedisRoundTrip {

    /**
     * How long a call that has no time of its own (a zero timeout, a query, a give-up) waits for Redis'
     * answer: such a call cannot be decided without one round trip, so it gets this much.
     */
    static final Duration UNTIMED_BOUND = Duration.ofSeconds(1);

    private static final long UNTIMED_BOUND_NANOS = UNTIMED_BOUND.toNanos();
    private static final Duration LONGEST_IN_NANOS = Duration.ofNanos(Long.MAX_VALUE);

    private RedisRoundTrip() {
    }

    /** The timeout in nanoseconds, {@link Long#MAX_VALUE} for {@link Durations#FOREVER} (and anything as long). */
    static long nanos(Duration timeout) {
        Durations.requireTimeout(timeout);
        return timeout.compareTo(LONGEST_IN_NANOS) >= 0 ? Long.MAX_VALUE : timeout.toNanos();
    }

    /** The bound of a round trip for a call that has {@code remainingNanos} left: that, or {@link #UNTIMED_BOUND} when it has none. */
    static long boundFor(long remainingNanos) {
        return remainingNanos > 0L ? remainingNanos : UNTIMED_BOUND_NANOS;
    }

    /** {@code now + nanos}, saturated at {@link Long#MAX_VALUE} ("never"). */
    static long deadline(long now, long nanos) {
        return nanos == Long.MAX_VALUE || now + nanos < now ? Long.MAX_VALUE : now + nanos;
    }

    /** Nanoseconds left until {@code deadline} (at least 0), or {@link Long#MAX_VALUE} when it is "never". */
    static long remaining(long deadline) {
        return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0L, deadline - System.nanoTime());
    }

    /**
     * Waits at most {@code boundNanos} for {@code call}, bounded and recorded by {@link RedisBackend#call}
     * (and by this wait, so that it ends in time also on the {@link RedisTimer} thread).
     *
     * @param subject what the call is for, e.g. {@code rate limit 'fraud-api' (cluster)}
     * @param doing   what it does, for the message, e.g. {@code taking a token}
     * @throws GuardUnavailableException when Redis failed or did not answer in time
     */
    static <T> T await(RedisBackend backend, CompletionStage<T> call, long boundNanos, String primitiveName, String subject,
            String doing) throws InterruptedException {
        RedisBackend.Call<T> bounded = bounded(backend, call, boundNanos, subject, doing);
        try {
            try {
                return bounded.get(boundNanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // This wait's clock ran out before the bound's timer fired: decide the call here, so that the
                // outage is known to the backend's other primitives before this caller sees the failure.
                bounded.expire();
                return bounded.get(); // decided now: the expiry, or a reply that came in between
            }
        } catch (ExecutionException e) {
            throw translate(e.getCause(), boundNanos, primitiveName, subject, doing);
        }
    }

    /**
     * The async form of {@link #await}: the returned future completes on the {@link RedisTimer} thread with
     * the reply, or fails with {@link GuardUnavailableException} when Redis failed or did not answer
     * within {@code boundNanos} ({@link Long#MAX_VALUE}: no bound).
     */
    static <T> CompletableFuture<T> async(RedisBackend backend, CompletionStage<T> call, long boundNanos, String primitiveName,
            String subject, String doing) {
        CompletableFuture<T> result = new CompletableFuture<>();
        bounded(backend, call, boundNanos, subject, doing).whenComplete((value, error) -> RedisTimer.execute(() -> {
            if (error == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(translate(unwrap(error), boundNanos, primitiveName, subject, doing));
            }
        }));
        return result;
    }

    /**
     * {@code call} under {@link RedisBackend#call}: a failure counts as Redis being down, and so does
     * silence for a whole bound of at least {@link RedisBackend#MIN_COMMAND_NANOS} (a shorter bound is
     * only the caller's short timeout, as for the locks).
     */
    private static <T> RedisBackend.Call<T> bounded(RedisBackend backend, CompletionStage<T> call, long boundNanos,
            String subject, String doing) {
        return backend.call(subject + ", " + doing, () -> call, boundNanos, boundNanos >= RedisBackend.MIN_COMMAND_NANOS, null);
    }

    private static String silence(long boundNanos) {
        return "Redis did not answer within " + Durations.format(Duration.ofNanos(boundNanos));
    }

    /**
     * Starts a Redis call; one that throws instead of returning a future (a client shut down, a bad
     * argument) becomes a failed future, so that callers always get an answer to wait on.
     */
    static <T> CompletionStage<T> start(java.util.function.Supplier<? extends CompletionStage<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** True when {@code error} (or what it wraps) is this class's verdict that Redis could not be used. */
    static boolean isUnavailable(Throwable error) {
        return unwrap(error) instanceof GuardUnavailableException;
    }

    static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** The failure of a wait, to throw from a blocking call: runtime exceptions as they are, errors thrown, the rest wrapped. */
    static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }

    /**
     * Any failure of a Redis call means Redis could not serve it: Redisson's own exceptions, and also
     * Netty's when a connection closes under the call ({@code ClosedChannelException} and the like).
     */
    private static RuntimeException translate(Throwable cause, long boundNanos, String primitiveName, String subject,
            String doing) {
        if (cause instanceof GuardUnavailableException unavailable) {
            return unavailable;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        if (cause instanceof TimeoutException) {
            return unavailable(primitiveName, subject, doing, silence(boundNanos), cause);
        }
        String what = cause instanceof RedisException ? "Redis failed: " + cause.getMessage()
                : "the connection to Redis failed: " + cause;
        return unavailable(primitiveName, subject, doing, what, cause);
    }

    static GuardUnavailableException unavailable(String primitiveName, String subject, String doing, String what, Throwable cause) {
        return new GuardUnavailableException(primitiveName, subject + ": " + what + " while " + doing
                + "; nothing is held. Retry later, check the connection to Redis, or set signalbox.redis.on-unavailable: local"
                + " to fall back to a per-instance primitive while Redis is away", cause);
    }
}

package dev.signalbox.core.contract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.core.Kind;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimitExceededException;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.Snapshot;
import dev.signalbox.testing.RecordingListener;
import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What every {@link RateLimiter} promises, whatever backs it, with the real clock: concurrent calls
 * admit exactly the limit, admissions over any window stay within the bucket's bound
 * ({@code limit + T * limit / per}), waiting calls are granted within it, a waiting call's tokens are
 * not taken by later calls, withdrawn waits leave the queue, a rejection says when to retry
 * ({@link RateLimitExceededException#getRetryAfter()}: positive, at most {@code per}), async waits
 * park no thread, and every call ends in exactly one reported outcome with nothing released. Exact
 * timings (retry-after to the nanosecond, rejection at arrival) are the local limiter's, checked with
 * a fake clock in core's RateLimiterTest: a cluster limiter cannot know in advance when its window frees.
 */
public abstract class RateLimiterContract extends PrimitiveContract {

    protected final RecordingListener listener = new RecordingListener();

    /** A new limiter named {@code name}: {@code limit} tokens per {@code per}, full, reporting to {@code listener}. */
    protected abstract RateLimiter newRateLimiter(String name, int limit, Duration per, PrimitiveListener listener);

    /**
     * How far the limiter's clock may be from the test's when admissions are bounded by their calls'
     * timestamps: zero for a limiter on {@link System#nanoTime()}; a limiter timed in whole
     * milliseconds (of another clock) says how much.
     */
    protected Duration clockMargin() {
        return Duration.ZERO;
    }

    @AfterEach
    public void everyCallEndedInOneReportedOutcomeAndNothingWasReleased() {
        assertThat(listener.waitsEnded()).as("every arrival ends its wait exactly once").isEqualTo(listener.arrivals());
        assertThat(listener.releases()).as("tokens are never given back").isZero();
        assertThat(listener.negativeDurations()).isZero();
        assertThat(listener.reporters()).allMatch(p -> p.kind() == Kind.RATE_LIMITER);
    }

    @Test
    public void badArgumentsAreRejectedWithTheNameAndTheFix() {
        assertThatThrownBy(() -> newRateLimiter("api", 0, Duration.ofSeconds(1), PrimitiveListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'api'").hasMessageContaining("at least 1");
        assertThatThrownBy(() -> newRateLimiter("api", 5, Duration.ZERO, PrimitiveListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'api'").hasMessageContaining("positive");
        assertThatThrownBy(() -> newRateLimiter("api", 5, Duration.ofSeconds(-1), PrimitiveListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> newRateLimiter("api", 5, null, PrimitiveListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> newRateLimiter(" ", 5, Duration.ofSeconds(1), PrimitiveListener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        RateLimiter limiter = newRateLimiter("api", 5, Duration.ofSeconds(1), PrimitiveListener.NONE);
        assertThatThrownBy(() -> limiter.tryAcquire(6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 5");
        assertThatThrownBy(() -> limiter.tryAcquire(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> limiter.acquire(1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void reportsItsKindLimitAndSnapshot() {
        RateLimiter limiter = newRateLimiter("api", 7, Duration.ofSeconds(2), PrimitiveListener.NONE);
        assertThat(limiter.kind()).isEqualTo(Kind.RATE_LIMITER);
        assertThat(limiter.limit()).isEqualTo(7);
        assertThat(limiter.per()).isEqualTo(Duration.ofSeconds(2));
        assertThat(limiter.snapshot()).isEqualTo(new Snapshot("api", Kind.RATE_LIMITER, 0, 0, 7, List.of()));
        assertThat(limiter.isIdle()).isTrue();
    }

    /** Calls racing for a full bucket whose refill over the test is a small fraction of a token: exactly the limit gets in. */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    public void concurrentCallsAdmitExactlyTheLimit(Threads.Flavor flavor) throws Exception {
        int limit = iterations(500);
        int callsPerThread = iterations(200);
        RateLimiter limiter = newRateLimiter("burst", limit, Duration.ofHours(1), listener);
        AtomicInteger admitted = new AtomicInteger();
        Threads.runConcurrently(flavor, 8, index -> {
            for (int i = 0; i < callsPerThread; i++) {
                if (index % 2 == 0) {
                    try {
                        limiter.acquire(Duration.ZERO);
                        admitted.incrementAndGet();
                    } catch (RateLimitExceededException rejected) {
                        assertThat(rejected.getRetryAfter()).isPositive();
                    }
                } else if (limiter.tryAcquire()) {
                    admitted.incrementAndGet();
                }
            }
        });
        assertThat(admitted).hasValue(limit);
        assertThat(limiter.availableTokens()).isZero();
        assertThat(limiter.tryAcquire()).isFalse();
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(limit);
    }

    /**
     * Each admission happened between its call's start and end, so any set of admissions whose calls lie in a
     * window of length {@code T} took at most {@code limit + T * limit / per} tokens (give or take {@link #clockMargin()}).
     */
    @Test
    public void admissionsOverAnyWindowStayWithinTheBound() throws Exception {
        int limit = 5;
        Duration per = Duration.ofMillis(400);
        RateLimiter limiter = newRateLimiter("partner", limit, per, listener);
        List<long[]> admissions = Collections.synchronizedList(new ArrayList<>());
        long stopAt = System.nanoTime() + Duration.ofMillis(1200).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < stopAt) {
                    long sent = System.nanoTime();
                    if (limiter.tryAcquire()) {
                        admissions.add(new long[] {sent, System.nanoTime()});
                    }
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        Threads.joinAll(threads);

        long margin = clockMargin().toNanos();
        List<long[]> byStart = new ArrayList<>(admissions);
        byStart.sort((x, y) -> Long.compare(x[0], y[0]));
        assertThat(byStart.size()).isGreaterThan(limit);
        for (int i = 0; i < byStart.size(); i++) {
            long windowStart = byStart.get(i)[0];
            List<Long> ends = new ArrayList<>();
            for (int j = i; j < byStart.size(); j++) {
                ends.add(byStart.get(j)[1]);
            }
            Collections.sort(ends);
            for (int n = 0; n < ends.size(); n++) {
                long window = ends.get(n) - windowStart;
                long bound = limit + ((window + margin) * limit) / per.toNanos();
                assertThat((long) n + 1).as("admissions in a window of %d ms", window / 1_000_000).isLessThanOrEqualTo(bound);
            }
        }
    }

    /**
     * Waiting calls are granted within the rate: a grant returns at most one round trip (or wake-up) after its
     * due time, which one token of slack covers, so grants returning in a window of {@code w} took at most
     * {@code limit + 1 + w * rate} tokens.
     */
    @Test
    public void blockingWaitersAreGrantedWithinTheRate() throws Exception {
        int limit = 4;
        Duration per = Duration.ofSeconds(1);
        RateLimiter limiter = newRateLimiter("batch", limit, per, listener);
        List<Long> grantedAt = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Runnable call = () -> {
                try {
                    start.await();
                    limiter.acquire(Duration.ofSeconds(10));
                    grantedAt.add(System.nanoTime());
                } catch (Throwable t) {
                    failure.set(t);
                }
            };
            threads.add(i % 2 == 0 ? Thread.ofPlatform().start(call) : Thread.ofVirtual().start(call));
        }
        start.countDown();
        Threads.joinAll(threads);

        assertThat(failure.get()).isNull();
        assertThat(grantedAt).hasSize(12);
        List<Long> sorted = new ArrayList<>(grantedAt);
        Collections.sort(sorted);
        for (int i = 0; i < sorted.size(); i++) {
            for (int j = i; j < sorted.size(); j++) {
                long window = sorted.get(j) - sorted.get(i);
                assertThat((long) (j - i + 1)).isLessThanOrEqualTo(limit + 1 + window * limit / per.toNanos());
            }
        }
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(12);
    }

    @Test
    public void retryAfterIsPositiveAndNoLongerThanThePeriod() throws Exception {
        Duration per = Duration.ofSeconds(10);
        RateLimiter limiter = newRateLimiter("reports", 5, per, listener);
        assertThat(limiter.timeUntilAvailable(5)).isZero();
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire()).isTrue();
        }
        assertThat(limiter.tryAcquire()).isFalse();
        RateLimitExceededException zero = catchThrowableOfType(RateLimitExceededException.class, () -> limiter.acquire(Duration.ZERO));
        assertThat(zero.getRetryAfter()).isPositive().isLessThanOrEqualTo(per);
        assertThat(zero.getPrimitiveName()).isEqualTo("reports");
        RateLimitExceededException shortWait = catchThrowableOfType(RateLimitExceededException.class,
                () -> limiter.acquire(Duration.ofMillis(100)));
        assertThat(shortWait.getRetryAfter()).isPositive().isLessThanOrEqualTo(per);
        assertThat(limiter.timeUntilAvailable(1)).isPositive().isLessThanOrEqualTo(per);
        assertThat(limiter.timeUntilAvailable(5)).isPositive().isLessThanOrEqualTo(per);
        ExecutionException async = catchThrowableOfType(ExecutionException.class,
                () -> limiter.acquireAsync(Duration.ZERO).get(30, TimeUnit.SECONDS));
        assertThat(async.getCause()).isInstanceOf(RateLimitExceededException.class);
        assertThat(((RateLimitExceededException) async.getCause()).getRetryAfter()).isPositive().isLessThanOrEqualTo(per);
        assertThat(limiter.snapshot().waiting()).as("rejections reserve nothing").isZero();
    }

    @Test
    public void asyncRejectionFailsTheFuture() throws Exception {
        RateLimiter limiter = newRateLimiter("async-reject", 1, Duration.ofSeconds(30), listener);
        assertThat(limiter.tryAcquire()).isTrue();
        CompletableFuture<Void> f = limiter.acquireAsync(Duration.ofMillis(10));
        failedNowOrSoon("a call that cannot be granted within its timeout fails", f);
        ExecutionException e = catchThrowableOfType(ExecutionException.class, f::get);
        assertThat(e.getCause()).isInstanceOf(RateLimitExceededException.class);
        assertThat(((RateLimitExceededException) e.getCause()).getRetryAfter()).isPositive();
    }

    /**
     * A waiting call keeps its place: while it waits nobody else takes a token (not even a try), and a
     * cancelled or interrupted wait leaves the queue, each reported once.
     */
    @Test
    public void aWaiterKeepsItsPlaceAndAWithdrawnWaitLeavesTheQueue() throws Exception {
        RateLimiter limiter = newRateLimiter("exports", 1, Duration.ofHours(1), listener);
        assertThat(limiter.tryAcquire()).isTrue();
        CompletableFuture<Void> cancelled = limiter.acquireAsync(Duration.ofHours(2));
        assertNowOrSoon("the async call waits", () -> limiter.snapshot().waiting() == 1);
        assertThat(cancelled).isNotDone();
        assertThat(limiter.isIdle()).isFalse();
        assertThat(limiter.tryAcquire()).as("a try never passes a waiter").isFalse();
        assertThat(limiter.availableTokens()).isZero();
        assertThat(cancelled.cancel(false)).isTrue();
        assertThat(cancelled).isCancelled();
        assertThat(limiter.snapshot().waiting()).isZero();

        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                limiter.acquire(Duration.ofHours(2));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        Threads.awaitTrue("the blocking call waits", () -> limiter.snapshot().waiting() == 1);
        waiter.interrupt();
        Threads.joinAll(List.of(waiter));
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        assertThat(limiter.snapshot().waiting()).isZero();
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(listener.count(Outcome.INTERRUPTED)).isEqualTo(1);
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(1);
    }

    @Test
    public void everyCallEndsInExactlyOneReportedOutcome() throws Exception {
        RateLimiter limiter = newRateLimiter("audit", 2, Duration.ofHours(1), listener);
        assertThat(limiter.tryAcquire(2)).isTrue();                                  // ACQUIRED
        assertThat(limiter.tryAcquire()).isFalse();                                  // REJECTED
        assertThatThrownBy(() -> limiter.acquire(Duration.ZERO))                     // REJECTED
                .isInstanceOf(RateLimitExceededException.class);
        CompletableFuture<Void> cancelled = limiter.acquireAsync(1, Duration.ofHours(2));
        assertThat(cancelled.cancel(false)).isTrue();                                // CANCELLED
        assertThat(listener.arrivals()).isEqualTo(4);
        assertThat(listener.count(Outcome.ACQUIRED)).isEqualTo(1);
        assertThat(listener.count(Outcome.REJECTED)).isEqualTo(2);
        assertThat(listener.count(Outcome.CANCELLED)).isEqualTo(1);
        assertThat(listener.waitsEnded()).isEqualTo(4);
        assertThat(listener.reporters()).containsExactly(limiter);
    }

    @Test
    public void thousandsOfAsyncWaitersAreGrantedWithoutParkedThreads() throws Exception {
        RateLimiter limiter = newRateLimiter("async", 200, Duration.ofMillis(100), listener);
        assertThat(limiter.tryAcquire(200)).isTrue();
        int waiters = iterations(2000);
        int threadsBefore = Thread.activeCount();
        List<CompletableFuture<Void>> futures = new ArrayList<>(waiters);
        for (int i = 0; i < waiters; i++) {
            futures.add(limiter.acquireAsync(1, Duration.ofSeconds(20)));
        }
        assertThat(Thread.activeCount()).isLessThan(threadsBefore + 10);
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(limiter.snapshot().waiting()).isZero();
        assertThat(limiter.tryAcquire(200)).isFalse();
    }
}

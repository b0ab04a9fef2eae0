package dev.signalbox.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.fail;

/** Test support: start real threads (platform or virtual), line them up, and bound every wait. Shared by core's and redis' tests. */
public final class Threads {

    /** Every join in the core tests waits at most this long; a hang fails the test instead of the build. */
    public static final Duration BOUND = Duration.ofSeconds(30);

    /** Which threads a test runs on. */
    public enum Flavor {
        PLATFORM, VIRTUAL;

        public Thread.Builder builder() {
            return this == PLATFORM ? Thread.ofPlatform().daemon(true) : Thread.ofVirtual();
        }
    }

    @FunctionalInterface
    public interface Body {
        void run(int index) throws Exception;
    }

    private Threads() {
    }

    /**
     * Runs {@code body} on {@code count} threads released together; waits at most {@link #BOUND}
     * and rethrows the first failure.
     */
    public static void runConcurrently(Flavor flavor, int count, Body body) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            threads.add(flavor.builder().start(() -> {
                try {
                    start.await();
                    body.run(index);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        start.countDown();
        joinAll(threads);
        if (failure.get() != null) {
            throw new AssertionError("a worker thread failed", failure.get());
        }
    }

    /** Joins every thread within {@link #BOUND}, failing (and interrupting the rest) on a hang. */
    public static void joinAll(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        for (Thread t : threads) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || !t.join(Duration.ofNanos(remaining))) {
                threads.forEach(Thread::interrupt);
                fail("threads still running after " + BOUND + ": likely a deadlock or a lost wake-up");
            }
        }
    }

    /** Starts one thread of the given flavor. */
    public static Thread start(Flavor flavor, Runnable body) {
        return flavor.builder().start(body);
    }

    /** Waits until {@code condition} holds, at most {@link #BOUND}; for states with no event to wait on. */
    public static void awaitTrue(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("still not true after " + BOUND + ": " + what);
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }

    /** Awaits {@code latch} within {@link #BOUND}, failing otherwise. */
    public static void await(java.util.concurrent.CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("not reached within " + BOUND + ": " + what);
        }
    }

    /** Starts one call on its own thread of the given flavor; what it throws is kept in the returned {@link Call}. */
    public static Call call(Flavor flavor, Body body) {
        Call call = new Call();
        call.thread = flavor.builder().start(() -> {
            try {
                body.run(0);
            } catch (Throwable t) {
                call.failure.set(t);
            }
        });
        return call;
    }

    /** One call running on its own thread. */
    public static final class Call {
        private Thread thread;
        private final java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();

        /** Joins within {@link #BOUND} and returns what the call threw (null when it returned). */
        public Throwable join() throws InterruptedException {
            if (!thread.join(BOUND)) {
                thread.interrupt();
                fail("call still running after " + BOUND);
            }
            return failure.get();
        }

        /** Joins and fails if the call threw. */
        public void joinSuccessfully() throws InterruptedException {
            Throwable t = join();
            if (t != null) {
                throw new AssertionError("the call failed", t);
            }
        }
    }
}

package dev.signalbox.micrometer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.fail;

/** Test support: real threads (platform or virtual) released together, and every wait bounded. */
final class TestThreads {

    /** Every join or latch wait in these tests waits at most this long; a hang fails the test. */
    static final Duration BOUND = Duration.ofSeconds(20);

    enum Flavor {
        PLATFORM, VIRTUAL;

        Thread.Builder builder() {
            return this == PLATFORM ? Thread.ofPlatform().daemon(true) : Thread.ofVirtual();
        }
    }

    @FunctionalInterface
    interface Body {
        void run(int index) throws Exception;
    }

    private TestThreads() {
    }

    /** Runs {@code body} on {@code count} threads released together; rethrows the first failure. */
    static void runConcurrently(Flavor flavor, int count, Body body) throws InterruptedException {
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
    static void joinAll(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        for (Thread t : threads) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || !t.join(Duration.ofNanos(remaining))) {
                threads.forEach(Thread::interrupt);
                fail("threads still running after " + BOUND + ": likely a deadlock or a lost wake-up");
            }
        }
    }

    /** Starts one thread whose failure is kept in the returned call. */
    static Call start(Flavor flavor, Body body) {
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

    /** Waits until {@code condition} holds, at most {@link #BOUND}. */
    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("still not true after " + BOUND + ": " + what);
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }

    /** Awaits {@code latch} within {@link #BOUND}, failing otherwise. */
    static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("not reached within " + BOUND + ": " + what);
        }
    }

    /** One call running on its own thread. */
    static final class Call {
        private Thread thread;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        /** Joins within {@link #BOUND} and returns what the call threw (null when it returned). */
        Throwable join() throws InterruptedException {
            if (!thread.join(BOUND)) {
                thread.interrupt();
                fail("call still running after " + BOUND);
            }
            return failure.get();
        }

        /** Joins and fails if the call threw. */
        void joinSuccessfully() throws InterruptedException {
            Throwable t = join();
            if (t != null) {
                throw new AssertionError("the call failed", t);
            }
        }
    }
}

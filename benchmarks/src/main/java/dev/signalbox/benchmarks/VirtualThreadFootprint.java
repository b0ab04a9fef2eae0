package dev.signalbox.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.function.IntSupplier;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.autoconfigure.SignalboxAutoConfiguration;
import dev.signalbox.registry.SignalboxRegistry;
import dev.signalbox.core.Durations;
import dev.signalbox.core.Permit;
import dev.signalbox.core.Semaphore;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Heap per waiting virtual thread (the reference: about 2 KB on a
 * {@code java.util.concurrent.Semaphore(16)}): holds all 16 permits of a guard, starts {@code N}
 * virtual threads that each wait for one, and once all {@code N} are queued compares the heap after
 * GC with the heap before. A parked virtual thread keeps its stack on the heap, so this is the
 * whole cost of a waiter: thread object, stack chunk and the guard's queue node. Measured for the
 * j.u.c. semaphore, Signalbox's core {@link Semaphore} and a {@code @Guarded(permits = 16)} method
 * on a Spring proxy (whose interceptor frames deepen each stack). The permits are then given back
 * and every thread runs to the end.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.signalbox.benchmarks.VirtualThreadFootprint [N [facts.properties]]}.
 */
public final class VirtualThreadFootprint {

    private static final int PERMITS = 16;
    private static final Duration QUEUE_DEADLINE = Duration.ofMinutes(2);

    private VirtualThreadFootprint() {
    }

    /**
     * Heap per waiting virtual thread for each guard.
     *
     * @param threads how many virtual threads waited at once on each guard
     */
    record Result(int threads, double jucSemaphore, double signalboxSemaphore, double signalboxGuarded) {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Result result = measure(n);
        System.out.printf(Locale.ROOT, "virtual threads waiting on a guard of %d permits: %,d; heap per waiting thread:%n",
                PERMITS, result.threads());
        System.out.printf(Locale.ROOT, "  java.util.concurrent.Semaphore: %.0f bytes%n", result.jucSemaphore());
        System.out.printf(Locale.ROOT, "  Signalbox Semaphore:            %.0f bytes%n", result.signalboxSemaphore());
        System.out.printf(Locale.ROOT, "  Signalbox @Guarded (proxy):     %.0f bytes%n", result.signalboxGuarded());
        if (args.length > 1) {
            Properties facts = new Properties();
            facts.setProperty("vt.threads", Integer.toString(result.threads()));
            facts.setProperty("vt.jucSemaphore.bytesPerThread", String.format(Locale.ROOT, "%.0f", result.jucSemaphore()));
            facts.setProperty("vt.signalboxSemaphore.bytesPerThread", String.format(Locale.ROOT, "%.0f", result.signalboxSemaphore()));
            facts.setProperty("vt.signalboxGuarded.bytesPerThread", String.format(Locale.ROOT, "%.0f", result.signalboxGuarded()));
            Heap.writeFacts(facts, Path.of(args[1]));
        }
    }

    static Result measure(int n) throws InterruptedException {
        java.util.concurrent.Semaphore juc = new java.util.concurrent.Semaphore(PERMITS);
        juc.acquire(PERMITS);
        double jucBytes = bytesPerWaiter(n, () -> {
            juc.acquireUninterruptibly();
            juc.release();
        }, juc::getQueueLength, () -> juc.release(PERMITS));

        Semaphore semaphore = Semaphore.create("bench-vt-footprint-core", PERMITS);
        Permit heldCore = semaphore.acquire(PERMITS, Durations.FOREVER);
        double coreBytes = bytesPerWaiter(n, () -> {
            try {
                semaphore.acquire().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, () -> semaphore.snapshot().waiting(), heldCore::close);

        try (AnnotationConfigApplicationContext context =
                new AnnotationConfigApplicationContext(Beans.class, SignalboxAutoConfiguration.class)) {
            Waiter waiter = context.getBean(Waiter.class);
            Semaphore guard = context.getBean(SignalboxRegistry.class).semaphore(Waiter.GUARD, PERMITS);
            Permit heldGuard = guard.acquire(PERMITS, Durations.FOREVER);
            double guardedBytes = bytesPerWaiter(n, waiter::waitForTurn, () -> guard.snapshot().waiting(), heldGuard::close);
            return new Result(n, jucBytes, coreBytes, guardedBytes);
        }
    }

    /**
     * Starts {@code n} virtual threads running {@code waitForGuard}, waits until {@code waiting}
     * counts all of them, measures, then calls {@code giveBack} and joins them all.
     */
    private static double bytesPerWaiter(int n, Runnable waitForGuard, IntSupplier waiting, Runnable giveBack)
            throws InterruptedException {
        Thread[] threads = new Thread[n];
        long before = Heap.usedAfterGc();
        for (int i = 0; i < n; i++) {
            threads[i] = Thread.ofVirtual().start(waitForGuard);
        }
        long deadline = System.nanoTime() + QUEUE_DEADLINE.toNanos();
        while (waiting.getAsInt() < n) {
            if (System.nanoTime() > deadline) {
                giveBack.run();
                throw new IllegalStateException("only " + waiting.getAsInt() + " of " + n + " virtual threads were waiting after "
                        + QUEUE_DEADLINE + "; the machine is too busy to measure, run again");
            }
            Thread.sleep(10);
        }
        long after = Heap.usedAfterGc();
        giveBack.run();
        for (Thread thread : threads) {
            if (!thread.join(QUEUE_DEADLINE)) {
                throw new IllegalStateException(thread + " did not finish within " + QUEUE_DEADLINE
                        + " after the permits were given back; a waiter was lost");
            }
        }
        // The array was allocated before the first reading, so only the threads and their waits count.
        return (after - before) / (double) n;
    }

    public static class Waiter {

        static final String GUARD = "bench-vt-footprint";

        /** Waits as long as the measurement takes (the default timeout could fire on a slow machine). */
        @Guarded(value = GUARD, permits = PERMITS, timeout = "10m")
        public void waitForTurn() {
            // The cost measured is the wait itself; the body does nothing.
        }
    }

    @Configuration(proxyBeanMethods = false)
    public static class Beans {

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        Waiter waiter() {
            return new Waiter();
        }
    }
}

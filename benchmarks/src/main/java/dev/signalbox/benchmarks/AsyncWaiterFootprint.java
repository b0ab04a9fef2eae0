package dev.signalbox.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.core.Permit;
import dev.signalbox.core.Semaphore;

/**
 * Heap per pending async acquisition (issue target: at most 256 bytes, a tenth of a parked virtual
 * thread): queues {@code N} acquisitions on a semaphore whose permits are all held, measures the
 * heap after GC before and after, then drains them and checks they were granted in FIFO order.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.signalbox.benchmarks.AsyncWaiterFootprint [N [facts.properties]]};
 * the optional file receives the figures for the results report.
 */
public final class AsyncWaiterFootprint {

    private AsyncWaiterFootprint() {
    }

    /**
     * What one run found.
     *
     * @param waiters how many acquisitions were pending at once
     * @param bytesPerWaiter heap per pending acquisition, net of the list that keeps the futures
     * @param outOfOrder how many were not granted in their turn when the permits came back (0: FIFO)
     */
    record Result(int waiters, double bytesPerWaiter, int outOfOrder) {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Result result = measure(n);
        System.out.printf(Locale.ROOT, "pending async acquisitions: %,d; heap per pending acquisition: %.1f bytes%n",
                result.waiters(), result.bytesPerWaiter());
        System.out.printf(Locale.ROOT, "drained in FIFO order: %s%n",
                result.outOfOrder() == 0 ? "yes" : "no (" + result.outOfOrder() + " not ready in turn)");
        if (args.length > 1) {
            Properties facts = new Properties();
            facts.setProperty("async.waiters", Integer.toString(result.waiters()));
            facts.setProperty("async.bytesPerWaiter", String.format(Locale.ROOT, "%.1f", result.bytesPerWaiter()));
            facts.setProperty("async.fifo", Boolean.toString(result.outOfOrder() == 0));
            Heap.writeFacts(facts, Path.of(args[1]));
        }
    }

    static Result measure(int n) throws InterruptedException {
        Semaphore semaphore = Semaphore.create("footprint", 1);
        Permit held = semaphore.acquire();
        List<CompletableFuture<Permit>> pending = new ArrayList<>(n);
        long before = Heap.usedAfterGc();
        for (int i = 0; i < n; i++) {
            pending.add(semaphore.acquireAsync());
        }
        long after = Heap.usedAfterGc();
        // The list's array was allocated (at full size) before the first reading, so it is not counted.
        double perWaiter = (after - before) / (double) n;

        held.close();
        int outOfOrder = 0;
        for (int i = 0; i < n; i++) {
            CompletableFuture<Permit> next = pending.get(i);
            if (!next.isDone()) {
                outOfOrder++;
            }
            next.join().close();
        }
        return new Result(n, perWaiter, outOfOrder);
    }
}

package dev.signalbox.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.core.Permit;
import dev.signalbox.core.Semaphore;

/**
 * Heap per pending async acquisition (issue target: at most 256 bytes, a tenth of a parked virtual
 * thread): queues {@code N} acquisitions on a semaphore whose permits are all held, measures the
 * heap after GC before and after, then drains them and checks they were granted in FIFO order.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar dev.signalbox.benchmarks.AsyncWaiterFootprint [N]}.
 */
public final class AsyncWaiterFootprint {

    private AsyncWaiterFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Semaphore semaphore = Semaphore.create("footprint", 1);
        Permit held = semaphore.acquire();
        List<CompletableFuture<Permit>> pending = new ArrayList<>(n);
        long before = usedHeapAfterGc();
        for (int i = 0; i < n; i++) {
            pending.add(semaphore.acquireAsync());
        }
        long after = usedHeapAfterGc();
        // The list itself holds one reference per entry (4 bytes with compressed oops); subtract it.
        double perWaiter = (after - before) / (double) n - 4.0;
        System.out.printf(Locale.ROOT, "pending async acquisitions: %,d; heap per pending acquisition: %.1f bytes%n", n, perWaiter);

        held.close();
        int outOfOrder = 0;
        for (int i = 0; i < n; i++) {
            CompletableFuture<Permit> next = pending.get(i);
            if (!next.isDone()) {
                outOfOrder++;
            }
            next.join().close();
        }
        System.out.printf(Locale.ROOT, "drained in FIFO order: %s%n", outOfOrder == 0 ? "yes" : "no (" + outOfOrder + " not ready in turn)");
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}

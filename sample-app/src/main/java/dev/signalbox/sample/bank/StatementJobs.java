package dev.signalbox.sample.bank;

import dev.signalbox.registry.SignalboxRegistry;
import dev.signalbox.core.WorkerPool;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Service;

/**
 * Monthly statements are produced in the background: requests queue (at most 100) and two workers
 * drain them. The queue depth shows as {@code signalbox_waiting{kind="worker_pool"}}; callers that
 * find the queue full wait at most 1 s, then get a 503.
 */
@Service
public class StatementJobs {

    private final WorkerPool workers;
    private final LedgerService ledger;
    private final AtomicLong produced = new AtomicLong();

    public StatementJobs(SignalboxRegistry registry, LedgerService ledger) {
        this.workers = registry.workerPool("statement-jobs", 2, 100);
        this.ledger = ledger;
    }

    /** Queues a statement for {@code account}; the future completes when a worker has produced it. */
    public CompletableFuture<String> enqueue(String account) throws InterruptedException {
        return workers.submit(() -> {
            Thread.sleep(50); // formatting and storing the statement
            produced.incrementAndGet();
            return "statement for " + account + ": " + ledger.statement(account).size() + " entries";
        }, Duration.ofSeconds(1));
    }

    public JobsStatus status() {
        return new JobsStatus(workers.queued(), workers.running(), workers.queueCapacity(), produced.get());
    }

    @PreDestroy
    void stop() {
        workers.close();
    }

    /** What the job queue looks like now. */
    public record JobsStatus(int queued, int running, int capacity, long produced) {
    }
}

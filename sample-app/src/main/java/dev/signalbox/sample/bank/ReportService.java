package dev.signalbox.sample.bank;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.registry.SignalboxRegistry;
import dev.signalbox.core.Lease;
import dev.signalbox.core.ResourcePool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Service;

/**
 * Account reports. Rendering needs one of three expensive renderers (think: a headless browser each),
 * borrowed from a resource pool; PDF export is asynchronous and at most two run at once (a guard with
 * permits, held until the returned future completes, not just until the method returns).
 */
@Service
public class ReportService {

    private final ResourcePool<Renderer> renderers;
    private final AccountService accounts;

    public ReportService(SignalboxRegistry registry, AccountService accounts) {
        this.renderers = registry.resourcePool("report-renderers",
                List.of(new Renderer("renderer-1"), new Renderer("renderer-2"), new Renderer("renderer-3")));
        this.accounts = accounts;
    }

    /** Renders a text report on a borrowed renderer; waits at most 2 s for one to be free. */
    public String render(String account) throws InterruptedException {
        try (Lease<Renderer> lease = renderers.acquire(Duration.ofSeconds(2))) {
            return lease.resource().render(account, accounts.balance(account));
        }
    }

    /** Exports a report as "PDF" in the background; at most two exports run at once. */
    @Guarded(value = "pdf-export", permits = 2, timeout = "5s")
    public CompletableFuture<String> exportPdf(String account) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return "%PDF " + render(account);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("export of " + account + " interrupted", e);
            }
        }, Thread::startVirtualThread);
    }

    /** One expensive renderer. */
    public record Renderer(String id) {
        String render(String account, long balanceCents) throws InterruptedException {
            Thread.sleep(30); // rendering is slow
            return "report for %s: balance %d.%02d (rendered by %s)"
                    .formatted(account, balanceCents / 100, Math.abs(balanceCents % 100), id);
        }
    }
}

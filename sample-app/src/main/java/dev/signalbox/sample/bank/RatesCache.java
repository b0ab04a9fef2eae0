package dev.signalbox.sample.bank;

import dev.signalbox.registry.SignalboxRegistry;
import dev.signalbox.core.Event;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Exchange rates loaded once at startup. Until the cache is warm, callers wait on an Event (the
 * readiness gate) for at most 5 s instead of reading an empty cache; once it is set every caller
 * passes at once. Warming in the background keeps startup fast.
 */
@Service
public class RatesCache {

    private static final Duration MAX_WAIT_FOR_WARM_UP = Duration.ofSeconds(5);

    private final Event warm;
    private final Map<String, Double> rates = new ConcurrentHashMap<>();
    private final boolean warmOnStartup;
    private final Duration warmUpTime;

    public RatesCache(SignalboxRegistry registry,
                      @Value("${sample.cache.warm-on-startup:true}") boolean warmOnStartup,
                      @Value("${sample.cache.warm-up-time:2s}") Duration warmUpTime) {
        this.warm = registry.event("rates-cache-warm");
        this.warmOnStartup = warmOnStartup;
        this.warmUpTime = warmUpTime;
    }

    @EventListener(ApplicationReadyEvent.class)
    void warmInBackground() {
        if (warmOnStartup) {
            Thread.startVirtualThread(() -> {
                try {
                    Thread.sleep(warmUpTime); // loading rates from a slow upstream
                    warmUp();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    /** Loads the rates and opens the gate. Idempotent. */
    public void warmUp() {
        rates.putAll(Map.of("EUR", 1.0, "USD", 1.08, "GBP", 0.85, "CHF", 0.94));
        warm.set();
    }

    public boolean isWarm() {
        return warm.isSet();
    }

    /** The rates, once warm; waits for the warm-up (bounded) otherwise. */
    public Map<String, Double> rates() throws InterruptedException {
        warm.await(MAX_WAIT_FOR_WARM_UP);
        return Map.copyOf(rates);
    }
}

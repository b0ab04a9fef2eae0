package dev.signalbox.sample.bank;

import dev.signalbox.annotation.RateLimited;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/**
 * A slow partner API that allows each customer a few calls per second. The per-customer token bucket
 * rejects at once ({@code timeout = "0"}) rather than queueing: the caller answers 429 with
 * Retry-After. Operators retune it under {@code signalbox.rate-limits.fraud-api}.
 */
@Component
public class FraudCheckClient {

    @RateLimited(value = "fraud-api", limit = 5, per = "1s", key = "#customerId", timeout = "0")
    public FraudScore score(String customerId) throws InterruptedException {
        Thread.sleep(20); // the partner's latency
        return new FraudScore(customerId, ThreadLocalRandom.current().nextInt(100));
    }

    /** The partner's verdict: 0 (safe) to 99 (fraud). */
    public record FraudScore(String customerId, int score) {
    }
}

package dev.signalbox.sample.bank;

import dev.signalbox.annotation.Barrier;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Service;

/**
 * End-of-day settlement: each region's worker calls {@link #settleRegion}; no region books its
 * settlement until all three regions have arrived, so the day is settled everywhere or nowhere.
 */
@Service
public class SettlementService {

    private final AtomicLong settledRegions = new AtomicLong();

    @Barrier(value = "settlement", parties = 3, timeout = "30s")
    public Settlement settleRegion(String region) {
        return new Settlement(region, settledRegions.incrementAndGet());
    }

    /** A region's settlement and how many regions have settled since startup. */
    public record Settlement(String region, long settledSoFar) {
    }
}

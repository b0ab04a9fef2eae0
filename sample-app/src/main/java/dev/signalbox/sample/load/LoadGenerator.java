package dev.signalbox.sample.load;

import dev.signalbox.sample.bank.AccountService;
import dev.signalbox.sample.bank.FraudCheckClient;
import dev.signalbox.sample.bank.LedgerService;
import dev.signalbox.sample.bank.RatesCache;
import dev.signalbox.sample.bank.ReportService;
import dev.signalbox.sample.bank.SettlementService;
import dev.signalbox.sample.bank.StatementJobs;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Drives the bank's services so contention shows on the dashboard and in the metrics: every 200 ms a
 * tick starts a batch of calls, each on its own virtual thread, mixing transfers, ledger reads, fraud
 * checks, reports, statement jobs and (every few seconds) a three-region settlement. Failures such as
 * 429s and timeouts are the point of the exercise and are only counted. At most 500 calls are in
 * flight, so a stalled service cannot make it pile up without bound.
 */
@Component
public class LoadGenerator {

    private static final int MAX_IN_FLIGHT = 500;
    private static final int TICKS_PER_SETTLEMENT = 25;

    private final AccountService accounts;
    private final LedgerService ledger;
    private final FraudCheckClient fraud;
    private final SettlementService settlement;
    private final ReportService reports;
    private final StatementJobs statements;
    private final RatesCache rates;
    private final int callsPerTick;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("sample-load-ticker").daemon().factory());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean enabled;
    private volatile LoadShape shape;

    public LoadGenerator(LoadProperties properties, AccountService accounts, LedgerService ledger,
                         FraudCheckClient fraud, SettlementService settlement, ReportService reports,
                         StatementJobs statements, RatesCache rates) {
        this.accounts = accounts;
        this.ledger = ledger;
        this.fraud = fraud;
        this.settlement = settlement;
        this.reports = reports;
        this.statements = statements;
        this.rates = rates;
        this.callsPerTick = properties.callsPerTick();
        this.enabled = properties.enabled();
        this.shape = properties.shape();
        ticker.scheduleAtFixedRate(this::tick, 200, 200, TimeUnit.MILLISECONDS);
    }

    /** Switches the generator on or off and, when given, changes its shape. */
    public LoadStatus configure(boolean enabled, LoadShape shape) {
        if (shape != null) {
            this.shape = shape;
        }
        this.enabled = enabled;
        return status();
    }

    public LoadStatus status() {
        return new LoadStatus(enabled, shape, inFlight.get(), calls.get(), failures.get());
    }

    private void tick() {
        if (!enabled || !rates.isWarm()) {
            return;
        }
        long tick = ticks.incrementAndGet();
        LoadShape current = shape;
        int batch = switch (current) {
            case STEADY, HOT_KEY -> callsPerTick;
            case BURSTY -> tick % 10 == 0 ? callsPerTick * 10 : callsPerTick / 4;
        };
        for (int i = 0; i < batch; i++) {
            call(() -> randomCall(current));
        }
        if (tick % TICKS_PER_SETTLEMENT == 0) {
            for (String region : new String[] {"emea", "amer", "apac"}) {
                call(() -> settlement.settleRegion(region));
            }
        }
    }

    private void randomCall(LoadShape current) throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String account = account(current, random);
        int dice = random.nextInt(100);
        if (dice < 45) {
            String other = otherAccount(account, random);
            accounts.transfer(account, other, 1 + random.nextInt(500));
        } else if (dice < 65) {
            ledger.statement(account);
        } else if (dice < 80) {
            fraud.score("customer-" + (current == LoadShape.HOT_KEY ? 0 : random.nextInt(10)));
        } else if (dice < 88) {
            reports.render(account);
        } else if (dice < 93) {
            reports.exportPdf(account).join();
        } else if (dice < 99) {
            statements.enqueue(account);
        } else {
            ledger.closeDay();
        }
    }

    private static String account(LoadShape shape, ThreadLocalRandom random) {
        if (shape == LoadShape.HOT_KEY && random.nextInt(100) < 80) {
            return "acc-1";
        }
        return "acc-" + (1 + random.nextInt(10));
    }

    private static String otherAccount(String account, ThreadLocalRandom random) {
        String other;
        do {
            other = "acc-" + (1 + random.nextInt(10));
        } while (other.equals(account));
        return other;
    }

    private void call(Call call) {
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            return;
        }
        Thread.startVirtualThread(() -> {
            try {
                calls.incrementAndGet();
                call.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failures.incrementAndGet(); // 429s, timeouts and full queues are expected under load
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    @PreDestroy
    void stop() {
        enabled = false;
        ticker.shutdownNow();
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    /** What the generator is doing. */
    public record LoadStatus(boolean enabled, LoadShape shape, int inFlight, long calls, long failures) {
    }
}

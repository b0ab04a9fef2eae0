package dev.signalbox.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signalbox.sample.bank.AccountService;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** Each feature of the sample through HTTP, on a real server, with the load generator off. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "sample.load.enabled=false",
        "sample.cache.warm-on-startup=false",
        "signalbox.rate-limits.fraud-api.limit=2",
        "signalbox.rate-limits.fraud-api.per=1h",
        "signalbox.barriers.settlement.timeout=30s"})
class BankHttpTest {

    private static final int ACCOUNTS = 10;

    @Value("${local.server.port}")
    int port;

    @Autowired
    AccountService accounts;

    SampleHttp http;

    @BeforeEach
    void client() {
        http = new SampleHttp(port);
    }

    @Test
    void concurrentTransfersInBothDirectionsKeepTheTotalExact() throws Exception {
        long totalBefore = accounts.totalCents();
        int threads = 8;
        int transfersPerThread = 60;
        List<Future<List<Integer>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < transfersPerThread; i++) {
                        // a few accounts, both directions: contention and opposite lock orders
                        int from = 1 + (thread + i) % 3;
                        int to = 1 + (thread + i + 1 + thread % 2) % 3;
                        if (from == to) {
                            to = 1 + to % 3;
                        }
                        statuses.add(http.post("/api/transfers?from=acc-%d&to=acc-%d&cents=%d"
                                .formatted(from, to, 1 + i)).statusCode());
                    }
                    return statuses;
                }));
            }
            for (Future<List<Integer>> result : results) {
                assertThat(result.get(SampleHttp.BOUND.toSeconds() * 3, TimeUnit.SECONDS)).containsOnly(200);
            }
        }
        assertThat(accounts.totalCents()).isEqualTo(totalBefore)
                .isEqualTo(ACCOUNTS * AccountService.OPENING_BALANCE_CENTS);
        assertThat(http.get("/api/accounts").body()).contains("\"totalCents\":" + totalBefore);
    }

    @Test
    void aCustomerOverTheFraudApiRateLimitGets429WithRetryAfter() throws Exception {
        assertThat(http.get("/api/customers/c-limited/fraud-score").statusCode()).isEqualTo(200);
        assertThat(http.get("/api/customers/c-limited/fraud-score").statusCode()).isEqualTo(200);

        HttpResponse<String> limited = http.get("/api/customers/c-limited/fraud-score");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isPositive());
        assertThat(http.get("/api/customers/c-other/fraud-score").statusCode())
                .as("buckets are per customer").isEqualTo(200);
        assertThat(http.get("/actuator/prometheus").body()).containsPattern(
                "signalbox_wait_seconds_count\\{[^}]*name=\"fraud-api\",outcome=\"rejected\"[^}]*} [1-9]");
    }

    @Test
    void theSettlementBarrierHoldsTwoRegionsAndReleasesTheGenerationWhenTheThirdArrives() throws Exception {
        CompletableFuture<HttpResponse<String>> emea = http.postAsync("/api/settlement/emea");
        CompletableFuture<HttpResponse<String>> amer = http.postAsync("/api/settlement/amer");
        Thread.sleep(300);
        assertThat(emea).as("two of three parties must wait").isNotDone();
        assertThat(amer).isNotDone();

        CompletableFuture<HttpResponse<String>> apac = http.postAsync("/api/settlement/apac");

        for (CompletableFuture<HttpResponse<String>> region : List.of(emea, amer, apac)) {
            HttpResponse<String> response = region.get(SampleHttp.BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"settledSoFar\"");
        }
    }

    @Test
    void theReadinessGateHoldsRateReadersUntilTheCacheIsWarm() throws Exception {
        CompletableFuture<HttpResponse<String>> early = http.getAsync("/api/rates");
        Thread.sleep(300);
        assertThat(early).as("the cache is not warm yet").isNotDone();

        assertThat(http.post("/api/rates/warm").statusCode()).isEqualTo(200);

        HttpResponse<String> rates = early.get(SampleHttp.BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(rates.statusCode()).isEqualTo(200);
        assertThat(rates.body()).contains("\"EUR\"");
        assertThat(http.get("/api/rates").statusCode()).isEqualTo(200);
    }

    @Test
    void reportsUseThePooledRenderersAndPdfExportCompletesAsynchronously() throws Exception {
        HttpResponse<String> report = http.get("/api/reports/acc-5");
        HttpResponse<String> pdf = http.get("/api/reports/acc-5/pdf");

        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).contains("report for acc-5").contains("renderer-");
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.body()).startsWith("%PDF");
    }

    @Test
    void statementJobsAreDrainedByTheWorkerPool() throws Exception {
        HttpResponse<String> job = http.post("/api/statements/acc-7");

        assertThat(job.statusCode()).isEqualTo(200);
        assertThat(job.body()).startsWith("statement for acc-7");
        assertThat(http.get("/api/statements").body()).containsPattern("\"produced\":[1-9]");
    }

    @Test
    void theLedgerIsReadAndClosedThroughItsReadWriteGuard() throws Exception {
        assertThat(http.post("/api/transfers?from=acc-9&to=acc-10&cents=5").statusCode()).isEqualTo(200);
        assertThat(http.get("/api/ledger/acc-9").body()).contains("\"to\":\"acc-10\"");

        assertThat(http.post("/api/ledger/close").statusCode()).isEqualTo(200);

        assertThat(http.get("/api/ledger/acc-9").body()).isEqualTo("[]");
    }

    @Test
    void badTransfersAreClientErrors() throws Exception {
        assertThat(http.post("/api/transfers?from=acc-1&to=acc-1&cents=5").statusCode()).isEqualTo(400);
        assertThat(http.post("/api/transfers?from=acc-1&to=acc-2&cents=-5").statusCode()).isEqualTo(400);
        assertThat(http.post("/api/transfers?from=acc-1&to=nobody&cents=5").statusCode()).isEqualTo(404);
    }

    @Test
    void theLoadGeneratorIsOffInTestsAndSwitchesFromItsEndpoint() throws Exception {
        assertThat(http.get("/api/load").body()).contains("\"enabled\":false");

        assertThat(http.post("/api/load?enabled=true&shape=HOT_KEY").body())
                .contains("\"enabled\":true").contains("\"shape\":\"HOT_KEY\"");
        assertThat(http.post("/api/load?enabled=false").body()).contains("\"enabled\":false");
    }

    @Test
    void theActuatorExposesHealthMetricsPrometheusAndSignalbox() throws Exception {
        for (String path : List.of("/actuator/health", "/actuator/metrics", "/actuator/prometheus",
                "/actuator/signalbox", "/actuator/signalbox/accounts")) {
            assertThat(http.get(path).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void everyMetricTheAlertRulesUseIsExposedByTheRunningApp() throws Exception {
        List<String> usedByRules = metricNames(Files.readAllLines(Path.of("prometheus/signalbox-rules.yml")).stream()
                .filter(line -> !line.strip().startsWith("#")).collect(Collectors.joining("\n")));
        assertThat(usedByRules).as("metrics in the rules").contains("signalbox_wait_seconds_bucket");

        String exposed = http.get("/actuator/prometheus").body();

        List<String> exposedNames = exposed.lines().filter(line -> !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0]).distinct().toList();
        assertThat(exposedNames).as("metric names on /actuator/prometheus").containsAll(usedByRules);
    }

    /** Every distinct {@code signalbox_...} metric name in a text. */
    static List<String> metricNames(String text) {
        Matcher matcher = Pattern.compile("\\bsignalbox_[a-z_]+").matcher(text);
        List<String> names = new ArrayList<>();
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names.stream().distinct().toList();
    }
}

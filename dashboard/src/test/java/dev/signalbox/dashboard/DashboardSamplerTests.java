package dev.signalbox.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.signalbox.registry.SignalboxRegistry;
import dev.signalbox.core.Barrier;
import dev.signalbox.core.BarrierBrokenException;
import dev.signalbox.core.BoundedQueue;
import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.RateLimiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DashboardSamplerTests {

    private final DashboardRecorder recorder = new DashboardRecorder();
    private final SignalboxRegistry registry = new SignalboxRegistry(recorder);
    private final DashboardProperties properties = new DashboardProperties();

    private DashboardSampler sampler() {
        return new DashboardSampler(registry, recorder, new DashboardStream(), properties, Clock.systemUTC());
    }

    @Test
    void tickRecordsAcquisitionsAndAContendedLockSortsFirst() throws Exception {
        registry.lock("quiet");
        Lock busy = registry.lock("busy");
        DashboardSampler sampler = sampler();
        Permit held = busy.acquire(Duration.ofSeconds(1));
        CompletableFuture<Permit> waiter = busy.acquireAsync(Duration.ofSeconds(30));
        sampler.tick();

        List<PrimitiveRow> rows = sampler.rows();
        assertThat(rows).extracting(PrimitiveRow::name).containsExactly("busy", "quiet");
        assertThat(rows.get(0).waiting()).isEqualTo(1);
        assertThat(rows.get(0).acquiredPerSecond()).isEqualTo(1);

        held.close();
        waiter.get(30, TimeUnit.SECONDS).close();
        sampler.tick();
        PrimitiveRow busyNow = sampler.rows().stream().filter(r -> r.name().equals("busy")).findFirst().orElseThrow();
        assertThat(busyNow.waiting()).isZero();
        assertThat(busyNow.acquiredPerSecond()).as("the waiter's acquisition, counted once in this second").isEqualTo(1);
        assertThat(busyNow.holdP99()).isGreaterThan(0f);
    }

    @Test
    void historyIsKeptPerSecondAndBoundedByTheConfiguredLength() {
        properties.setHistory(Duration.ofSeconds(5));
        registry.lock("orders");
        DashboardSampler sampler = sampler();
        for (int i = 0; i < 12; i++) {
            sampler.tick();
        }
        @SuppressWarnings("unchecked")
        List<Sample> history = (List<Sample>) sampler.detail("orders").orElseThrow().get("history");
        assertThat(history).hasSize(5);
        assertThat(sampler.overview(true).get("primitives")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .singleElement().extracting("waitingHistory").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .hasSize(5);
    }

    @Test
    void detailListsTheHolderOfALock() throws Exception {
        Lock lock = registry.lock("accounts");
        DashboardSampler sampler = sampler();
        try (Permit permit = lock.acquire(Duration.ofSeconds(1))) {
            sampler.tick();
            Map<String, Object> detail = sampler.detail("accounts").orElseThrow();
            assertThat(detail.get("holders")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                    .singleElement().asString().contains(Thread.currentThread().getName());
        }
        assertThat(sampler.detail("nope")).isEmpty();
    }

    @Test
    void barrierShowsArrivedPartiesAndABrokenGenerationIsFlagged() throws Exception {
        Barrier settlement = registry.barrier("settlement", 3);
        CompletableFuture<Integer> first = settlement.awaitAsync(Duration.ofSeconds(30));
        DashboardSampler sampler = sampler();
        sampler.tick();
        PrimitiveRow arrived = sampler.rows().get(0);
        assertThat(arrived.waiting()).as("parties arrived in this generation").isEqualTo(1);
        assertThat(arrived.capacity()).isEqualTo(3);
        assertThat(arrived.warnings()).isEmpty();

        settlement.abort();
        assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(BarrierBrokenException.class);
        sampler.tick();
        assertThat(sampler.rows().get(0).warnings()).contains("barrier broken");
        assertThat(sampler.rows().get(0).waiting()).isZero();
    }

    @Test
    void keyedGuardDetailListsItsHottestKeysAndTheirHolders() throws Exception {
        KeyedRegistry<String, Lock> accounts = registry.keyedLocks("accounts");
        try (KeyedRegistry.Handle<String, Lock> handle = accounts.borrow("acct-42");
                Permit permit = handle.primitive().acquire(Duration.ofSeconds(1))) {
            DashboardSampler sampler = sampler();
            sampler.tick();
            Map<String, Object> detail = sampler.detail("accounts").orElseThrow();
            assertThat(detail.get("hottestKeys")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                    .singleElement().asString().contains("acct-42");
            assertThat(detail.get("holders")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                    .singleElement().asString().contains("acct-42").contains(Thread.currentThread().getName());
            assertThat(detail.get("keysByWaiting")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).isEmpty();
            CompletableFuture<Permit> waiter = handle.primitive().acquireAsync(Duration.ofSeconds(30));
            assertThat(sampler.detail("accounts").orElseThrow().get("keysByWaiting"))
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                    .singleElement().asString().contains("acct-42").contains("waiting=1");
            waiter.cancel(true);
            assertThat(sampler.rows().get(0).keys()).isEqualTo(1);
            assertThat(sampler.rows().get(0).active()).isEqualTo(1);
        }
    }

    @Test
    void keyedGuardDetailRanksHotKeysByAcquisitions() throws Exception {
        KeyedRegistry<String, Lock> accounts = registry.keyedLocks("accounts");
        KeyedRegistry.Handle<String, Lock> busy = accounts.borrow("acct-busy");
        KeyedRegistry.Handle<String, Lock> quiet = accounts.borrow("acct-quiet");
        try {
            for (int i = 0; i < 9; i++) {
                try (Permit ignored = busy.primitive().acquire(Duration.ofSeconds(1))) {
                    accounts.borrow("acct-busy").close();
                }
            }
            DashboardSampler sampler = sampler();
            sampler.tick();
            assertThat(sampler.detail("accounts").orElseThrow().get("hottestKeys"))
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                    .hasSize(2)
                    .first().asString().contains("acct-busy").contains("acquisitions=10");
        } finally {
            busy.close();
            quiet.close();
        }
    }

    @Test
    void detailOfARateLimiterShowsTheTokensLeft() {
        RateLimiter limiter = registry.rateLimiter("fraud-api", 5, Duration.ofHours(1));
        assertThat(limiter.tryAcquire(2)).isTrue();
        DashboardSampler sampler = sampler();
        sampler.tick();
        assertThat(sampler.detail("fraud-api").orElseThrow().get("tokensLeft")).isEqualTo(3);
    }

    @Test
    void fullQueueLongHoldAndTimeoutsAreFlagged() throws Exception {
        properties.setHoldWarning(Duration.ZERO);
        BoundedQueue<String> queue = registry.queue("jobs", 1);
        queue.put("a", Duration.ofSeconds(1));
        Lock lock = registry.lock("stuck");
        DashboardSampler sampler = sampler();
        try (Permit permit = lock.acquire(Duration.ofSeconds(1))) {
            Thread.sleep(5); // the hold must be older than the zero threshold by at least a millisecond
            assertThatThrownBy(() -> lock.acquireAsync(Duration.ofMillis(1)).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(GuardTimeoutException.class);
            sampler.tick();
        }
        Map<String, List<String>> warnings = new java.util.HashMap<>();
        sampler.rows().forEach(r -> warnings.put(r.name(), r.warnings()));
        assertThat(warnings.get("jobs")).containsExactly("queue at capacity");
        assertThat(warnings.get("stuck")).anyMatch(w -> w.startsWith("held for")).contains("timeouts rising");
    }

    /** All workers busy is normal; a worker pool's queue is full only when its own queue is. */
    @Test
    void aWorkerPoolIsFlaggedWhenItsQueueIsFullNotWhenItsWorkersAreBusy() throws Exception {
        dev.signalbox.core.WorkerPool pool = registry.workerPool("statements", 1, 1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        try {
            pool.submit(() -> {
                running.countDown();
                return release.await(30, TimeUnit.SECONDS);
            });
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
            DashboardSampler sampler = sampler();
            sampler.tick();
            assertThat(sampler.rows().get(0).warnings()).as("one worker busy, queue empty").doesNotContain("queue at capacity");
            pool.submit(() -> true);
            sampler.tick();
            assertThat(sampler.rows().get(0).warnings()).contains("queue at capacity");
            assertThat(sampler.detail("statements").orElseThrow()).containsEntry("queued", 1).containsEntry("queueCapacity", 1);
        } finally {
            release.countDown();
            pool.close();
        }
    }

    @Test
    void aLongHoldOnOneKeyOfAKeyedGuardIsFlagged() throws Exception {
        properties.setHoldWarning(Duration.ZERO);
        KeyedRegistry<String, Lock> accounts = registry.keyedLocks("accounts");
        DashboardSampler sampler = sampler();
        try (KeyedRegistry.Handle<String, Lock> handle = accounts.borrow("acct-7");
                Permit permit = handle.primitive().acquire(Duration.ofSeconds(1))) {
            Thread.sleep(5); // the hold must be older than the zero threshold by at least a millisecond
            sampler.tick();
            assertThat(sampler.rows().get(0).warnings()).anyMatch(w -> w.startsWith("held for"));
            assertThat(registry.registration("accounts").orElseThrow().snapshot().holders())
                    .singleElement().satisfies(h -> assertThat(h.description()).endsWith("[key acct-7]"));
        }
    }

    @Test
    void histogramPercentilesAreUpperBucketBoundsWithinAFactorOfTwo() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int i = 0; i < 98; i++) {
            histogram.record(TimeUnit.MICROSECONDS.toNanos(100));
        }
        histogram.record(TimeUnit.MILLISECONDS.toNanos(50));
        histogram.record(TimeUnit.MILLISECONDS.toNanos(50));
        float[] p = histogram.drainPercentiles();
        assertThat(p[0]).isBetween(0.1f, 0.2f);
        assertThat(p[1]).isBetween(50f, 100f);
        assertThat(histogram.drainPercentiles()).containsExactly(0f, 0f);
    }

    @Test
    void ringKeepsTheNewestSamplesOldestFirst() {
        SampleHistory ring = new SampleHistory(3);
        for (int second = 1; second <= 5; second++) {
            ring.add(new Sample(second, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        }
        assertThat(ring.last(10)).extracting(Sample::epochSecond).containsExactly(3L, 4L, 5L);
        assertThat(ring.latest().epochSecond()).isEqualTo(5);
        assertThatThrownBy(() -> new SampleHistory(0)).hasMessageContaining("signalbox.dashboard.history");
    }

    @Test
    void overviewSendsAtMostMaxRowsButCountsThemAll() {
        properties.setMaxRows(2);
        for (int i = 0; i < 5; i++) {
            registry.lock("lock-" + i);
        }
        DashboardSampler sampler = sampler();
        sampler.tick();
        Map<String, Object> overview = sampler.overview(false);
        assertThat(overview.get("total")).isEqualTo(5);
        assertThat(overview.get("primitives")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).hasSize(2);
    }

    /**
     * Not a timing assertion: prints what one tick costs with 1,000 primitives (200 of them busy),
     * the figure the README quotes.
     */
    @Test
    void measuresTheCostOfOneTickWithAThousandPrimitives() throws Exception {
        for (int i = 0; i < 1_000; i++) {
            Lock lock = registry.lock("guard-" + i);
            if (i % 5 == 0) {
                for (int n = 0; n < 50; n++) {
                    lock.acquire(Duration.ofSeconds(1)).close();
                }
            }
        }
        DashboardSampler sampler = sampler();
        for (int warm = 0; warm < 200; warm++) {
            sampler.tick();
        }
        int ticks = 200;
        long start = System.nanoTime();
        for (int i = 0; i < ticks; i++) {
            sampler.tick();
        }
        double micros = (System.nanoTime() - start) / 1_000.0 / ticks;
        int streamBytes = tools.jackson.databind.json.JsonMapper.builder().build()
                .writeValueAsString(sampler.overview(false)).length();
        System.out.printf("signalbox-dashboard: one sampler tick over %d primitives took %.0f µs on average;"
                + " one stream event (max-rows %d) is %d bytes%n",
                sampler.rows().size(), micros, properties.getMaxRows(), streamBytes);
        assertThat(sampler.rows()).hasSize(1_000);
    }

}

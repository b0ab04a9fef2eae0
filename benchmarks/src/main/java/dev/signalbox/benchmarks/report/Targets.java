package dev.signalbox.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * The six targets of issue 6, each checked as a ratio of two rows of one run (or, for the async
 * footprint, against the footprint program's figures). A target whose rows are missing from the
 * run is reported as not measured, never as met.
 */
final class Targets {

    private Targets() {
    }

    /** Whether a check passed, failed, or could not be made from this run. */
    enum Status { MET, NOT_MET, NOT_MEASURED }

    /**
     * One checked bound.
     *
     * @param target the target number
     * @param what what is compared, in words
     * @param signalbox Signalbox's figure as printed
     * @param peer the peer's figure as printed (empty for a bound on Signalbox alone)
     * @param measured the measured ratio or value as printed
     * @param bound the bound as printed, e.g. "≤ 1.5x"
     * @param verdict "met", or what the gap is
     */
    record Check(int target, String what, String signalbox, String peer, String measured, String bound, Status status,
            String verdict) {
    }

    static List<Check> evaluate(List<ResultsReport.Row> rows, Properties facts) {
        List<Check> checks = new ArrayList<>();
        Lookup run = new Lookup(rows);

        String proxy = "SpringProxyBenchmark";
        checks.add(slowerAtMost(1, "`@Guarded` through a Spring proxy, metrics on, against `@ConcurrencyLimit(10)`",
                run.find(proxy, "signalboxGuarded", 1), run.find(proxy, "springConcurrencyLimit", 1), 1.5));
        checks.add(fasterAtLeast(1, "`@Guarded` against Resilience4j's `@Bulkhead` annotation",
                run.find(proxy, "signalboxGuarded", 1), run.find(proxy, "resilience4jBulkheadAnnotation", 1), 8));
        checks.add(slowerAtMost(1, "(context, not the target) `@Guarded` with no `MeterRegistry` (only the endpoint's counters),"
                + " against `@ConcurrencyLimit(10)`",
                run.find(proxy, "signalboxGuardedWithoutMicrometer", 1), run.find(proxy, "springConcurrencyLimit", 1), 1.5));
        checks.add(slowerAtMost(1, "`@RateLimited` through a Spring proxy, metrics on, against `@ConcurrencyLimit(10)`",
                run.find(proxy, "signalboxRateLimited", 1), run.find(proxy, "springConcurrencyLimit", 1), 1.5));
        checks.add(fasterAtLeast(1, "`@RateLimited` against Resilience4j's `@RateLimiter` annotation",
                run.find(proxy, "signalboxRateLimited", 1), run.find(proxy, "resilience4jRateLimiterAnnotation", 1), 8));

        String uncontended = "UncontendedBenchmark";
        checks.add(slowerAtMost(2, "core `Lock` against `ReentrantLock`, one thread",
                run.find(uncontended, "signalboxLock", 1), run.find(uncontended, "reentrantLock", 1), 2));
        checks.add(slowerAtMost(2, "core `Semaphore` against `java.util.concurrent.Semaphore`, one thread",
                run.find(uncontended, "signalboxSemaphore", 1), run.find(uncontended, "jucSemaphore", 1), 2));

        String contended = "ContendedLockBenchmark";
        for (int threads : new int[] {2, 8}) {
            checks.add(throughputAtLeast(3, "`Lock` (default mode) against unfair `ReentrantLock`, " + threads + " threads",
                    run.find(contended, "signalboxLock", threads), run.find(contended, "unfairReentrantLock", threads), 0.5));
        }
        for (int threads : new int[] {2, 8}) {
            checks.add(throughputAtLeast(3, "`Lock` in fair mode against fair `ReentrantLock`, " + threads + " threads",
                    run.find(contended, "signalboxFairLock", threads), run.find(contended, "fairReentrantLock", threads), 1));
        }

        checks.add(footprintAtMost(facts));
        checks.add(fifo(facts));

        String virtual = "VirtualThreadsBenchmark";
        checks.add(slowerAtMost(5, "wall time of virtual threads through `@Guarded(permits = 16)`, 1 ms each, against `Semaphore(16)`",
                run.find(virtual, "signalboxGuarded", 1), run.find(virtual, "jucSemaphore", 1), 1.1));

        String keyed = "KeyedGuardBenchmark";
        checks.add(slowerAtMost(6, "fresh key (created, then evicted on release) against an existing key, core `KeyedPermits`",
                run.find(keyed, "signalboxFreshKey", 1), run.find(keyed, "signalboxExistingKey", 1), 3));
        checks.add(slowerAtMost(6, "the same through `@Guarded(key = \"#id\")` on a Spring proxy, metrics on",
                run.find(keyed, "signalboxGuardedFreshKey", 1), run.find(keyed, "signalboxGuardedExistingKey", 1), 3));

        // Issue 8's cluster-lock targets, numbered 8 in the table.
        String cluster = "ClusterLockBenchmark";
        // Uncontended: from ClusterLockInterleaved (per-round ratios, median), steadier than separate JMH scores.
        checks.add(interleavedAtMost(facts, "redissonLock", "cluster lock on Redis, uncontended acquire+release, against"
                + " Redisson's own lock (interleaved rounds, median ratio)", 1.2));
        checks.add(interleavedAtMost(facts, "redissonFencedLock", "the same against Redisson's fenced lock, the lock it is"
                + " built on (interleaved)", 1.2));
        checks.add(interleavedAtMost(facts, "redisGet", "the same against one plain GET, a round trip (interleaved)", 2));
        checks.add(throughputAtLeast(8, "cluster lock, 64 threads of one JVM on one key, against Redisson's lock used directly",
                run.find(cluster, "signalboxClusterLockContended64", 64), run.find(cluster, "redissonLockContended64", 64), 2));
        return checks;
    }

    /** Signalbox's time divided by the peer's must be at most {@code bound}. */
    private static Check slowerAtMost(int target, String what, Optional<ResultsReport.Row> signalbox,
            Optional<ResultsReport.Row> peer, double bound) {
        if (signalbox.isEmpty() || peer.isEmpty()) {
            return notMeasured(target, what, "≤ " + times(bound));
        }
        ResultsReport.Row s = signalbox.get();
        ResultsReport.Row p = peer.get();
        double ratio = s.score() / p.score();
        boolean met = ratio <= bound;
        String verdict = met ? "met" : String.format(Locale.ROOT, "not met: %s, %.0f%% over the bound", times(ratio),
                (ratio / bound - 1) * 100);
        return new Check(target, what, figure(s), figure(p), times(ratio), "≤ " + times(bound),
                met ? Status.MET : Status.NOT_MET, verdict + noise(s.score(), s.error(), p.score(), p.error(), bound));
    }

    /** The peer's time divided by Signalbox's (how many times faster Signalbox is) must be at least {@code bound}. */
    private static Check fasterAtLeast(int target, String what, Optional<ResultsReport.Row> signalbox,
            Optional<ResultsReport.Row> peer, double bound) {
        if (signalbox.isEmpty() || peer.isEmpty()) {
            return notMeasured(target, what, "≥ " + times(bound) + " faster");
        }
        ResultsReport.Row s = signalbox.get();
        ResultsReport.Row p = peer.get();
        double ratio = p.score() / s.score();
        boolean met = ratio >= bound;
        String verdict = met ? "met" : String.format(Locale.ROOT, "not met: %s faster, %s short", times(ratio),
                times(bound / ratio));
        return new Check(target, what, figure(s), figure(p), times(ratio) + " faster", "≥ " + times(bound) + " faster",
                met ? Status.MET : Status.NOT_MET, verdict + noise(p.score(), p.error(), s.score(), s.error(), bound));
    }

    /** Signalbox's throughput divided by the peer's must be at least {@code bound}. */
    private static Check throughputAtLeast(int target, String what, Optional<ResultsReport.Row> signalbox,
            Optional<ResultsReport.Row> peer, double bound) {
        if (signalbox.isEmpty() || peer.isEmpty()) {
            return notMeasured(target, what, "≥ " + times(bound));
        }
        ResultsReport.Row s = signalbox.get();
        ResultsReport.Row p = peer.get();
        double ratio = s.score() / p.score();
        boolean met = ratio >= bound;
        String verdict = met ? "met" : String.format(Locale.ROOT, "not met: %s of the peer's throughput, %s short",
                times(ratio), times(bound / ratio));
        return new Check(target, what, figure(s), figure(p), times(ratio), "≥ " + times(bound),
                met ? Status.MET : Status.NOT_MET, verdict + noise(s.score(), s.error(), p.score(), p.error(), bound));
    }

    private static Check footprintAtMost(Properties facts) {
        String what = "heap per pending async acquisition, " + ResultsReport.count(facts.getProperty("async.waiters"))
                + " pending on one semaphore";
        String value = facts.getProperty("async.bytesPerWaiter");
        if (value == null) {
            return notMeasured(4, what, "≤ 256 bytes");
        }
        double bytes = Double.parseDouble(value);
        boolean met = bytes <= 256;
        return new Check(4, what, value + " bytes", "", value + " bytes", "≤ 256 bytes", met ? Status.MET : Status.NOT_MET,
                met ? "met" : String.format(Locale.ROOT, "not met: %.0f bytes over", bytes - 256));
    }

    private static Check fifo(Properties facts) {
        String what = "the pending async acquisitions drain in FIFO order";
        String value = facts.getProperty("async.fifo");
        if (value == null) {
            return notMeasured(4, what, "FIFO");
        }
        boolean met = Boolean.parseBoolean(value);
        return new Check(4, what, met ? "FIFO" : "not FIFO", "", met ? "FIFO" : "not FIFO", "FIFO",
                met ? Status.MET : Status.NOT_MET, met ? "met" : "not met: some were granted out of turn");
    }

    /** An uncontended cluster-lock ratio measured by {@code ClusterLockInterleaved}. */
    private static Check interleavedAtMost(Properties facts, String peer, String what, double bound) {
        String ratio = facts.getProperty("cluster.ratio." + peer);
        String boundText = "≤ " + times(bound);
        if (ratio == null) {
            return notMeasured(8, what, boundText);
        }
        double measured = Double.parseDouble(ratio);
        boolean met = measured <= bound;
        String verdict = met ? "met" : String.format(Locale.ROOT, "not met: %s, %.0f%% over the bound", times(measured),
                (measured / bound - 1) * 100);
        return new Check(8, what, facts.getProperty("cluster.signalboxClusterLock.micros") + " us/op",
                facts.getProperty("cluster." + peer + ".micros") + " us/op", times(measured), boundText,
                met ? Status.MET : Status.NOT_MET, verdict);
    }

    private static Check notMeasured(int target, String what, String bound) {
        return new Check(target, what, "", "", "", bound, Status.NOT_MEASURED, "not measured in this run");
    }

    /**
     * A note when the bound lies inside the ratio's range given both rows' error bars (JMH's 99.9%
     * intervals): the verdict could flip on another run.
     */
    private static String noise(double num, double numError, double den, double denError, double bound) {
        if (!Double.isFinite(numError) || !Double.isFinite(denError) || den - denError <= 0) {
            return "";
        }
        double low = (num - numError) / (den + denError);
        double high = (num + numError) / (den - denError);
        return low <= bound && bound <= high ? " (within this run's error bars)" : "";
    }

    private static String figure(ResultsReport.Row row) {
        return String.format(Locale.ROOT, "%s %s", ResultsReport.score(row.score()), row.unit());
    }

    private static String times(double ratio) {
        return String.format(Locale.ROOT, ratio >= 10 ? "%.0fx" : ratio >= 1 ? "%.2fx" : "%.3fx", ratio);
    }

    /** Rows of one run by class, method and thread count. */
    private record Lookup(List<ResultsReport.Row> rows) {

        Optional<ResultsReport.Row> find(String group, String name, int threads) {
            return rows.stream()
                    .filter(row -> row.group().equals(group) && row.name().equals(name) && row.threads() == threads)
                    .findFirst();
        }
    }
}

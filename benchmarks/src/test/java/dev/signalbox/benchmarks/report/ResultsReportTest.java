package dev.signalbox.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class ResultsReportTest {

    private static final String JMH_JSON = """
            [
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "dev.signalbox.benchmarks.SpringProxyBenchmark.signalboxGuarded",
                    "mode" : "avgt",
                    "threads" : 1,
                    "params" : { "virtualThreads" : "100000" },
                    "primaryMetric" : { "score" : 90.0, "scoreError" : 1.5, "scoreUnit" : "ns/op",
                        "rawData" : [ [ 89.0, 91.0 ] ] },
                    "secondaryMetrics" : { }
                },
                {
                    "jmhVersion" : "1.37",
                    "benchmark" : "dev.signalbox.benchmarks.SpringProxyBenchmark.springConcurrencyLimit",
                    "mode" : "avgt",
                    "threads" : 1,
                    "primaryMetric" : { "score" : 70.0, "scoreError" : "NaN", "scoreUnit" : "ns/op" },
                    "secondaryMetrics" : { }
                }
            ]
            """;

    @Test
    void readsJmhJsonIntoRowsWithTheirClassParamsAndUnits() {
        List<ResultsReport.Row> rows = ResultsReport.parse(JMH_JSON);

        assertEquals(new ResultsReport.Row("SpringProxyBenchmark", "signalboxGuarded", 1, "virtualThreads = 100000", 90.0, 1.5,
                "ns/op"), rows.get(0));
        assertTrue(Double.isNaN(rows.get(1).error()));
    }

    @Test
    void aContendedBenchmarksWorstWaitBecomesAColumnOfItsTable() {
        String json = """
                [
                    {
                        "benchmark" : "dev.signalbox.benchmarks.ContendedLockBenchmark.signalboxLock",
                        "threads" : 8,
                        "primaryMetric" : { "score" : 5.4, "scoreError" : 2.8, "scoreUnit" : "ops/us" },
                        "secondaryMetrics" : { "maxWaitMicros" : { "score" : 8414.6, "scoreError" : "NaN", "scoreUnit" : "#" } }
                    },
                    {
                        "benchmark" : "dev.signalbox.benchmarks.UncontendedBenchmark.signalboxLock",
                        "threads" : 1,
                        "primaryMetric" : { "score" : 20.0, "scoreError" : 1.0, "scoreUnit" : "ns/op" },
                        "secondaryMetrics" : { }
                    }
                ]
                """;
        List<ResultsReport.Row> rows = ResultsReport.parse(json);

        assertEquals(8414.6, rows.get(0).maxWaitMicros());
        assertTrue(Double.isNaN(rows.get(1).maxWaitMicros()));
        String report = ResultsReport.report(rows, new Properties(), "", 2, "");
        assertTrue(report.contains("| benchmark | score | error (99.9%) | max wait (µs) |\n|---|---:|---:|---:|\n| **signalboxLock** | 5.40 | 2.80 | 8415 |"), report);
        assertTrue(report.contains("| benchmark | score | error (99.9%) |\n|---|---:|---:|\n| **signalboxLock** | 20.00 | 1.00 |\n"), report);
    }

    @Test
    void aRatioWithinTheBoundIsMetAndOneBeyondItStatesTheGap() {
        List<ResultsReport.Row> rows = List.of(
                row("SpringProxyBenchmark", "signalboxGuarded", 1, 90),
                row("SpringProxyBenchmark", "springConcurrencyLimit", 1, 70),
                row("SpringProxyBenchmark", "resilience4jBulkheadAnnotation", 1, 900),
                row("UncontendedBenchmark", "signalboxLock", 1, 25),
                row("UncontendedBenchmark", "reentrantLock", 1, 10));

        List<Targets.Check> checks = Targets.evaluate(rows, new Properties());

        Targets.Check guardedAgainstSpring = checks.get(0);
        assertEquals(Targets.Status.MET, guardedAgainstSpring.status());
        assertEquals("1.29x", guardedAgainstSpring.measured());
        Targets.Check guardedAgainstResilience4j = checks.get(1);
        assertEquals(Targets.Status.MET, guardedAgainstResilience4j.status(), guardedAgainstResilience4j.verdict());
        Targets.Check lock = checks.stream().filter(c -> c.what().contains("core `Lock`")).findFirst().orElseThrow();
        assertEquals(Targets.Status.NOT_MET, lock.status());
        assertEquals("not met: 2.50x, 25% over the bound", lock.verdict());
    }

    @Test
    void aTargetWhoseRowsAreMissingIsNotMeasuredNeverMet() {
        Properties facts = new Properties();
        facts.setProperty("async.bytesPerWaiter", "300.0");
        facts.setProperty("async.fifo", "true");

        List<Targets.Check> checks = Targets.evaluate(List.of(), facts);

        assertTrue(checks.stream().filter(c -> c.target() != 4).allMatch(c -> c.status() == Targets.Status.NOT_MEASURED));
        assertEquals(List.of(Targets.Status.NOT_MET, Targets.Status.MET),
                checks.stream().filter(c -> c.target() == 4).map(Targets.Check::status).toList());
    }

    @Test
    void theUncontendedClusterTargetsComeFromTheInterleavedRatios() {
        Properties facts = new Properties();
        facts.setProperty("cluster.signalboxClusterLock.micros", "330.0");
        facts.setProperty("cluster.redissonLock.micros", "300.0");
        facts.setProperty("cluster.redisGet.micros", "60.0");
        facts.setProperty("cluster.ratio.redissonLock", "1.100");
        facts.setProperty("cluster.ratio.redisGet", "5.500");

        List<Targets.Check> cluster = Targets.evaluate(List.of(), facts).stream()
                .filter(c -> c.target() == 8 && c.what().contains("interleaved")).toList();

        assertEquals(3, cluster.size());
        assertEquals(Targets.Status.MET, cluster.get(0).status());
        assertEquals("330.0 us/op", cluster.get(0).signalbox());
        assertEquals("300.0 us/op", cluster.get(0).peer());
        assertEquals(Targets.Status.NOT_MEASURED, cluster.get(1).status(), "no fenced-lock ratio in these facts");
        assertEquals(Targets.Status.NOT_MET, cluster.get(2).status());
        assertEquals("not met: 5.50x, 175% over the bound", cluster.get(2).verdict());
    }

    @Test
    void splicesTheSectionBetweenTheMarkersAndRefusesADocumentWithoutThem() {
        String document = "# Title\n\nprose\n" + ResultsReport.BEGIN + "\nold figures\n" + ResultsReport.END + "\nmore prose\n";

        String spliced = ResultsReport.splice(document, "new figures\n", Path.of("BENCHMARKS.md"));

        assertEquals("# Title\n\nprose\n" + ResultsReport.BEGIN + "\nnew figures\n\n" + ResultsReport.END + "\nmore prose\n", spliced);
        assertThrows(IllegalStateException.class, () -> ResultsReport.splice("# no markers\n", "x", Path.of("BENCHMARKS.md")));
    }

    private static ResultsReport.Row row(String group, String name, int threads, double score) {
        return new ResultsReport.Row(group, name, threads, "", score, 0.1, "ns/op");
    }
}

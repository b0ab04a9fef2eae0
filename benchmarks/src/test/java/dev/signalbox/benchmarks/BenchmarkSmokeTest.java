package dev.signalbox.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import dev.signalbox.benchmarks.report.ResultsReport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The smoke pass that keeps the suite from rotting: every benchmark the JMH annotation processor
 * found runs once, in this JVM, for one short iteration (no warmup), and must produce a score; the
 * footprint programs run on small numbers; the report is written from the smoke results. This
 * checks that the suite builds, starts and completes, never how fast anything is (that is the full
 * run's job, {@code benchmarks/run.sh}).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BenchmarkSmokeTest {

    private static final String PACKAGE = "^dev\\.signalbox\\.benchmarks\\.";
    private static final String CONTENDED = "\\.ContendedLockBenchmark\\.";
    private static final int SMOKE_VIRTUAL_THREADS = 2_000;

    @TempDir
    Path dir;

    @Test
    void everyBenchmarkProducesAScoreAndTheReportIsWrittenFromThem() throws Exception {
        Path oneThread = dir.resolve("one-thread.json");
        Path twoThreads = dir.resolve("two-threads.json");
        List<RunResult> results = new ArrayList<>();
        results.addAll(new Runner(smoke(oneThread).include(PACKAGE).exclude(CONTENDED).threads(1).build()).run());
        results.addAll(new Runner(smoke(twoThreads).include(CONTENDED).threads(2).build()).run());

        Set<String> measured = new TreeSet<>();
        for (RunResult result : results) {
            String name = result.getParams().getBenchmark();
            double score = result.getPrimaryResult().getScore();
            assertTrue(Double.isFinite(score) && score > 0, name + " produced no usable score: " + score);
            measured.add(name);
        }
        assertEquals(declaredBenchmarks(), measured, "every declared benchmark must have run and produced a result");

        Path asyncFacts = dir.resolve("async.properties");
        Path threadFacts = dir.resolve("virtual-threads.properties");
        AsyncWaiterFootprint.main(new String[] {"20000", asyncFacts.toString()});
        VirtualThreadFootprint.main(new String[] {Integer.toString(SMOKE_VIRTUAL_THREADS), threadFacts.toString()});
        Path clusterFacts = dir.resolve("cluster.properties");
        ClusterLockInterleaved.main(new String[] {"2", clusterFacts.toString()});

        Path markdown = dir.resolve("results.md");
        ResultsReport.main(new String[] {"--json", oneThread.toString(), "--json", twoThreads.toString(),
                "--facts", asyncFacts.toString(), "--facts", threadFacts.toString(),
                "--facts", clusterFacts.toString(),
                "--md", markdown.toString(), "--svg", dir.resolve("results.svg").toString(), "--note", "smoke pass"});
        String report = Files.readString(markdown);
        for (String name : measured) {
            String method = name.substring(name.lastIndexOf('.') + 1);
            assertTrue(report.contains(method), "the report lacks " + name);
        }
        assertTrue(report.contains("drained in FIFO order: yes"), "async waiters were not granted in FIFO order:\n" + report);
        assertTrue(report.contains(String.format(Locale.ROOT, "%,d virtual threads waiting", SMOKE_VIRTUAL_THREADS)), report);
        assertTrue(report.contains("against Redisson's own lock (interleaved rounds, median ratio) | "), report);
    }

    /** One iteration of 100 ms, no warmup, in this JVM; a failing benchmark fails the run. */
    private static ChainedOptionsBuilder smoke(Path json) {
        return new OptionsBuilder()
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .param("virtualThreads", Integer.toString(SMOKE_VIRTUAL_THREADS))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
    }

    private static Set<String> declaredBenchmarks() {
        Collection<BenchmarkListEntry> entries = BenchmarkList.defaultList()
                .getAll(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of());
        Set<String> names = new TreeSet<>();
        entries.forEach(entry -> names.add(entry.getUsername()));
        assertTrue(names.size() > 20, "the JMH annotation processor found only " + names + "; is it configured?");
        return names;
    }
}

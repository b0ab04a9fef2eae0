package dev.signalbox.benchmarks;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Heap measurement for the footprint programs, and the facts file they hand to the results report. */
final class Heap {

    private Heap() {
    }

    /** Bytes of heap in use after a few full collections (so that only live objects count). */
    static long usedAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Writes {@code facts} as a properties file, read back by {@code ResultsReport --facts}. */
    static void writeFacts(Properties facts, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file)) {
            facts.store(out, "footprint figures, read by dev.signalbox.benchmarks.report.ResultsReport");
        }
    }
}

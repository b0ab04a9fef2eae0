package dev.signalbox.benchmarks.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;

/**
 * Turns JMH's JSON results (and the footprint programs' figures) into a markdown report and an SVG
 * bar chart: first the issue's targets, each as a ratio of two rows of this run with met / not met
 * and the gap, then one table per benchmark class and thread count, Signalbox's rows beside the
 * peers'. Optionally it writes the same report into a marked section of another markdown file
 * (BENCHMARKS.md), so that every figure there comes from the run.
 *
 * <p>Usage: {@code ResultsReport --json a.json [--json b.json ...] [--facts f.properties ...]
 * --md out.md --svg out.svg [--splice BENCHMARKS.md] [--note "how it was run"]}
 */
public final class ResultsReport {

    static final String BEGIN = "<!-- results:begin (written by benchmarks/run.sh from its run; do not edit by hand) -->";
    static final String END = "<!-- results:end -->";

    private ResultsReport() {
    }

    /**
     * One measured row; {@code maxWaitMicros} is the benchmark's secondary result of that name
     * (the worst wait, see {@code ContendedLockBenchmark}), NaN for benchmarks that do not report it.
     */
    record Row(String group, String name, int threads, String params, double score, double error, String unit,
            double maxWaitMicros) {

        Row(String group, String name, int threads, String params, double score, double error, String unit) {
            this(group, name, threads, params, score, error, unit, Double.NaN);
        }

        boolean isSignalbox() {
            return name.toLowerCase(Locale.ROOT).startsWith("signalbox");
        }
    }

    /** What to read and where to write, from the command line. */
    record Arguments(List<Path> json, List<Path> facts, Path markdown, Path svg, Path splice, String note) {

        static Arguments parse(String... args) {
            List<Path> json = new ArrayList<>();
            List<Path> facts = new ArrayList<>();
            Path markdown = null;
            Path svg = null;
            Path splice = null;
            String note = "";
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--json" -> json.add(Path.of(value));
                    case "--facts" -> facts.add(Path.of(value));
                    case "--md" -> markdown = Path.of(value);
                    case "--svg" -> svg = Path.of(value);
                    case "--splice" -> splice = Path.of(value);
                    case "--note" -> note = value;
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (json.isEmpty() || markdown == null || svg == null) {
                throw new IllegalArgumentException("--json, --md and --svg are required");
            }
            return new Arguments(json, facts, markdown, svg, splice, note);
        }
    }

    public static void main(String[] args) throws IOException {
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\nusage: ResultsReport --json a.json [--json b.json ...] [--facts f.properties ...]"
                    + " --md out.md --svg out.svg [--splice BENCHMARKS.md] [--note text]");
            System.exit(2);
            return;
        }
        System.out.println(write(arguments));
    }

    /** Reads, writes, and says what it wrote; fails when the run produced no result at all. */
    static String write(Arguments arguments) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Path json : arguments.json()) {
            rows.addAll(parse(Files.readString(json)));
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException("no benchmark results in " + arguments.json() + "; did the JMH run finish?");
        }
        Properties facts = new Properties();
        for (Path file : arguments.facts()) {
            try (Reader in = Files.newBufferedReader(file)) {
                facts.load(in);
            }
        }
        String title = "# Signalbox benchmark results\n\n";
        Files.writeString(arguments.markdown(), title + report(rows, facts, arguments.note(), 2, ""));
        Files.writeString(arguments.svg(), svg(rows));
        String wrote = "wrote " + arguments.markdown() + " and " + arguments.svg() + " (" + rows.size() + " results)";
        if (arguments.splice() != null) {
            String document = Files.readString(arguments.splice());
            String relative = arguments.splice().toAbsolutePath().getParent()
                    .relativize(arguments.svg().toAbsolutePath()).toString().replace('\\', '/');
            Files.writeString(arguments.splice(), splice(document, report(rows, facts, arguments.note(), 3, relative),
                    arguments.splice()));
            wrote += ", and its section of " + arguments.splice();
        }
        return wrote;
    }

    static List<Row> parse(String text) {
        List<Row> rows = new ArrayList<>();
        if (!(Json.parse(text) instanceof List<?> results)) {
            throw new IllegalArgumentException("JMH results must be a JSON array");
        }
        for (Object item : results) {
            Map<?, ?> result = (Map<?, ?>) item;
            String full = (String) result.get("benchmark");
            int dot = full.lastIndexOf('.');
            String group = full.substring(full.lastIndexOf('.', dot - 1) + 1, dot);
            StringJoiner params = new StringJoiner(", ");
            if (result.get("params") instanceof Map<?, ?> map) {
                map.forEach((name, value) -> params.add(name + " = " + value));
            }
            Map<?, ?> primary = (Map<?, ?>) result.get("primaryMetric");
            double maxWait = result.get("secondaryMetrics") instanceof Map<?, ?> secondary
                    && secondary.get("maxWaitMicros") instanceof Map<?, ?> wait ? Json.number(wait.get("score")) : Double.NaN;
            rows.add(new Row(group, full.substring(dot + 1), (int) Json.number(result.get("threads")), params.toString(),
                    Json.number(primary.get("score")), Json.number(primary.get("scoreError")), (String) primary.get("scoreUnit"),
                    maxWait));
        }
        return rows;
    }

    /**
     * The report's body: targets, one table per group, footprints, the run note. Headings start at
     * {@code level}; {@code chart}, when not empty, is linked as an image after the targets.
     */
    static String report(List<Row> rows, Properties facts, String note, int level, String chart) {
        String h = "#".repeat(level) + " ";
        StringBuilder out = new StringBuilder();
        out.append("Produced by `benchmarks/run.sh` in one run on one machine, one JMH fork per benchmark. Absolute\n"
                + "numbers are noisy on a shared machine; compare rows within one run. **Bold**: Signalbox.\n");
        if (!note.isEmpty()) {
            out.append("\nRun: ").append(note).append('\n');
        }
        out.append('\n').append(h).append("Targets (issue 6)\n\n")
                .append("| # | what | Signalbox | peer | measured | target | verdict |\n|---|---|---:|---:|---:|---:|---|\n");
        for (Targets.Check check : Targets.evaluate(rows, facts)) {
            out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s |%n", check.target(), check.what(),
                    check.signalbox(), check.peer(), check.measured(), check.bound(),
                    check.status() == Targets.Status.NOT_MET ? "**" + check.verdict() + "**" : check.verdict()));
        }
        if (!chart.isEmpty()) {
            out.append("\n![Signalbox beside its peers, from this run](").append(chart).append(")\n");
        }
        groups(rows).forEach((title, group) -> {
            boolean waits = group.stream().anyMatch(row -> !Double.isNaN(row.maxWaitMicros()));
            out.append('\n').append(h).append(title).append(waits
                    ? "\n\n| benchmark | score | error (99.9%) | max wait (µs) |\n|---|---:|---:|---:|\n"
                    : "\n\n| benchmark | score | error (99.9%) |\n|---|---:|---:|\n");
            for (Row row : group) {
                String name = row.isSignalbox() ? "**" + row.name() + "**" : row.name();
                out.append(String.format(Locale.ROOT, "| %s | %s | %s |", name, score(row.score()), score(row.error())))
                        .append(waits ? " " + score(row.maxWaitMicros()) + " |\n" : "\n");
            }
        });
        out.append('\n').append(h).append("Footprints\n\n");
        String async = facts.getProperty("async.bytesPerWaiter");
        out.append(async == null ? "- async waiters: not measured in this run\n"
                : String.format(Locale.ROOT, "- %s pending async acquisitions on one semaphore: %s bytes of heap each; drained in FIFO order: %s%n",
                        count(facts.getProperty("async.waiters")), async, Boolean.parseBoolean(facts.getProperty("async.fifo")) ? "yes" : "**no**"));
        String threads = facts.getProperty("vt.threads");
        out.append(threads == null ? "- waiting virtual threads: not measured in this run\n"
                : String.format(Locale.ROOT, "- %s virtual threads waiting on a guard of 16 permits, heap per waiting thread:"
                        + " `java.util.concurrent.Semaphore` %s bytes, **Signalbox `Semaphore`** %s bytes,"
                        + " **Signalbox `@Guarded` (Spring proxy)** %s bytes%n", count(threads),
                        facts.getProperty("vt.jucSemaphore.bytesPerThread"), facts.getProperty("vt.signalboxSemaphore.bytesPerThread"),
                        facts.getProperty("vt.signalboxGuarded.bytesPerThread")));
        return out.toString();
    }

    /** Replaces what lies between the markers of {@code document} with {@code section}. */
    static String splice(String document, String section, Path where) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException(where + " has no results section to fill; put the two lines\n" + BEGIN + "\n" + END
                    + "\nwhere the results belong");
        }
        return document.substring(0, begin + BEGIN.length()) + "\n" + section + "\n" + document.substring(end);
    }

    /** A whole number from the facts with thousands separators ({@code 1,000,000}), or "?" when absent. */
    static String count(String value) {
        return value == null ? "?" : String.format(Locale.ROOT, "%,d", Long.parseLong(value));
    }

    static String score(double value) {
        if (!Double.isFinite(value)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.0f" : Math.abs(value) >= 1 ? "%.2f" : "%.3f", value);
    }

    private static Map<String, List<Row>> groups(List<Row> rows) {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row row : rows) {
            String title = row.group() + " (" + row.threads() + (row.threads() == 1 ? " thread" : " threads")
                    + (row.params().isEmpty() ? "" : ", " + row.params()) + ", " + row.unit() + ")";
            groups.computeIfAbsent(title, k -> new ArrayList<>()).add(row);
        }
        return groups;
    }

    static String svg(List<Row> rows) {
        int barHeight = 18;
        int labelWidth = 330;
        int chartWidth = 420;
        StringBuilder body = new StringBuilder();
        int y = 30;
        for (Map.Entry<String, List<Row>> entry : groups(rows).entrySet()) {
            body.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>%n", y, escape(entry.getKey())));
            y += 8;
            double max = entry.getValue().stream().mapToDouble(Row::score).filter(Double::isFinite).max().orElse(1.0);
            for (Row row : entry.getValue()) {
                double width = Double.isFinite(row.score()) && max > 0 ? chartWidth * row.score() / max : 0;
                body.append(String.format(Locale.ROOT,
                        "<text x=\"10\" y=\"%d\">%s</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
                                + "<text x=\"%.1f\" y=\"%d\">%s</text>%n",
                        y + 13, escape(row.name()), labelWidth, y, width, barHeight - 4,
                        row.isSignalbox() ? "#d9480f" : "#868e96", labelWidth + width + 4, y + 13, score(row.score())));
                y += barHeight;
            }
            y += 20;
        }
        return String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n%s</svg>%n",
                labelWidth + chartWidth + 80, y, body);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

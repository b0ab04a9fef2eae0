package dev.signalbox.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns JMH's JSON results into a markdown table and an SVG bar chart, one group per benchmark
 * class and thread count, Signalbox's rows beside the peers'. No dependency: the JSON fields it
 * needs are read with a small pattern, which is enough for JMH's own fixed output.
 *
 * <p>Usage: {@code ResultsReport results.json out.md out.svg}
 */
public final class ResultsReport {

    private static final Pattern ENTRY = Pattern.compile(
            "\"benchmark\"\\s*:\\s*\"([^\"]+)\".*?\"threads\"\\s*:\\s*(\\d+).*?\"primaryMetric\"\\s*:\\s*\\{\\s*\"score\"\\s*:\\s*([-0-9.Ee]+|\"NaN\")\\s*,\\s*\"scoreError\"\\s*:\\s*([-0-9.Ee]+|\"NaN\").*?\"scoreUnit\"\\s*:\\s*\"([^\"]+)\"",
            Pattern.DOTALL);

    /** A benchmark's secondary result "maxWaitMicros" (see {@code ContendedLockBenchmark}), within its own entry. */
    private static final Pattern MAX_WAIT = Pattern.compile(
            "\"maxWaitMicros\"\\s*:\\s*\\{\\s*\"score\"\\s*:\\s*([-0-9.Ee]+|\"NaN\")");

    private ResultsReport() {
    }

    /** One measured row; {@code maxWaitMicros} is NaN for benchmarks that do not report it. */
    record Row(String group, String name, int threads, double score, double error, String unit, double maxWaitMicros) {

        boolean isSignalbox() {
            return name.toLowerCase(Locale.ROOT).startsWith("signalbox");
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: ResultsReport <jmh-results.json> <out.md> <out.svg>");
            System.exit(2);
        }
        List<Row> rows = parse(Files.readString(Path.of(args[0])));
        if (rows.isEmpty()) {
            System.err.println("no benchmark results in " + args[0] + "; did the JMH run finish?");
            System.exit(1);
        }
        Files.writeString(Path.of(args[1]), markdown(rows));
        Files.writeString(Path.of(args[2]), svg(rows));
        System.out.println("wrote " + args[1] + " and " + args[2] + " (" + rows.size() + " results)");
    }

    static List<Row> parse(String json) {
        List<Row> rows = new ArrayList<>();
        Matcher m = ENTRY.matcher(json);
        List<Integer> starts = new ArrayList<>();
        while (m.find()) {
            starts.add(m.start());
            String full = m.group(1);
            int dot = full.lastIndexOf('.');
            String group = full.substring(full.lastIndexOf('.', dot - 1) + 1, dot);
            rows.add(new Row(group, full.substring(dot + 1), Integer.parseInt(m.group(2)), number(m.group(3)),
                    number(m.group(4)), m.group(5), Double.NaN));
        }
        for (int i = 0; i < rows.size(); i++) {
            String entry = json.substring(starts.get(i), i + 1 < starts.size() ? starts.get(i + 1) : json.length());
            Matcher wait = MAX_WAIT.matcher(entry);
            if (wait.find()) {
                Row row = rows.get(i);
                rows.set(i, new Row(row.group(), row.name(), row.threads(), row.score(), row.error(), row.unit(),
                        number(wait.group(1))));
            }
        }
        return rows;
    }

    private static double number(String text) {
        return text.startsWith("\"") ? Double.NaN : Double.parseDouble(text);
    }

    private static Map<String, List<Row>> groups(List<Row> rows) {
        Map<String, List<Row>> groups = new LinkedHashMap<>();
        for (Row row : rows) {
            groups.computeIfAbsent(row.group() + " (" + row.threads() + (row.threads() == 1 ? " thread" : " threads") + ", "
                    + row.unit() + ")", k -> new ArrayList<>()).add(row);
        }
        return groups;
    }

    static String markdown(List<Row> rows) {
        StringBuilder out = new StringBuilder("# Signalbox benchmark results\n\n"
                + "Produced by `benchmarks/run.sh`; one JMH fork per benchmark on this machine. Absolute numbers are\n"
                + "noisy; compare rows within one table (one run). **Bold**: Signalbox.\n");
        groups(rows).forEach((title, group) -> {
            boolean waits = group.stream().anyMatch(row -> !Double.isNaN(row.maxWaitMicros()));
            out.append("\n## ").append(title).append(waits
                    ? "\n\n| benchmark | score | error | max wait (µs) |\n|---|---:|---:|---:|\n"
                    : "\n\n| benchmark | score | error |\n|---|---:|---:|\n");
            for (Row row : group) {
                String name = row.isSignalbox() ? "**" + row.name() + "**" : row.name();
                out.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f |", name, row.score(), row.error()));
                out.append(waits ? String.format(Locale.ROOT, " %.0f |%n", row.maxWaitMicros()) : String.format("%n"));
            }
        });
        return out.toString();
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
                                + "<text x=\"%.1f\" y=\"%d\">%.2f</text>%n",
                        y + 13, escape(row.name()), labelWidth, y, width, barHeight - 4,
                        row.isSignalbox() ? "#d9480f" : "#868e96", labelWidth + width + 4, y + 13, row.score()));
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

package dev.signalbox.redis.processes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.signalbox.redis.testing.Signals;

/**
 * One {@link ClusterApp} in a JVM of its own, on the test's class path: an instance of a service in a
 * cluster. The test reads what it prints ({@link #awaitLine}), and can kill it ({@code SIGKILL}),
 * pause it ({@code SIGSTOP}) and resume it ({@code SIGCONT}).
 */
final class AppProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> transcript = java.util.Collections.synchronizedList(new ArrayList<>());

    private AppProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread.ofPlatform().daemon().name(name + "-stdout").start(this::pump);
    }

    /** Starts {@code ClusterApp} with {@code --scenario=...} and the given {@code --key=value} arguments. */
    static AppProcess start(String name, int redisPort, String scenario, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xshare:auto");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ClusterApp.class.getName());
        command.add("--scenario=" + scenario);
        command.add("--spring.data.redis.host=127.0.0.1");
        command.add("--spring.data.redis.port=" + redisPort);
        command.add("--signalbox.redis.instance-id=" + name);
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            return new AppProcess(name, process);
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + name + ": " + e.getMessage(), e);
        }
    }

    private void pump() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                transcript.add(line);
                if (line.startsWith(ClusterApp.OUT)) {
                    lines.add(line.substring(ClusterApp.OUT.length()));
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** Waits for the next reported line that starts with {@code prefix}; returns what follows it. */
    String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) {
                    throw new AssertionError(name + " reported no '" + prefix + "' within " + timeout + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")")
                            + "; its output:\n" + String.join("\n", tail()));
                }
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name, e);
        }
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout + "; its output:\n" + String.join("\n", tail()));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name, e);
        }
    }

    void kill9() {
        signal("KILL");
        awaitExit(Duration.ofSeconds(10));
    }

    void pause() {
        signal("STOP");
    }

    void resume() {
        signal("CONT");
    }

    String output() {
        return String.join("\n", tail());
    }

    private List<String> tail() {
        synchronized (transcript) {
            return List.copyOf(transcript.subList(Math.max(0, transcript.size() - 60), transcript.size()));
        }
    }

    private void signal(String signal) {
        Signals.send(process, signal, name);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                signal("CONT"); // a stopped process must run to die
            } catch (IllegalStateException exitedMeanwhile) {
                // it ended between the check and the signal
            }
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

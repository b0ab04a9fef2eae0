package dev.signalbox.redis.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;

/**
 * Redis as a {@code redis-server} child process of the test JVM on {@code 127.0.0.1:port}, nothing
 * persisted; stop is SIGTERM, kill SIGKILL, pause SIGSTOP, resume SIGCONT.
 */
final class ProcessRedis implements RedisBacking {

    private final Path binary;
    private final int port;
    private final Path dir;
    private Process process;

    ProcessRedis(Path binary, int port) throws IOException {
        this.binary = binary;
        this.port = port;
        this.dir = Files.createTempDirectory("signalbox-redis-");
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public String describe() {
        return "redis-server";
    }

    @Override
    public Duration startTimeout() {
        return Duration.ofSeconds(10);
    }

    @Override
    public void start() {
        try {
            process = new ProcessBuilder(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                    "--protected-mode", "no", "--logfile", dir.resolve("redis.log").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + binary + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public String exitReport() {
        return "exited at start with " + process.exitValue() + "; see " + dir.resolve("redis.log");
    }

    @Override
    public void stop() {
        process.destroy();
        awaitExit();
    }

    @Override
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    @Override
    public void pause() {
        signal("STOP");
    }

    @Override
    public void resume() {
        signal("CONT");
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            awaitExit();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not exit within 10s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server to exit", e);
        }
    }

    private void signal(String signal) {
        Signals.send(process, signal, "redis-server");
    }
}

package dev.signalbox.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} child process of the test JVM, on a free port of its own, that a test can
 * stop, kill ({@code SIGKILL}), pause ({@code SIGSTOP}) and start again on the same port. Nothing is
 * persisted: every start is an empty Redis.
 *
 * <p>Uses Debian's {@code redis-server} (package {@code redis-server}); {@link #binary()} says where
 * it looked when it is missing.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Path binary;
    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(Path binary, int port, Path dir) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
    }

    /** Starts a new server on a free port. */
    public static RedisServer start() {
        Path binary = binary();
        if (binary == null) {
            throw new IllegalStateException("redis-server is not installed (looked on PATH and in /usr/bin, /usr/local/bin);"
                    + " install Debian's package: apt-get install -y redis-server");
        }
        try {
            RedisServer server = new RedisServer(binary, freePort(), Files.createTempDirectory("signalbox-redis-"));
            server.startProcess();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("could not start redis-server: " + e.getMessage(), e);
        }
    }

    /** The {@code redis-server} executable, or {@code null} when none is installed. */
    public static Path binary() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                candidates.add(Path.of(dir, "redis-server"));
            }
        }
        candidates.add(Path.of("/usr/bin/redis-server"));
        candidates.add(Path.of("/usr/local/bin/redis-server"));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    /** {@code redis://127.0.0.1:PORT}, as Redisson's single-server config takes it. */
    public String uri() {
        return "redis://" + host() + ":" + port;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The server's process id, for signals. */
    public long pid() {
        requireRunning();
        return process.pid();
    }

    /** Starts the server again on the same port (after {@link #stop()} or {@link #kill()}), empty. */
    public synchronized void restart() {
        if (isRunning()) {
            throw new IllegalStateException("redis-server on port " + port + " is still running; stop() or kill() it first");
        }
        startProcess();
    }

    /** Stops the server gracefully (SIGTERM) and waits until it has exited. */
    public synchronized void stop() {
        if (isRunning()) {
            process.destroy();
            awaitExit();
        }
    }

    /** Kills the server at once (SIGKILL), like a crash, and waits until it has exited. */
    public synchronized void kill() {
        if (isRunning()) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    /** Freezes the server (SIGSTOP): connections stay open but nothing answers. */
    public void pause() {
        signal("STOP");
    }

    /** Thaws a {@link #pause() paused} server (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    /** Sends one command in Redis' inline protocol and returns the raw reply (for INFO, FLUSHALL, CONFIG...). */
    public String command(String... words) {
        requireRunning();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host(), port), 2_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
            for (String word : words) {
                byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
                request.append('$').append(bytes.length).append("\r\n").append(word).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readReply(socket.getInputStream());
        } catch (IOException e) {
            throw new IllegalStateException("redis-server on port " + port + " did not answer " + words[0] + ": " + e.getMessage(), e);
        }
    }

    /** How many times Redis ran {@code command} since the last {@code CONFIG RESETSTAT}, from {@code INFO commandstats}. */
    public long commandCalls(String command) {
        String prefix = "cmdstat_" + command.toLowerCase() + ":calls=";
        for (String line : command("INFO", "commandstats").split("\r\n")) {
            if (line.startsWith(prefix)) {
                return Long.parseLong(line.substring(prefix.length(), line.indexOf(',')));
            }
        }
        return 0;
    }

    /** The total number of commands Redis ran since the last {@code CONFIG RESETSTAT}. */
    public long totalCommandCalls() {
        long total = 0;
        for (String line : command("INFO", "commandstats").split("\r\n")) {
            int at = line.indexOf(":calls=");
            if (line.startsWith("cmdstat_") && at > 0) {
                total += Long.parseLong(line.substring(at + 7, line.indexOf(',', at)));
            }
        }
        return total;
    }

    /** Stops the server and deletes its directory. */
    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            awaitExit();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private void startProcess() {
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
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited at start with " + process.exitValue()
                        + "; see " + dir.resolve("redis.log"));
            }
            try {
                if (command("PING").startsWith("+PONG")) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // not listening yet
            }
            sleep(20);
        }
        process.destroyForcibly();
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING within " + START_TIMEOUT);
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
        requireRunning();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not send SIG" + signal + " to redis-server: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling redis-server", e);
        }
    }

    private void requireRunning() {
        if (!isRunning()) {
            throw new IllegalStateException("redis-server on port " + port + " is not running");
        }
    }

    /** Reads one reply: a status or integer line as is, a bulk string as its text, an array as its elements one per line. */
    private static String readReply(InputStream in) throws IOException {
        String line = readLine(in);
        if (line.startsWith("*")) {
            int count = Integer.parseInt(line.substring(1));
            List<String> elements = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                elements.add(readReply(in));
            }
            return String.join("\n", elements);
        }
        if (line.startsWith("$")) {
            int length = Integer.parseInt(line.substring(1));
            if (length < 0) {
                return "";
            }
            byte[] body = in.readNBytes(length + 2);
            return new String(body, 0, length, StandardCharsets.UTF_8);
        }
        return line;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        if (c == -1 && line.isEmpty()) {
            throw new IOException("connection closed");
        }
        return line.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for redis-server", e);
        }
    }
}

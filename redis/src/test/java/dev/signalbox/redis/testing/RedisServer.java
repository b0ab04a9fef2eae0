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
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis of the test JVM's own on a port of its own, that a test can stop, kill, pause and start again
 * on the same port (so {@link #uri()} stays the same). Nothing is persisted: every start is an empty Redis.
 *
 * <p>Two backings, chosen by the system property {@value #BACKING_PROPERTY}:
 * <ul>
 *   <li>{@code auto} (the default): a container when Testcontainers is on the class path and finds a
 *       container runtime, else a process;</li>
 *   <li>{@code process}: a {@code redis-server} child process on {@code 127.0.0.1} and a free port
 *       (Debian's package {@code redis-server}; {@link #binary()} says where it looked); stop is
 *       SIGTERM, kill SIGKILL, pause SIGSTOP, resume SIGCONT;</li>
 *   <li>{@code container}: {@code redis:7-alpine} through Testcontainers, its port published on a free
 *       host port chosen up front; stop, kill, pause, resume and restart are {@code docker stop},
 *       {@code kill}, {@code pause}, {@code unpause} and {@code start} of the same container. Without a
 *       runtime (or without Testcontainers on the class path) {@link #start()} fails saying so.</li>
 * </ul>
 * In {@code auto}, a container that cannot start (no image and no registry, say) falls back to the
 * process, with a warning on stderr, when {@code redis-server} is installed. Everything but
 * {@link #pid()} works alike for both.
 */
public final class RedisServer implements AutoCloseable {

    /** The system property that chooses the backing: {@code auto} (default), {@code process} or {@code container}. */
    public static final String BACKING_PROPERTY = "signalbox.test.redis";

    /** What runs Redis. */
    public enum Backing {
        /** A {@code redis-server} child process. */
        PROCESS,
        /** A container, through Testcontainers. */
        CONTAINER
    }

    private static final Object CHOICE_LOCK = new Object();
    /** Whether Testcontainers found a runtime; asked once per JVM. */
    private static Boolean containerRuntime;
    /** Set when an {@code auto} container failed to start: the rest of this JVM uses processes. */
    private static volatile boolean containerFailed;

    private final RedisBacking backing;
    private final Backing kind;
    private final int port;

    private RedisServer(RedisBacking backing, Backing kind, int port) {
        this.backing = backing;
        this.kind = kind;
        this.port = port;
    }

    /**
     * Starts a new, empty Redis on a free port, in a container or as a process (see the class comment).
     *
     * @throws IllegalStateException when it cannot start, saying why and what to install or set
     */
    public static RedisServer start() {
        String setting = System.getProperty(BACKING_PROPERTY, "auto");
        if (choose(setting) == Backing.CONTAINER) {
            try {
                return startContainer();
            } catch (RuntimeException e) {
                if (!isAuto(setting) || binary() == null) {
                    throw e;
                }
                containerFailed = true;
                System.err.println("RedisServer: the Redis container did not start (" + e + "); " + BACKING_PROPERTY
                        + "=auto falls back to redis-server processes for the rest of this JVM");
            }
        }
        return startProcess();
    }

    /**
     * What {@link #start()} runs with the system property as it is now, asking Testcontainers (once per
     * JVM) whether there is a container runtime when that matters.
     *
     * @throws IllegalStateException when the property has another value, or says {@code container} and
     *     there is no runtime or no Testcontainers
     */
    public static Backing chosenBacking() {
        return choose(System.getProperty(BACKING_PROPERTY, "auto"));
    }

    /** {@link #chosenBacking()} for {@code setting}, a value of {@value #BACKING_PROPERTY}. */
    static Backing choose(String setting) {
        String value = setting.trim().toLowerCase(java.util.Locale.ROOT);
        switch (value) {
            case "process":
                return Backing.PROCESS;
            case "container":
                if (!testcontainersPresent()) {
                    throw new IllegalStateException(BACKING_PROPERTY + "=container, but Testcontainers is not on the class path;"
                            + " add the test dependency org.testcontainers:testcontainers, or use " + BACKING_PROPERTY + "=auto or process");
                }
                if (!containerRuntime()) {
                    throw new IllegalStateException(BACKING_PROPERTY + "=container, but Testcontainers finds no container runtime"
                            + " (Docker or compatible; see its log above); start one, or use " + BACKING_PROPERTY + "=auto or process");
                }
                return Backing.CONTAINER;
            case "auto":
            case "":
                return !containerFailed && testcontainersPresent() && containerRuntime() ? Backing.CONTAINER : Backing.PROCESS;
            default:
                throw new IllegalStateException(BACKING_PROPERTY + "=" + setting + " is not one of auto, process, container");
        }
    }

    private static boolean isAuto(String setting) {
        String value = setting.trim().toLowerCase(java.util.Locale.ROOT);
        return value.equals("auto") || value.isEmpty();
    }

    private static boolean testcontainersPresent() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, RedisServer.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static boolean containerRuntime() {
        synchronized (CHOICE_LOCK) {
            if (containerRuntime == null) {
                containerRuntime = ContainerRedis.runtimeAvailable();
            }
            return containerRuntime;
        }
    }

    private static RedisServer startProcess() {
        Path binary = binary();
        if (binary == null) {
            throw new IllegalStateException("redis-server is not installed (looked on PATH and in /usr/bin, /usr/local/bin);"
                    + " install Debian's package: apt-get install -y redis-server");
        }
        try {
            int port = freePort();
            RedisServer server = new RedisServer(new ProcessRedis(binary, port), Backing.PROCESS, port);
            server.startBacking();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("could not start redis-server: " + e.getMessage(), e);
        }
    }

    private static RedisServer startContainer() {
        int port;
        try {
            port = freePort();
        } catch (IOException e) {
            throw new IllegalStateException("could not find a free port for the Redis container: " + e.getMessage(), e);
        }
        RedisServer server = new RedisServer(ContainerRedis.create(port), Backing.CONTAINER, port);
        try {
            server.startBacking();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
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

    /** What runs this Redis. */
    public Backing backing() {
        return kind;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1} for a process; for a container, the host Testcontainers reaches it on (usually {@code localhost}). */
    public String host() {
        return backing.host();
    }

    /** {@code redis://HOST:PORT}, as Redisson's single-server config takes it. */
    public String uri() {
        return "redis://" + host() + ":" + port;
    }

    /** Running (a paused one too). */
    public boolean isRunning() {
        return backing.isRunning();
    }

    /**
     * The server's process id, for signals.
     *
     * @throws UnsupportedOperationException for a container, which has no process of this machine to signal
     */
    public long pid() {
        requireRunning();
        return backing.pid();
    }

    /** Starts the server again on the same port (after {@link #stop()} or {@link #kill()}), empty. */
    public synchronized void restart() {
        if (isRunning()) {
            throw new IllegalStateException(backing.describe() + " on port " + port + " is still running; stop() or kill() it first");
        }
        startBacking();
    }

    /** Stops the server gracefully (SIGTERM, {@code docker stop}) and waits until it has exited. */
    public synchronized void stop() {
        if (isRunning()) {
            backing.stop();
        }
    }

    /** Kills the server at once (SIGKILL, {@code docker kill}), like a crash, and waits until it has exited. */
    public synchronized void kill() {
        if (isRunning()) {
            backing.kill();
        }
    }

    /** Freezes the server (SIGSTOP, {@code docker pause}): connections stay open but nothing answers. */
    public void pause() {
        requireRunning();
        backing.pause();
    }

    /** Thaws a {@link #pause() paused} server (SIGCONT, {@code docker unpause}). */
    public void resume() {
        requireRunning();
        backing.resume();
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
            throw new IllegalStateException(backing.describe() + " on port " + port + " did not answer " + words[0] + ": " + e.getMessage(), e);
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

    /** Stops the server for good and frees what it held (its directory, or its container). */
    @Override
    public synchronized void close() {
        backing.close();
    }

    /** Starts the backing and waits until it answers PING. */
    private void startBacking() {
        backing.start();
        long deadline = System.nanoTime() + backing.startTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (!backing.isRunning()) {
                throw new IllegalStateException(backing.describe() + " on port " + port + " " + backing.exitReport());
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
        backing.kill();
        throw new IllegalStateException(backing.describe() + " on port " + port + " did not answer PING within " + backing.startTimeout());
    }

    private void requireRunning() {
        if (!isRunning()) {
            throw new IllegalStateException(backing.describe() + " on port " + port + " is not running");
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
            throw new IllegalStateException("interrupted while waiting for Redis", e);
        }
    }
}

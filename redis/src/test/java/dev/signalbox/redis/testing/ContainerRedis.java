package dev.signalbox.redis.testing;

import java.time.Duration;
import java.util.List;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Redis in a container ({@value #IMAGE}, through Testcontainers), nothing persisted, its port 6379
 * published on a fixed host port chosen up front, so that its address stays the same when it is
 * started again. The container is created once; stop, kill, pause, resume and start again are
 * {@code docker stop}, {@code kill}, {@code pause}, {@code unpause} and {@code start} of that same
 * container; {@link #close()} removes it (and Testcontainers' reaper does, should the JVM die first).
 *
 * <p>Loaded only when Testcontainers is on the class path and chosen (see {@link RedisServer}); it
 * has no process of this machine to signal, so {@link #pid()} throws.
 */
final class ContainerRedis implements RedisBacking {

    static final String IMAGE = "redis:7-alpine";
    private static final int REDIS_PORT = 6379;
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

    private final GenericContainer<?> container;
    private final int port;

    private ContainerRedis(int port) {
        this.port = port;
        // No snapshot on shutdown and no AOF, so that a container started again is empty like a new process.
        this.container = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withExposedPorts(REDIS_PORT)
                .withCommand("redis-server", "--save", "", "--appendonly", "no", "--protected-mode", "no")
                .waitingFor(Wait.forListeningPort())
                .withStartupTimeout(Duration.ofSeconds(60));
        container.setPortBindings(List.of(port + ":" + REDIS_PORT));
    }

    /** A backing for host port {@code port}, not started yet. */
    static RedisBacking create(int port) {
        return new ContainerRedis(port);
    }

    /** Whether Testcontainers finds a container runtime (Docker or compatible); it remembers the answer. */
    static boolean runtimeAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public String describe() {
        String id = container.getContainerId();
        return "Redis container " + (id == null ? "" : id.substring(0, Math.min(12, id.length())) + " ") + "(" + IMAGE + ")";
    }

    @Override
    public Duration startTimeout() {
        return Duration.ofSeconds(30);
    }

    @Override
    public void start() {
        if (container.getContainerId() == null) {
            container.start();
        } else {
            docker().startContainerCmd(id()).exec();
        }
    }

    @Override
    public boolean isRunning() {
        return container.getContainerId() != null && Boolean.TRUE.equals(state().getRunning());
    }

    @Override
    public String exitReport() {
        String logs;
        try {
            logs = container.getLogs();
        } catch (RuntimeException e) {
            logs = "(no logs: " + e.getMessage() + ")";
        }
        return "exited at start with " + state().getExitCodeLong() + "; its output:\n" + logs;
    }

    @Override
    public void stop() {
        unpauseIfPaused();
        docker().stopContainerCmd(id()).withTimeout(10).exec();
        awaitExit();
    }

    @Override
    public void kill() {
        // Docker refuses to signal a frozen container; thawed and killed at once it is as good as crashed.
        unpauseIfPaused();
        docker().killContainerCmd(id()).exec();
        awaitExit();
    }

    @Override
    public void pause() {
        if (!Boolean.TRUE.equals(state().getPaused())) {
            docker().pauseContainerCmd(id()).exec();
        }
    }

    @Override
    public void resume() {
        unpauseIfPaused();
    }

    @Override
    public long pid() {
        throw new UnsupportedOperationException(describe() + " on port " + port + " is not a process of this machine"
                + " that the test could signal; use stop(), kill(), pause() and resume(), which work for a container and a"
                + " process alike, or run Redis as a process with -D" + RedisServer.BACKING_PROPERTY + "=process");
    }

    @Override
    public void close() {
        if (container.getContainerId() == null) {
            return;
        }
        try {
            unpauseIfPaused();
        } catch (RuntimeException ignored) {
            // removal below is forced anyway
        }
        container.stop();
    }

    private void unpauseIfPaused() {
        if (Boolean.TRUE.equals(state().getPaused())) {
            docker().unpauseContainerCmd(id()).exec();
        }
    }

    private void awaitExit() {
        long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
        while (isRunning()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(describe() + " on port " + port + " did not exit within " + EXIT_TIMEOUT);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + describe() + " to exit", e);
            }
        }
    }

    private InspectContainerResponse.ContainerState state() {
        return docker().inspectContainerCmd(id()).exec().getState();
    }

    private String id() {
        String id = container.getContainerId();
        if (id == null) {
            throw new IllegalStateException(describe() + " on port " + port + " was never started");
        }
        return id;
    }

    private DockerClient docker() {
        return container.getDockerClient();
    }
}

package dev.signalbox.redis.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Gives a test class its own {@link RedisServer} on a free port (a container where there is a
 * container runtime, else a {@code redis-server} process; see {@link RedisServer} and its system
 * property {@value RedisServer#BACKING_PROPERTY}), started before the first test and
 * closed after the last; before each test the server is running again (a test may have stopped or
 * killed it) and empty. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServerExtension redis = new RedisServerExtension();
 * }</pre>
 *
 * <p>When Redis would run as a process and {@code redis-server} is not installed (so: no container
 * runtime either, or {@code process} chosen), the tests are skipped, except with {@code CI=true} where
 * they fail: CI must run them ({@code .ci/run} installs the package). {@code container} chosen without
 * a runtime fails the tests, saying so.
 */
public final class RedisServerExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private RedisServer server;

    /** The running server of this test class. */
    public RedisServer server() {
        if (server == null) {
            throw new IllegalStateException("the Redis server starts before the test class; use it from a test or @BeforeEach");
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (RedisServer.chosenBacking() == RedisServer.Backing.PROCESS && RedisServer.binary() == null
                && !"true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new TestAbortedException("redis-server is not installed (apt-get install -y redis-server) and no container"
                    + " runtime is used; skipping " + context.getDisplayName() + ". With CI=true this fails instead.");
        }
        server = RedisServer.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!server.isRunning()) {
            server.restart();
        } else {
            server.command("FLUSHALL");
            server.command("CONFIG", "RESETSTAT");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }
}

package dev.signalbox.redis.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * Gives a test class its own {@link RedisServer} on a free port, started before the first test and
 * closed after the last; before each test the server is running again (a test may have stopped or
 * killed it) and empty. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServerExtension redis = new RedisServerExtension();
 * }</pre>
 *
 * <p>When {@code redis-server} is not installed, the tests are skipped, except with {@code CI=true}
 * where they fail: CI must run them ({@code .ci/run} installs the package).
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
        if (RedisServer.binary() == null && !"true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new TestAbortedException("redis-server is not installed (apt-get install -y redis-server); skipping "
                    + context.getDisplayName() + ". With CI=true this fails instead.");
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

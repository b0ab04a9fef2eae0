package dev.signalbox.redis.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
class RedisServerTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @Test
    void serverAnswersAndCountsCommands() {
        RedisServer server = redis.server();
        assertThat(server.command("SET", "k", "v")).isEqualTo("+OK");
        assertThat(server.command("GET", "k")).isEqualTo("v");
        assertThat(server.commandCalls("set")).isEqualTo(1);
        assertThat(server.totalCommandCalls()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void killedServerRestartsEmptyOnTheSamePort() {
        RedisServer server = redis.server();
        server.command("SET", "k", "v");
        int port = server.port();
        server.kill();
        assertThat(server.isRunning()).isFalse();
        assertThatThrownBy(() -> server.command("PING")).isInstanceOf(IllegalStateException.class);
        server.restart();
        assertThat(server.port()).isEqualTo(port);
        assertThat(server.command("GET", "k")).isEmpty();
    }

    @Test
    void eachTestStartsWithAnEmptyRunningServer() {
        assertThat(redis.server().isRunning()).isTrue();
        assertThat(redis.server().command("DBSIZE")).isEqualTo(":0");
    }

    @Test
    void theBackingIsChosenByTheSystemPropertyAndContainerWithoutARuntimeIsAClearError() {
        assertThat(RedisServer.choose("process")).isEqualTo(RedisServer.Backing.PROCESS);
        assertThatThrownBy(() -> RedisServer.choose("docker")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("signalbox.test.redis=docker is not one of auto, process, container");
        if (ContainerRedis.runtimeAvailable()) {
            assertThat(RedisServer.choose("container")).isEqualTo(RedisServer.Backing.CONTAINER);
        } else {
            assertThat(RedisServer.choose("auto")).isEqualTo(RedisServer.Backing.PROCESS);
            assertThatThrownBy(() -> RedisServer.choose("container")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("signalbox.test.redis=container, but Testcontainers finds no container runtime");
        }
    }

    @Test
    void aProcessHasAPidAndAContainerSaysWhyItHasNone() {
        RedisServer server = redis.server();
        if (server.backing() == RedisServer.Backing.PROCESS) {
            assertThat(ProcessHandle.of(server.pid())).hasValueSatisfying(handle -> assertThat(handle.isAlive()).isTrue());
        } else {
            assertThatThrownBy(server::pid).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("signalbox.test.redis=process");
        }
    }

    @Test
    void aStoppedServerStartsAgainOnTheSameUriAndPauseAndResumeTwiceAreHarmless() {
        RedisServer server = redis.server();
        String uri = server.uri();
        server.pause();
        server.pause();
        server.resume();
        server.resume();
        assertThat(server.command("PING")).isEqualTo("+PONG");
        server.stop();
        assertThat(server.isRunning()).isFalse();
        server.restart();
        assertThat(server.uri()).isEqualTo(uri);
        assertThat(server.command("PING")).isEqualTo("+PONG");
    }
}

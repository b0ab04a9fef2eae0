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
}

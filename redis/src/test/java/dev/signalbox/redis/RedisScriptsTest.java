package dev.signalbox.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The Lua scripts as {@link RedisScripts} loads and composes them, without Redis (RedisBarrierTest,
 * RedisKeyExpiryTest and RedisOutageTest run them against a real one).
 */
class RedisScriptsTest {

    private static final Map<String, Object> PARAMETERS = Map.of("VERDICTS_KEPT", RedisScripts.BARRIER_VERDICTS_KEPT);

    @Test
    void theSharedStartDefinesTheBarrierFunctionsWithItsParameterFilledIn() {
        String decide = RedisScripts.BARRIER_DECIDE;
        assertThat(decide).isNotBlank()
                .startsWith("local function decide(epoch, seq, verdict)\n")
                .contains("local function now_ms()", "local function lapsed(now)")
                .contains("redis.call('HKEYS', KEYS[1])", "redis.call('HDEL', KEYS[1], field)",
                        "redis.call('PUBLISH', ARGV[1]", "redis.call('TIME')", "redis.call('HGETALL', KEYS[1])")
                .contains("redis.call('HSET', KEYS[1], 'v' .. (seq % " + RedisScripts.BARRIER_VERDICTS_KEPT + "), ")
                .endsWith("end\n");
    }

    @Test
    void eachBarrierScriptIsTheSharedStartFollowedByItsOwnFile() {
        record Composed(String script, String file, List<String> calls) {
        }
        List<Composed> scripts = List.of(
                new Composed(RedisScripts.BARRIER_ARRIVE, "barrier-arrive.lua", List.of("redis.call('HGET', KEYS[1], 'epoch')",
                        "redis.call('HSET', KEYS[1], 'epoch', epoch", "redis.call('HSET', KEYS[1], 'arrived', arrived + 1",
                        "redis.call('PEXPIRE', KEYS[1], ARGV[2])")),
                new Composed(RedisScripts.BARRIER_SETTLE, "barrier-settle.lua", List.of("redis.call('HGET', KEYS[1], 'epoch')",
                        "redis.call('PEXPIRE', KEYS[1], ARGV[2])", "redis.call('HSET', KEYS[1], 'a:' .. ARGV[7]",
                        "redis.call('HGET', KEYS[1], 'v' .. (mine % " + RedisScripts.BARRIER_VERDICTS_KEPT + "))")),
                new Composed(RedisScripts.BARRIER_ABORT, "barrier-abort.lua", List.of("redis.call('HGET', KEYS[1], 'epoch')",
                        "redis.call('HGET', KEYS[1], 'arrived')", "redis.call('HSET', KEYS[1], 'broken', ARGV[3])",
                        "redis.call('PEXPIRE', KEYS[1], ARGV[2])")),
                new Composed(RedisScripts.BARRIER_RESET, "barrier-reset.lua", List.of("redis.call('HGET', KEYS[1], 'epoch')",
                        "redis.call('HDEL', KEYS[1], 'broken')", "redis.call('PEXPIRE', KEYS[1], ARGV[2])")));
        for (Composed c : scripts) {
            String own = RedisScripts.load(c.file(), PARAMETERS);
            assertThat(own).as(c.file()).isNotBlank().startsWith("local epoch = redis.call('HGET', KEYS[1], 'epoch')\n")
                    .doesNotContain("local function decide").contains(c.calls());
            assertThat(c.script()).as(c.file()).isEqualTo(RedisScripts.BARRIER_DECIDE + own);
            assertThat(c.script().indexOf("local function decide")).as(c.file()).isLessThan(c.script().indexOf(own))
                    .isLessThan(c.script().indexOf("decide(epoch,", RedisScripts.BARRIER_DECIDE.length()));
        }
    }

    /** The leave script decides nothing (it only takes a party out of an open generation), so it is not in the list above. */
    @Test
    void theLeaveScriptIsTheSharedStartFollowedByItsOwnFile() {
        String own = RedisScripts.load("barrier-leave.lua", PARAMETERS);
        assertThat(own).startsWith("local epoch = redis.call('HGET', KEYS[1], 'epoch')\n").doesNotContain("decide(")
                .contains("redis.call('HSET', KEYS[1], 'arrived', arrived, 'left', left)", "redis.call('PEXPIRE', KEYS[1], ARGV[2])",
                        "redis.call('HGET', KEYS[1], 'v' .. (mine % " + RedisScripts.BARRIER_VERDICTS_KEPT + "))");
        assertThat(RedisScripts.BARRIER_LEAVE).isEqualTo(RedisScripts.BARRIER_DECIDE + own);
    }

    @Test
    void headersAreDroppedAndNoParameterIsLeftOver() {
        for (String script : List.of(RedisScripts.BARRIER_ARRIVE, RedisScripts.BARRIER_SETTLE, RedisScripts.BARRIER_ABORT,
                RedisScripts.BARRIER_RESET, RedisScripts.BARRIER_LEAVE)) {
            assertThat(script).doesNotContain("${").doesNotStartWith("--").doesNotContain("\n--").doesNotContain("\r");
        }
    }

    @Test
    void eachFileHasAHeaderSayingWhatItTakesAndReturns() throws IOException {
        for (String file : List.of("barrier-decide.lua", "barrier-arrive.lua", "barrier-settle.lua", "barrier-abort.lua", "barrier-reset.lua",
                "barrier-leave.lua")) {
            try (InputStream in = RedisScripts.class.getResourceAsStream(file)) {
                assertThat(in).as(file).isNotNull();
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                String header = text.substring(0, text.indexOf(RedisScripts.load(file, PARAMETERS).lines().findFirst().orElseThrow()));
                assertThat(header).as(file).startsWith("-- ").contains("KEYS[1]", "ARGV[1]").containsIgnoringCase("return");
            }
        }
    }

    @Test
    void aMissingResourceFailsNamingIt() {
        assertThatThrownBy(() -> RedisScripts.load("no-such-script.lua", PARAMETERS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dev/signalbox/redis/no-such-script.lua").hasMessageContaining("missing");
    }

    @Test
    void aParameterNotGivenFailsNamingIt() {
        assertThatThrownBy(() -> RedisScripts.load("barrier-decide.lua", Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dev/signalbox/redis/barrier-decide.lua").hasMessageContaining("${VERDICTS_KEPT}");
    }
}

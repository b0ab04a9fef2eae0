package dev.signalbox.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** The load generator, switched on as in the sample (but lightly), drives the guards; its endpoint stops it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "sample.load.enabled=true",
        "sample.load.calls-per-tick=2",
        "sample.cache.warm-up-time=0s"})
class LoadGeneratorHttpTest {

    private static final Pattern CALLS = Pattern.compile("\"calls\":(\\d+)");

    @Value("${local.server.port}")
    int port;

    @Test
    void whenEnabledItDrivesTheGuardsUntilSwitchedOffFromItsEndpoint() throws Exception {
        SampleHttp http = new SampleHttp(port);
        long deadline = System.nanoTime() + SampleHttp.BOUND.toNanos();
        while (calls(http.get("/api/load").body()) < 20 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(calls(http.get("/api/load").body())).as("calls made by the generator").isGreaterThanOrEqualTo(20);
        assertThat(http.get("/actuator/prometheus").body()).containsPattern(
                "signalbox_wait_seconds_count\\{kind=\"lock\",name=\"accounts\",outcome=\"acquired\"[^}]*} [1-9]");

        String stopped = http.post("/api/load?enabled=false").body();

        assertThat(stopped).contains("\"enabled\":false");
    }

    private static long calls(String status) {
        Matcher matcher = CALLS.matcher(status);
        assertThat(matcher.find()).as(status).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}

package dev.signalbox.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code prometheus/check-rules.sh}: {@code promtool check rules} and the rules' unit tests. Where
 * promtool is not installed the script exits 77 and this test is skipped, except with CI=true,
 * where the script fails and so does this test.
 */
class PrometheusRulesTest {

    private static final int PROMTOOL_MISSING = 77;

    @Test
    void alertRulesAreValidAndPassTheirPromtoolUnitTests() throws Exception {
        Process process = new ProcessBuilder("bash", "prometheus/check-rules.sh")
                .directory(new File("."))
                .redirectErrorStream(true)
                .start();
        boolean finished = process.waitFor(60, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(finished).as("check-rules.sh finished within 60 s").isTrue();

        assumeTrue(process.exitValue() != PROMTOOL_MISSING, "promtool is not installed: " + output);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS");
    }
}

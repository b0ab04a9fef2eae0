package dev.signalbox.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged sample as a user runs it: {@code java -jar sample-app/target/signalbox-sample-app-*.jar},
 * once as is and once with Spring AOT's bean definitions ({@code -Dspring.aot.enabled=true}, the JVM
 * side of a native build). Each run must start, answer a guarded transfer, the Signalbox endpoint and
 * the dashboard. Runs in {@code mvn verify} (failsafe), after the jar is packaged.
 */
@Timeout(180)
class ExecutableJarIT {

    private static final Duration STARTUP_BOUND = Duration.ofSeconds(90);

    @Test
    void theJarRunsWithJavaJar() throws Exception {
        runAndProbe(List.of(), "Starting SampleApplication");
    }

    @Test
    void theJarRunsWithSpringAotOnTheJvm() throws Exception {
        runAndProbe(List.of("-Dspring.aot.enabled=true"), "Starting AOT-processed SampleApplication");
    }

    private static void runAndProbe(List<String> jvmOptions, String startupLine) throws Exception {
        Path jar = Path.of(System.getProperty("sample.jar", "target/signalbox-sample-app.jar"));
        assertThat(jar).as("the packaged sample (failsafe passes its path as sample.jar)").isRegularFile();
        int port = freePort();
        Path log = Files.createTempFile(jar.getParent(), "executable-jar-", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port,
                "--sample.load.enabled=false", "--sample.cache.warm-on-startup=false"));
        Process app = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            SampleHttp http = new SampleHttp(port);
            awaitHealthy(http, app, log);

            HttpResponse<String> transfer = http.post("/api/transfers?from=acc-1&to=acc-2&cents=100");
            assertThat(transfer.statusCode()).as(transfer.body()).isEqualTo(200);

            HttpResponse<String> endpoint = http.get("/actuator/signalbox");
            assertThat(endpoint.statusCode()).isEqualTo(200);
            List<Integer> acquired = JsonPath.read(endpoint.body(), "$.primitives[?(@.name == 'accounts')].wait.acquired");
            assertThat(acquired).as(endpoint.body()).singleElement().satisfies(n -> assertThat(n).isPositive());

            HttpResponse<String> dashboard = http.get("/signalbox");
            assertThat(dashboard.statusCode()).isEqualTo(200);
            assertThat(dashboard.body()).contains("accounts", "dashboard.js");

            assertThat(Files.readString(log)).contains(startupLine);
        } finally {
            app.destroy();
            if (!app.waitFor(20, TimeUnit.SECONDS)) {
                app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void awaitHealthy(SampleHttp http, Process app, Path log) throws Exception {
        Instant deadline = Instant.now().plus(STARTUP_BOUND);
        while (Instant.now().isBefore(deadline)) {
            if (!app.isAlive()) {
                throw new AssertionError("the sample exited with " + app.exitValue() + " before it was healthy:\n"
                        + Files.readString(log));
            }
            try {
                HttpResponse<String> health = http.get("/actuator/health");
                if (health.statusCode() == 200 && health.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep polling until the deadline
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the sample was not healthy within " + STARTUP_BOUND + ":\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package dev.signalbox.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;
import dev.signalbox.testing.Threads.Call;
import dev.signalbox.testing.Threads;
import dev.signalbox.testing.Threads.Flavor;
import dev.signalbox.core.GuardTimeoutException;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import static dev.signalbox.testing.Threads.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real servlet application on a random port: problem responses for Signalbox's exceptions (and
 * the application's own handlers winning), the {@code signalbox} Actuator endpoint, and the
 * Prometheus scrape. Boot 4 needs nothing beyond spring-boot-starter-actuator (which brings
 * spring-boot-micrometer-metrics, home of the Prometheus export auto-configuration) and
 * micrometer-registry-prometheus, plus exposing {@code prometheus}.
 */
@SpringBootTest(classes = WebAndActuatorTest.WebApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.endpoints.web.exposure.include=signalbox,prometheus")
class WebAndActuatorTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Threads.BOUND).build();

    @LocalServerPort
    int port;

    @Autowired
    WebService service;

    @Test
    void aRateLimitedCallAnswers429WithRetryAfterAsAProblem() throws Exception {
        assertThat(get("/limited").statusCode()).isEqualTo(200);
        assertThat(get("/limited").statusCode()).isEqualTo(200);
        HttpResponse<String> rejected = get("/limited");
        assertThat(rejected.statusCode()).isEqualTo(429);
        assertThat(rejected.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(rejected.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isPositive());
        assertThat((Integer) JsonPath.read(rejected.body(), "$.status")).isEqualTo(429);
        assertThat((String) JsonPath.read(rejected.body(), "$.primitive")).isEqualTo("web-limited");
        assertThat((String) JsonPath.read(rejected.body(), "$.instance")).isEqualTo("/limited");
    }

    @Test
    void aGuardTimeoutAnswers503ButTheApplicationsOwnHandlerWins() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Call holder = Threads.call(Flavor.VIRTUAL, x -> service.hold(inside, release));
        try {
            await(inside, "guard held");
            HttpResponse<String> timedOut = get("/guarded");
            assertThat(timedOut.statusCode()).isEqualTo(503);
            assertThat(timedOut.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat((String) JsonPath.read(timedOut.body(), "$.primitive")).isEqualTo("web-guard");
            assertThat(timedOut.headers().firstValue("Retry-After")).isEmpty();

            HttpResponse<String> handledByApp = get("/own/guarded");
            assertThat(handledByApp.statusCode()).isEqualTo(409);
            assertThat(handledByApp.body()).isEqualTo("handled by the application: web-guard");
        } finally {
            release.countDown();
            holder.joinSuccessfully();
        }
        assertThat(get("/guarded").statusCode()).isEqualTo(200);
        assertThat(get("/own/guarded").statusCode()).isEqualTo(200);
    }

    @Test
    void theActuatorEndpointListsEveryPrimitiveAndShowsTheHottestKeysOfAKeyedGuard() throws Exception {
        HttpResponse<String> all = get("/actuator/signalbox");
        assertThat(all.statusCode()).isEqualTo(200);
        List<String> names = JsonPath.read(all.body(), "$.primitives[*].name");
        assertThat(names).contains("web-limited", "web-guard", "web-keyed");
        List<String> kinds = JsonPath.read(all.body(), "$.primitives[?(@.name == 'web-guard')].kind");
        assertThat(kinds).containsExactly("lock");

        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Call holder = Threads.call(Flavor.VIRTUAL, x -> service.holdKey("customer-42", inside, release));
        try {
            await(inside, "key customer-42 held");
            HttpResponse<String> one = get("/actuator/signalbox/web-keyed");
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat((String) JsonPath.read(one.body(), "$.name")).isEqualTo("web-keyed");
            assertThat((Integer) JsonPath.read(one.body(), "$.keys")).isEqualTo(1);
            List<String> hot = JsonPath.read(one.body(), "$.hottestKeys[*].key");
            assertThat(hot).containsExactly("customer-42");
            assertThat((Integer) JsonPath.read(one.body(), "$.hottestKeys[0].active")).isEqualTo(1);

            // Keys never become meter tags.
            String scrape = get("/actuator/prometheus").body();
            assertThat(scrape).contains("signalbox_active{kind=\"lock\",name=\"web-keyed\",scope=\"local\"} 1");
            assertThat(scrape).doesNotContain("customer-42");
        } finally {
            release.countDown();
            holder.joinSuccessfully();
        }
        assertThat(get("/actuator/signalbox/no-such-primitive").statusCode()).isEqualTo(404);
    }

    @Test
    void prometheusScrapeCarriesTheContractsMetersTaggedByNameKindAndScope() throws Exception {
        service.guarded();
        service.holdKey("customer-7", new CountDownLatch(1), new CountDownLatch(0));
        HttpResponse<String> response = get("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        String scrape = response.body();
        assertThat(scrape).containsPattern(
                "signalbox_wait_seconds_bucket\\{kind=\"lock\",name=\"web-guard\",outcome=\"acquired\",scope=\"local\",le=\"[^\"]+\"}");
        assertThat(scrape).containsPattern("signalbox_hold_seconds_count\\{kind=\"lock\",name=\"web-guard\",scope=\"local\"} [1-9]");
        assertThat(scrape).contains("signalbox_waiting{kind=\"lock\",name=\"web-guard\",scope=\"local\"} 0");
        assertThat(scrape).contains("signalbox_active{kind=\"lock\",name=\"web-guard\",scope=\"local\"} 0");
        assertThat(scrape).contains("signalbox_capacity{kind=\"lock\",name=\"web-guard\",scope=\"local\"} 1");
        assertThat(scrape).contains("signalbox_capacity{kind=\"rate_limiter\",name=\"web-limited\",scope=\"local\"} 2");
        assertThat(scrape).containsPattern("signalbox_hold_seconds_count\\{kind=\"lock\",name=\"web-keyed\",scope=\"local\"} [1-9]");
        // Every signalbox series carries only the contract's tags (never a key).
        Matcher series = Pattern.compile("(?m)^signalbox_\\w+\\{([^}]*)}").matcher(scrape);
        int seen = 0;
        while (series.find()) {
            seen++;
            for (String tag : series.group(1).split(",")) {
                assertThat(tag.substring(0, tag.indexOf('='))).isIn("name", "kind", "scope", "outcome", "le", "quantile");
            }
        }
        assertThat(seen).isGreaterThan(10);
        assertThat(scrape).doesNotContain("customer-7");
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Threads.BOUND).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitLatch(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(Threads.BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("latch not released within " + Threads.BOUND);
        }
    }

    // ---- the application (no component scan: only these beans) ----

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({SignalboxController.class, OwnHandlingController.class, OwnHandlingAdvice.class})
    static class WebApp {
        @Bean
        WebService webService() {
            return new WebService();
        }
    }

    public static class WebService {
        @RateLimited(value = "web-limited", limit = 2, per = "60s")
        public String limited() {
            return "ok";
        }

        @Guarded(value = "web-guard", timeout = "0")
        public String guarded() {
            return "ok";
        }

        @Guarded(value = "web-guard", timeout = "30s")
        public void hold(CountDownLatch inside, CountDownLatch release) throws InterruptedException {
            inside.countDown();
            awaitLatch(release);
        }

        @Guarded(value = "web-keyed", key = "#customer", timeout = "30s")
        public void holdKey(String customer, CountDownLatch inside, CountDownLatch release) throws InterruptedException {
            inside.countDown();
            awaitLatch(release);
        }
    }

    @RestController
    public static class SignalboxController {
        private final WebService service;

        public SignalboxController(WebService service) {
            this.service = service;
        }

        @GetMapping("/limited")
        public String limited() {
            return service.limited();
        }

        @GetMapping("/guarded")
        public String guarded() {
            return service.guarded();
        }
    }

    /** Same failure as {@code /guarded}, but this controller's advice handles it. */
    @RestController
    public static class OwnHandlingController {
        private final WebService service;

        public OwnHandlingController(WebService service) {
            this.service = service;
        }

        @GetMapping("/own/{what}")
        public String guarded(@PathVariable String what) {
            return service.guarded();
        }
    }

    @RestControllerAdvice(assignableTypes = OwnHandlingController.class)
    public static class OwnHandlingAdvice {
        @ExceptionHandler(GuardTimeoutException.class)
        public ResponseEntity<String> busy(GuardTimeoutException e) {
            return ResponseEntity.status(HttpStatus.CONFLICT).body("handled by the application: " + e.getPrimitiveName());
        }
    }
}

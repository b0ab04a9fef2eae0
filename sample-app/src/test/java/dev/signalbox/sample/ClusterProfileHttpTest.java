package dev.signalbox.sample;

import java.net.http.HttpResponse;

import com.jayway.jsonpath.JsonPath;

import dev.signalbox.redis.testing.RedisServerExtension;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample with the {@code cluster} profile, against a redis-server of its own: the three names are cluster-scoped by properties alone. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "sample.load.enabled=false", "sample.cache.warm-on-startup=false"})
@ActiveProfiles("cluster")
@Timeout(120)
class ClusterProfileHttpTest {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.host", () -> redis.server().host());
        registry.add("spring.data.redis.port", () -> redis.server().port());
    }

    @Value("${local.server.port}")
    int port;

    SampleHttp http;

    @BeforeEach
    void client() {
        http = new SampleHttp(port);
    }

    @Test
    void transfersThePartnerLimitAndSettlementAreClusterScopedAndRedisIsHealthy() throws Exception {
        HttpResponse<String> transfer = http.post("/api/transfers?from=acc-1&to=acc-2&cents=500");
        assertThat(transfer.statusCode()).isEqualTo(200);
        String list = http.get("/actuator/signalbox").body();
        for (String name : new String[] {"accounts", "fraud-api", "settlement"}) {
            assertThat(JsonPath.<java.util.List<String>>read(list, "$.primitives[?(@.name == '" + name + "')].scope"))
                    .as(name).containsExactly("cluster");
        }
        assertThat(JsonPath.<java.util.List<String>>read(list, "$.primitives[?(@.name == 'ledger')].scope")).containsExactly("local");
        String health = http.get("/actuator/health").body();
        assertThat(JsonPath.<String>read(health, "$.status")).isEqualTo("UP");
    }
}

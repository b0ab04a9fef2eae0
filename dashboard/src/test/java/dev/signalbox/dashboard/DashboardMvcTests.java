package dev.signalbox.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import dev.signalbox.registry.SignalboxRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.model;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.view;

@SpringBootTest(classes = DashboardMvcTests.App.class)
@AutoConfigureMockMvc
class DashboardMvcTests {

    /** Without Spring Security (on this module's test classpath for DashboardSecurityTests). */
    @SpringBootConfiguration
    @EnableAutoConfiguration(excludeName = {
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"})
    static class App {
    }

    @Autowired
    MockMvc mvc;

    @Autowired
    SignalboxRegistry registry;

    @Autowired
    DashboardSampler sampler;

    private Permit held;

    @BeforeEach
    void holdTheAccountsLock() throws InterruptedException {
        Lock accounts = registry.lock("accounts");
        held = accounts.acquire(Duration.ofSeconds(5));
        registry.semaphore("pdf-renderer", 4);
        sampler.tick();
    }

    @AfterEach
    void release() {
        held.close();
    }

    @Test
    void pageModelListsEveryPrimitiveAndTheRenderedPageShowsThem() throws Exception {
        mvc.perform(get("/signalbox"))
                .andExpect(status().isOk())
                .andExpect(view().name("signalbox/dashboard"))
                .andExpect(model().attribute("basePath", "/signalbox"))
                .andExpect(model().attributeExists("rows"))
                .andExpect(content().string(containsString("accounts")))
                .andExpect(content().string(containsString("pdf-renderer")))
                .andExpect(content().string(containsString("/signalbox/assets/dashboard.js")));
    }

    /** dashboard.js draws every row from this, the first paint included: the page itself renders none. */
    @Test
    void pageEmbedsTheFirstOverviewAsJsonAndRendersNoRowsItself() throws Exception {
        registry.lock("</script><script>alert('x')</script>");
        registry.lock("<!--<script>");
        sampler.tick();
        String page = mvc.perform(get("/signalbox")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        Matcher embedded = Pattern.compile("<script id=\"first-overview\" type=\"application/json\">(.*?)</script>", Pattern.DOTALL)
                .matcher(page);
        assertThat(embedded.find()).as(page).isTrue();
        JsonNode overview = JsonMapper.builder().build().readTree(embedded.group(1));
        assertThat(overview.get("total").asInt()).isEqualTo(4);
        assertThat(overview.get("time").asString()).isNotBlank();
        List<String> names = new ArrayList<>();
        overview.get("primitives").forEach(row -> {
            names.add(row.get("name").asString());
            assertThat(row.get("waitingHistory").isArray()).isTrue();
        });
        assertThat(names).contains("accounts", "pdf-renderer", "</script><script>alert('x')</script>", "<!--<script>");
        assertThat(page).doesNotContain("<script>alert").doesNotContain("<!--").doesNotContain("class=\"primitive\"").contains("<noscript>");
    }

    @Test
    void dataListsRowsWithStateAndSparklineHistory() throws Exception {
        mvc.perform(get("/signalbox/data"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.primitives[*].name", hasItem("accounts")))
                .andExpect(jsonPath("$.primitives[?(@.name == 'accounts')].active", hasItem(1)))
                .andExpect(jsonPath("$.primitives[?(@.name == 'pdf-renderer')].capacity", hasItem(4)))
                .andExpect(jsonPath("$.primitives[0].waitingHistory").isArray());
    }

    @Test
    void detailShowsTheHolderAndUnknownNamesAre404() throws Exception {
        mvc.perform(get("/signalbox/primitive").param("name", "accounts"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.holders[0].holder", containsString(Thread.currentThread().getName())))
                .andExpect(jsonPath("$.history").isArray());
        mvc.perform(get("/signalbox/primitive").param("name", "nothing-by-this-name")).andExpect(status().isNotFound());
    }

    @Test
    void streamSendsTheOverviewAsServerSentEvents() throws Exception {
        MvcResult result = mvc.perform(get("/signalbox/stream").accept(MediaType.TEXT_EVENT_STREAM))
                .andExpect(request().asyncStarted())
                .andReturn();
        sampler.tick();
        String body = result.getResponse().getContentAsString();
        assertThat(result.getResponse().getContentType()).startsWith(MediaType.TEXT_EVENT_STREAM_VALUE);
        assertThat(body).contains("event:overview").contains("\"name\":\"accounts\"");
    }

    @Test
    void assetsAreServedFromTheJar() throws Exception {
        mvc.perform(get("/signalbox/assets/dashboard.js")).andExpect(status().isOk())
                .andExpect(content().string(containsString("EventSource")));
        mvc.perform(get("/signalbox/assets/dashboard.css")).andExpect(status().isOk());
    }
}

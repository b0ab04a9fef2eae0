package dev.signalbox.dashboard;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;
import dev.signalbox.registry.SignalboxRegistry;
import dev.signalbox.core.BoundedQueue;
import dev.signalbox.core.SignalboxException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The page in a real browser (Debian's chromium + chromium-driver, driven by Selenium) against an
 * application on a random port with load running on guarded methods. Skipped when Chromium is
 * missing, unless {@code CI=true}: then a missing browser fails the build.
 */
@SpringBootTest(classes = DashboardBrowserTest.LoadedApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("signalbox.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("signalbox.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration BOUND = Duration.ofSeconds(20);

    /** Without Spring Security (on this module's test classpath for DashboardSecurityTests). */
    @SpringBootConfiguration
    @EnableAutoConfiguration(excludeName = {
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"})
    static class LoadedApp {
        @Bean
        Ledger ledger() {
            return new Ledger();
        }

        /** A full work queue, which the page must flag. */
        @Bean
        BoundedQueue<String> jobs(SignalboxRegistry registry) {
            BoundedQueue<String> jobs = registry.queue("jobs", 8);
            for (int i = 0; i < 8; i++) {
                jobs.offer("job-" + i);
            }
            return jobs;
        }
    }

    /** Guarded methods that the load threads call: one contended lock, a keyed guard and a rate limit. */
    static class Ledger {
        @Guarded(value = "ledger", timeout = "10s")
        public void post() throws InterruptedException {
            Thread.sleep(150);
        }

        @Guarded(value = "accounts", key = "#account", timeout = "10s")
        public void transfer(String account) throws InterruptedException {
            Thread.sleep(20);
        }

        @RateLimited(value = "fraud-api", limit = 20, per = "1s")
        public void check() {
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    Ledger ledger;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> load = new ArrayList<>();
    private WebDriver driver;
    private ChromeDriverService service;

    @BeforeAll
    void startLoadAndBrowser() throws IOException {
        requireChromium();
        for (int i = 1; i <= 3; i++) {
            load.add(loop("load-ledger-" + i, ledger::post));
        }
        load.add(loop("load-accounts", () -> ledger.transfer("acct-" + (System.nanoTime() % 4))));
        load.add(loop("load-fraud", () -> {
            try {
                ledger.check();
            } finally {
                Thread.sleep(20);
            }
        }));

        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--disable-dev-shm-usage", "--window-size=1600,1000",
                "--user-data-dir=" + Files.createTempDirectory("signalbox-chromium").toAbsolutePath());
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(BOUND);
    }

    @AfterAll
    void stop() throws InterruptedException {
        running.set(false);
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
        for (Thread thread : load) {
            thread.join(BOUND.toMillis());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void pageShowsLiveContentionWaitersHolderAndCharts() throws IOException {
        driver.get("http://localhost:" + port + "/signalbox");
        WebDriverWait wait = new WebDriverWait(driver, BOUND);
        JavascriptExecutor js = (JavascriptExecutor) driver;

        wait.until(d -> !d.findElements(By.cssSelector("tr[data-name='ledger']")).isEmpty());
        assertThat((List<Object>) js.executeScript(
                "return Array.from(document.querySelectorAll('tr.primitive')).map(function (r) { return r.dataset.name; });"))
                .contains("ledger", "accounts", "fraud-api", "jobs");
        assertThat(text(js, "tr[data-name='jobs'] td.warnings")).contains("queue at capacity");

        js.executeScript("window.__notReloaded = true;");
        String firstClock = wait.until(d -> textOrNull(By.id("clock")));
        wait.until(d -> !firstClock.equals(d.findElement(By.id("clock")).getText()));
        wait.until(d -> distinctOverviews(js).size() >= 3);
        assertThat(js.executeScript("return window.__notReloaded === true;")).as("updated without a reload").isEqualTo(true);
        assertThat(driver.findElement(By.id("status")).getText()).isEqualTo("live");

        wait.until(d -> Integer.parseInt(text(js, "tr[data-name='ledger'] td.waiting")) > 0);
        wait.until(d -> paintedPixels(js, "tr[data-name='ledger'] canvas.spark") > 0);

        js.executeScript("document.querySelector(\"tr[data-name='ledger'] td.name\").click();");
        wait.until(d -> text(js, "#holders tbody").contains("load-ledger-"));
        wait.until(d -> paintedPixels(js, "#chart-depth") > 0 && paintedPixels(js, "#chart-outcomes") > 0);
        js.executeScript("document.getElementById('pause').click();");
        String pausedOverview = text(js, "#overview tbody");
        String pausedClock = text(js, "#clock");
        assertThat(text(js, "#status")).isEqualTo("paused");
        sleepOneTick();
        assertThat(text(js, "#clock")).as("a paused page stops updating").isEqualTo(pausedClock);
        assertThat(text(js, "#overview tbody")).isEqualTo(pausedOverview);
        js.executeScript("document.getElementById('pause').click();");
        wait.until(d -> !text(js, "#clock").equals(pausedClock));
        assertThat(driver.findElement(By.id("detail-title")).getText()).isEqualTo("ledger");

        Path target = Path.of("target");
        Files.createDirectories(target);
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path saved = Files.copy(shot.toPath(), target.resolve("dashboard-browser.png"), StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(saved)).isPositive();
    }

    /**
     * The first paint is dashboard.js drawing the overview embedded in the page: with the stream
     * stubbed out (so no event can arrive), every row is there as soon as the page has loaded.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theFirstPaintIsDrawnFromThePageWithoutWaitingForTheStream() {
        ChromeDriver chrome = (ChromeDriver) driver;
        Map<String, Object> stub = chrome.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.EventSource = function () { this.addEventListener = function () {}; };"));
        try {
            driver.get("http://localhost:" + port + "/signalbox");
            JavascriptExecutor js = (JavascriptExecutor) driver;
            assertThat((List<Object>) js.executeScript(
                    "return Array.from(document.querySelectorAll('tr.primitive')).map(function (r) { return r.dataset.name; });"))
                    .contains("ledger", "accounts", "fraud-api", "jobs");
            assertThat(text(js, "tr[data-name='jobs'] td.warnings")).contains("queue at capacity");
            assertThat(text(js, "tr[data-name='accounts'] td.name")).startsWith("accounts (keyed: ");
            assertThat(text(js, "#clock")).isNotBlank();
            assertThat(text(js, "#status")).as("no stream: never went live").isEqualTo("connecting…");
        } finally {
            chrome.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", stub.get("identifier")));
        }
    }

    /** The distinct texts the overview table has shown so far in this page: evidence the numbers move. */
    @SuppressWarnings("unchecked")
    private static List<String> distinctOverviews(JavascriptExecutor js) {
        return (List<String>) js.executeScript("""
                var seen = window.__overviews || (window.__overviews = []);
                var text = document.querySelector('#overview tbody').textContent;
                if (seen.indexOf(text) < 0) { seen.push(text); }
                return seen;""");
    }

    private static void sleepOneTick() {
        try {
            Thread.sleep(1_500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String text(JavascriptExecutor js, String selector) {
        Object text = js.executeScript("var e = document.querySelector(arguments[0]); return e ? e.textContent : '';", selector);
        return String.valueOf(text);
    }

    private static long paintedPixels(JavascriptExecutor js, String selector) {
        Object painted = js.executeScript("""
                var c = document.querySelector(arguments[0]);
                if (!c) return 0;
                var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
                for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; }
                return n;""", selector);
        return ((Number) painted).longValue();
    }

    private String textOrNull(By by) {
        String text = driver.findElement(by).getText();
        return text.isBlank() ? null : text;
    }

    private Thread loop(String name, Body body) {
        Thread thread = Thread.ofPlatform().daemon().name(name).start(() -> {
            while (running.get()) {
                try {
                    body.run();
                } catch (SignalboxException expected) {
                    // rejections and timeouts are part of the load the page shows
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return thread;
    }

    @FunctionalInterface
    private interface Body {
        void run() throws InterruptedException;
    }

    private static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (present) {
            return;
        }
        String why = "Chromium or chromedriver missing (" + CHROMIUM + ", " + CHROMEDRIVER + "); apt-get install chromium chromium-driver";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true: " + why);
        }
        abort(why);
    }
}

package dev.signalbox.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.io.ClassPathResource;

/** A native image of an application with the dashboard carries the page, its script and its style sheet. */
class DashboardRuntimeHintsTests {

    @Test
    void thePageScriptAndStyleSheetAreRegisteredAndExist() {
        RuntimeHints hints = new RuntimeHints();
        new DashboardRuntimeHints().registerHints(hints, getClass().getClassLoader());
        for (String resource : new String[] {"templates/signalbox/dashboard.html",
                "META-INF/signalbox-dashboard/dashboard.js", "META-INF/signalbox-dashboard/dashboard.css"}) {
            assertThat(new ClassPathResource(resource).exists()).as(resource).isTrue();
            assertThat(RuntimeHintsPredicates.resource().forResource(resource)).as(resource).accepts(hints);
        }
    }

    @Test
    void theAutoConfigurationImportsThem() {
        ImportRuntimeHints imported = DashboardAutoConfiguration.class.getAnnotation(ImportRuntimeHints.class);
        assertThat(imported).isNotNull();
        assertThat(imported.value()).contains(DashboardRuntimeHints.class);
    }
}

package dev.signalbox.dashboard;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * The dashboard's class-path resources a native image must carry: its Thymeleaf page and the
 * script and style sheet served below the dashboard's path. (Its JSON is written from controller
 * return types, which Spring's AOT already registers.)
 */
final class DashboardRuntimeHints implements RuntimeHintsRegistrar {

    @Override
    public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
        hints.resources().registerPattern("templates/signalbox/*.html");
        hints.resources().registerPattern("META-INF/signalbox-dashboard/*");
    }
}

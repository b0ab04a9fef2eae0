package dev.signalbox.dashboard;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the Signalbox dashboard, under {@code signalbox.dashboard}.
 */
@ConfigurationProperties("signalbox.dashboard")
public class DashboardProperties {

    /** Whether the dashboard is served at all. */
    private boolean enabled = true;

    /** Where the page is served; its data stream and assets live below it. */
    private String path = "/signalbox";

    /** How much history the server keeps per primitive, at one sample a second, so charts are full on opening. */
    private Duration history = Duration.ofMinutes(15);

    /** A hold older than this is flagged as a warning on the page. */
    private Duration holdWarning = Duration.ofSeconds(5);

    /** The most rows the live stream sends each second, the most contended first; the rest are counted. */
    private int maxRows = 100;

    /** Role a user must have to see the page and its data (checked with HttpServletRequest.isUserInRole); empty: none beyond the application's own security. */
    private String requiredRole = "";

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public Duration getHistory() {
        return history;
    }

    public void setHistory(Duration history) {
        this.history = history;
    }

    public Duration getHoldWarning() {
        return holdWarning;
    }

    public void setHoldWarning(Duration holdWarning) {
        this.holdWarning = holdWarning;
    }

    public int getMaxRows() {
        return maxRows;
    }

    public void setMaxRows(int maxRows) {
        this.maxRows = maxRows;
    }

    public String getRequiredRole() {
        return requiredRole;
    }

    public void setRequiredRole(String requiredRole) {
        this.requiredRole = requiredRole;
    }

    /** The path without a trailing slash, starting with one. */
    String normalizedPath() {
        String p = path.startsWith("/") ? path : "/" + path;
        return p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
    }
}

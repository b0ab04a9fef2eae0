package dev.signalbox.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Timeout values: parsing ({@code "500ms"}, {@code "2s"}, {@code "PT2S"}, {@code "0"}),
 * validation and formatting for messages. {@link #FOREVER} means "no timeout".
 */
public final class Durations {

    /** A timeout that never runs out. */
    public static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    private Durations() {
    }

    /**
     * Parses a duration written as {@code 0}, a number with a unit ({@code ns us ms s m h d}), or ISO-8601.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static Duration parse(String text) {
        String s = text.strip();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.regionMatches(true, 0, "P", 0, 1)) {
            try {
                return requireNonNegative(Duration.parse(s), text);
            } catch (DateTimeParseException e) {
                throw unparsable(text);
            }
        }
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0 || i == s.length()) {
            throw unparsable(text);
        }
        long amount;
        try {
            amount = Long.parseLong(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw unparsable(text);
        }
        return switch (s.substring(i).strip().toLowerCase(Locale.ROOT)) {
            case "ns" -> Duration.ofNanos(amount);
            case "us" -> Duration.ofNanos(Math.multiplyExact(amount, 1000L));
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw unparsable(text);
        };
    }

    /** Rejects null and negative timeouts with a message naming the value. */
    public static Duration requireTimeout(Duration timeout) {
        if (timeout == null) {
            throw new NullPointerException("timeout must not be null; use Durations.FOREVER to wait without limit");
        }
        // Checked before any message is built: this runs on every acquisition with a timeout.
        return timeout.isNegative() ? requireNonNegative(timeout, timeout.toString()) : timeout;
    }

    /** The timeout in nanoseconds, saturated: {@link Long#MAX_VALUE} means forever. */
    static long toNanos(Duration timeout) {
        if (timeout == FOREVER) {
            return Long.MAX_VALUE;
        }
        requireTimeout(timeout);
        // Compare first: Duration.toNanos() throws on overflow, and a throw per call is slow.
        return timeout.compareTo(LONGEST_IN_NANOS) >= 0 ? Long.MAX_VALUE : timeout.toNanos();
    }

    private static final Duration LONGEST_IN_NANOS = Duration.ofNanos(Long.MAX_VALUE);

    /** Human-readable: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code forever}. */
    public static String format(Duration d) {
        if (d.compareTo(Duration.ofDays(365_000)) > 0) {
            return "forever";
        }
        long nanos = toNanos(d);
        if (nanos < 1_000_000L) {
            return (nanos / 1000) + "us";
        }
        if (nanos < 1_000_000_000L) {
            return (nanos / 1_000_000) + "ms";
        }
        long millis = d.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : String.format(Locale.ROOT, "%.3fs", millis / 1000.0);
    }

    private static Duration requireNonNegative(Duration d, String text) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("timeout '" + text + "' is negative; use 0 to try once, or a positive duration");
        }
        return d;
    }

    private static IllegalArgumentException unparsable(String text) {
        return new IllegalArgumentException("cannot read '" + text
                + "' as a duration; write 0, a number with a unit (500ms, 2s, 1m; units ns us ms s m h d) or ISO-8601 (PT2S)");
    }
}

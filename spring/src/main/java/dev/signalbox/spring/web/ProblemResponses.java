package dev.signalbox.spring.web;

import java.time.Duration;

import dev.signalbox.core.BarrierBrokenException;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.GuardUnavailableException;
import dev.signalbox.core.RateLimitExceededException;
import dev.signalbox.core.SignalboxException;

/**
 * How Signalbox's exceptions map to HTTP (RFC 9457 problem details): a rate limit to 429 with
 * {@code Retry-After} (whole seconds, rounded up), a timed-out guard, a broken barrier or an
 * unreachable cluster backend to 503. Other {@link SignalboxException}s are not mapped.
 */
final class ProblemResponses {

    private ProblemResponses() {
    }

    /** One response: status, title, detail and, for 429, the Retry-After seconds (else -1). */
    record Problem(int status, String title, String detail, String primitive, long retryAfterSeconds) {

        /** The problem as {@code application/problem+json}. */
        String toJson(String instance) {
            StringBuilder json = new StringBuilder(256).append('{');
            field(json, "type", "about:blank").append(',');
            field(json, "title", title).append(',');
            json.append("\"status\":").append(status).append(',');
            field(json, "detail", detail).append(',');
            if (instance != null) {
                field(json, "instance", instance).append(',');
            }
            field(json, "primitive", primitive);
            if (retryAfterSeconds >= 0) {
                json.append(",\"retryAfterSeconds\":").append(retryAfterSeconds);
            }
            return json.append('}').toString();
        }

        private static StringBuilder field(StringBuilder json, String name, String value) {
            json.append('"').append(name).append("\":\"");
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '"' -> json.append("\\\"");
                    case '\\' -> json.append("\\\\");
                    case '\n' -> json.append("\\n");
                    case '\r' -> json.append("\\r");
                    case '\t' -> json.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            json.append(String.format("\\u%04x", (int) c));
                        } else {
                            json.append(c);
                        }
                    }
                }
            }
            return json.append('"');
        }
    }

    /** The problem for {@code error}, or null when Signalbox does not map it. */
    static Problem of(Throwable error) {
        if (error instanceof RateLimitExceededException limited) {
            return new Problem(429, "Too Many Requests", limited.getMessage(), limited.getPrimitiveName(),
                    retryAfterSeconds(limited.getRetryAfter()));
        }
        if (error instanceof GuardTimeoutException || error instanceof BarrierBrokenException
                || error instanceof GuardUnavailableException) {
            SignalboxException e = (SignalboxException) error;
            return new Problem(503, "Service Unavailable", e.getMessage(), e.getPrimitiveName(), -1);
        }
        return null;
    }

    /** Whole seconds, rounded up, at least 1: a client retrying sooner would be rejected again. */
    static long retryAfterSeconds(Duration retryAfter) {
        long millis = Math.max(0L, retryAfter.toMillis());
        return Math.max(1L, (millis + 999L) / 1000L);
    }
}

package dev.signalbox.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Admits at most {@link #limit()} calls per {@link #per()} to the annotated method (a token bucket
 * of capacity {@code limit}, refilled over {@code per}). A call that gets no token within
 * {@link #timeout()} fails with {@code RateLimitExceededException}, which carries the time until
 * the next token (an HTTP 429 with {@code Retry-After} in a web application). Properties under
 * {@code signalbox.rate-limits.NAME} override these attributes.
 *
 * <pre>{@code
 * @RateLimited(value = "fraud-api", limit = 20, per = "1s", key = "#customerId")
 * Score check(String customerId) { ... }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimited {

    /** The limiter's name; required. */
    String value();

    /** Tokens per {@link #per()}; at least 1. */
    int limit();

    /** The refill period: {@code "1s"}, {@code "1m"}, {@code "PT1S"}. */
    String per() default "1s";

    /** A SpEL expression giving one bucket per key value (buckets evicted when idle); empty: one bucket. */
    String key() default "";

    /** How long a call may wait for a token; {@code "0"} (default) rejects at once. */
    String timeout() default "0";

    /** {@link Scope#LOCAL} or {@link Scope#CLUSTER}. */
    Scope scope() default Scope.LOCAL;
}

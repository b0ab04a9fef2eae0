package dev.signalbox.spring;

import java.time.Duration;
import java.util.Map;

import dev.signalbox.annotation.Scope;

/**
 * What the application's configuration says over the annotations' attributes: a setting given here
 * for a name wins over the attribute of the same name on every method naming it, so operators retune
 * without a rebuild. A {@code null} field leaves the annotation's value in force. Spring Boot's
 * auto-configuration makes one from the {@code signalbox.*} properties.
 *
 * @param defaultTimeout the wait of a {@code @Guarded} or {@code @Barrier} whose timeout is empty
 * @param guards         by guard name
 * @param rateLimits     by rate-limit name
 * @param barriers       by barrier name
 */
public record AnnotationSettings(Duration defaultTimeout, Map<String, GuardSettings> guards,
        Map<String, RateLimitSettings> rateLimits, Map<String, BarrierSettings> barriers) {

    public AnnotationSettings {
        if (defaultTimeout == null || defaultTimeout.isNegative()) {
            throw new IllegalArgumentException("the default timeout must be zero or positive, was " + defaultTimeout);
        }
        guards = Map.copyOf(guards);
        rateLimits = Map.copyOf(rateLimits);
        barriers = Map.copyOf(barriers);
    }

    /** No overrides: only {@code defaultTimeout} for the annotations that leave their timeout empty. */
    public static AnnotationSettings withDefaultTimeout(Duration defaultTimeout) {
        return new AnnotationSettings(defaultTimeout, Map.of(), Map.of(), Map.of());
    }

    /** Overrides of one {@code @Guarded} name; null fields keep the annotation's. */
    public record GuardSettings(Integer permits, Duration timeout, Scope scope) {
    }

    /** Overrides of one {@code @RateLimited} name; null fields keep the annotation's. */
    public record RateLimitSettings(Integer limit, Duration per, Duration timeout, Scope scope) {
    }

    /** Overrides of one {@code @Barrier} name; null fields keep the annotation's. */
    public record BarrierSettings(Integer parties, Duration timeout, Scope scope) {
    }
}

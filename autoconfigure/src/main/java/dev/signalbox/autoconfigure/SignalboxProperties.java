package dev.signalbox.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.signalbox.annotation.Scope;
import dev.signalbox.spring.AnnotationSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Signalbox's settings, under the prefix {@code signalbox}. Values under {@code guards},
 * {@code rate-limits} and {@code barriers} override the attributes of the annotations with the same
 * name, so an operator can retune a running system's limits without a rebuild.
 */
@ConfigurationProperties("signalbox")
public class SignalboxProperties {

    /** Whether Signalbox intercepts annotated methods at all; false leaves every method unguarded. */
    private boolean enabled = true;

    /** Values used where an annotation leaves an attribute empty. */
    private final Defaults defaults = new Defaults();

    /** Overrides for {@code @Guarded} guards, by guard name. */
    private final Map<String, Guard> guards = new LinkedHashMap<>();

    /** Overrides for {@code @RateLimited} limiters, by name. */
    private final Map<String, RateLimit> rateLimits = new LinkedHashMap<>();

    /** Overrides for {@code @Barrier} barriers, by name. */
    private final Map<String, BarrierSettings> barriers = new LinkedHashMap<>();

    /** Meter settings. */
    private final Metrics metrics = new Metrics();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Defaults getDefaults() {
        return defaults;
    }

    public Map<String, Guard> getGuards() {
        return guards;
    }

    public Map<String, RateLimit> getRateLimits() {
        return rateLimits;
    }

    public Map<String, BarrierSettings> getBarriers() {
        return barriers;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    /** Defaults for attributes an annotation leaves empty. */
    public static class Defaults {

        /** The longest a guarded call or barrier waits when its annotation gives no timeout. */
        private Duration timeout = Duration.ofSeconds(30);

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** Overrides for one {@code @Guarded} name; unset values keep the annotation's. */
    public static class Guard {

        /** The longest a call waits for this guard; 0 tries once. */
        private Duration timeout;

        /** How many callers may hold this guard at once. */
        private Integer permits;

        /** Where the guard is shared: local (this JVM) or cluster (Redis). */
        private Scope scope;

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Integer getPermits() {
            return permits;
        }

        public void setPermits(Integer permits) {
            this.permits = permits;
        }

        public Scope getScope() {
            return scope;
        }

        public void setScope(Scope scope) {
            this.scope = scope;
        }
    }

    /** Overrides for one {@code @RateLimited} name; unset values keep the annotation's. */
    public static class RateLimit {

        /** Tokens per period. */
        private Integer limit;

        /** The refill period. */
        private Duration per;

        /** How long a call may wait for a token; 0 rejects at once. */
        private Duration timeout;

        /** Where the bucket is shared: local (this JVM) or cluster (Redis). */
        private Scope scope;

        public Integer getLimit() {
            return limit;
        }

        public void setLimit(Integer limit) {
            this.limit = limit;
        }

        public Duration getPer() {
            return per;
        }

        public void setPer(Duration per) {
            this.per = per;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Scope getScope() {
            return scope;
        }

        public void setScope(Scope scope) {
            this.scope = scope;
        }
    }

    /** Overrides for one {@code @Barrier} name; unset values keep the annotation's. */
    public static class BarrierSettings {

        /** How many calls make a generation. */
        private Integer parties;

        /** The longest a call waits for the other parties. */
        private Duration timeout;

        /** Where the barrier is shared: local (this JVM) or cluster (Redis). */
        private Scope scope;

        public Integer getParties() {
            return parties;
        }

        public void setParties(Integer parties) {
            this.parties = parties;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public Scope getScope() {
            return scope;
        }

        public void setScope(Scope scope) {
            this.scope = scope;
        }
    }

    /** How the {@code signalbox.*} meters are published. */
    public static class Metrics {

        /** Whether to publish the meters when Micrometer is present. */
        private boolean enabled = true;

        /** Publish percentile histograms of wait and hold times, so Prometheus can compute quantiles. */
        private boolean percentileHistogram = true;

        /** Service-level objective boundaries for the wait and hold timers, e.g. 10ms, 100ms, 1s. */
        private List<Duration> slo = new ArrayList<>();

        /**
         * The longest a wait or hold time stays in Signalbox's in-memory buffer before it reaches its
         * Micrometer timer. The buffer is also flushed whenever one of its stripes is half full and
         * before the Actuator's {@code prometheus} and {@code metrics} endpoints answer. 0 records on
         * the calling thread instead (nothing deferred, but each guarded call pays two histogram updates).
         */
        private Duration flushInterval = Duration.ofSeconds(1);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isPercentileHistogram() {
            return percentileHistogram;
        }

        public void setPercentileHistogram(boolean percentileHistogram) {
            this.percentileHistogram = percentileHistogram;
        }

        public List<Duration> getSlo() {
            return slo;
        }

        public void setSlo(List<Duration> slo) {
            this.slo = slo;
        }

        public Duration getFlushInterval() {
            return flushInterval;
        }

        public void setFlushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
        }
    }

    /** These properties as the interception's overrides of annotation attributes. */
    public AnnotationSettings toAnnotationSettings() {
        return new AnnotationSettings(defaults.getTimeout(),
                toMap(guards, g -> new AnnotationSettings.GuardSettings(g.getPermits(), g.getTimeout(), g.getScope())),
                toMap(rateLimits, r -> new AnnotationSettings.RateLimitSettings(r.getLimit(), r.getPer(), r.getTimeout(), r.getScope())),
                toMap(barriers, b -> new AnnotationSettings.BarrierSettings(b.getParties(), b.getTimeout(), b.getScope())));
    }

    private static <P, S> Map<String, S> toMap(Map<String, P> properties, Function<P, S> settings) {
        Map<String, S> out = new LinkedHashMap<>();
        properties.forEach((name, p) -> out.put(name, settings.apply(p)));
        return out;
    }
}

package dev.signalbox.spring;

import java.time.Duration;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Durations;

/**
 * One named Signalbox annotation on one method, and the properties that may override its
 * attributes. Each method below merges one kind of attribute with its override into an
 * {@link Attribute} that remembers where its value came from, so that a message about a bad value
 * blames the annotation attribute or the property that really set it, never one the code does not have.
 *
 * @param annotation  {@code @Guarded}, {@code @RateLimited} or {@code @Barrier}
 * @param name        the annotation's (non-empty) name
 * @param signature   the method, as messages name it
 * @param properties  the prefix of the overriding properties: {@code signalbox.guards}
 */
record AnnotationSite(String annotation, String name, String signature, String properties) {

    /** How messages name the annotation on its method: {@code @Guarded("accounts") on Bank.transfer(String, String)}. */
    String where() {
        return annotation + "(\"" + name + "\") on " + signature;
    }

    /** A count (permits, limit, parties): the override when set, else the annotation's. */
    Attribute<Integer> count(String attribute, int annotated, Integer override) {
        return override != null ? fromProperty(attribute, override, String.valueOf(override))
                : fromAnnotation(attribute, annotated, String.valueOf(annotated));
    }

    /**
     * A duration written as text in the annotation ({@code per = "1s"}): the override when set, else the
     * annotation's text parsed.
     *
     * @throws IllegalStateException when the text is not a duration, naming the attribute and the text
     */
    Attribute<Duration> duration(String attribute, String annotated, Duration override) {
        if (override != null) {
            return fromProperty(attribute, override, String.valueOf(override));
        }
        String written = "\"" + annotated + "\"";
        Duration parsed;
        try {
            parsed = Durations.parse(annotated);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(fromAnnotation(attribute, null, written).origin() + ": " + e.getMessage(), e);
        }
        return fromAnnotation(attribute, parsed, written);
    }

    /** The {@code timeout}: the override when set, else the annotation's text parsed, or {@code whenEmpty} for empty text. */
    Attribute<Duration> timeout(String annotated, Duration override, Duration whenEmpty) {
        if (override == null && annotated.isBlank()) {
            return fromAnnotation("timeout", whenEmpty, "\"" + annotated + "\"");
        }
        return duration("timeout", annotated, override);
    }

    /** The {@code scope}: the override when set, else the annotation's. */
    Attribute<Scope> scope(Scope annotated, Scope override) {
        return override != null ? fromProperty("scope", override, override.tag())
                : fromAnnotation("scope", annotated, annotated.name());
    }

    private <T> Attribute<T> fromAnnotation(String attribute, T value, String written) {
        return new Attribute<>(value, attribute, written, this, null);
    }

    private <T> Attribute<T> fromProperty(String attribute, T value, String written) {
        return new Attribute<>(value, attribute, written, this, properties + "." + name + "." + attribute);
    }

    /**
     * The value in force for one attribute, and where it came from.
     *
     * @param value     the value
     * @param name      the attribute's name: {@code permits}
     * @param written   the value as its source wrote it: {@code 0}, {@code "2 parsecs"}, {@code cluster}
     * @param site      the annotation it belongs to
     * @param property  the property that overrode the annotation's value, or null when the annotation set it
     */
    record Attribute<T>(T value, String name, String written, AnnotationSite site, String property) {

        /** Where the value came from: {@code @Guarded(permits = 0) on Bank.transfer()}, or the overriding property. */
        String origin() {
            return origin("");
        }

        /**
         * {@link #origin()}, naming other attributes the message is about too, written first in the
         * annotation: {@code @Guarded(mode = READ, permits = 2) on Bank.audit()}, or
         * {@code signalbox.guards.ledger.permits = 2 (overriding @Guarded(mode = READ) on Bank.audit())}.
         */
        String origin(String alongside) {
            if (property == null) {
                return site.annotation() + "(" + (alongside.isEmpty() ? "" : alongside + ", ") + name + " = " + written + ") on "
                        + site.signature();
            }
            return property + " = " + written + " (overriding " + site.annotation() + (alongside.isEmpty() ? "" : "(" + alongside + ")")
                    + " on " + site.signature() + ")";
        }
    }
}

package dev.signalbox.spring;

import dev.signalbox.annotation.Barrier;
import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * What a native image needs for Signalbox's annotations whatever bean carries them: their
 * attributes are read reflectively (and synthesized by Spring's merged-annotation support) when
 * each annotated bean is proxied at startup. Registered through {@code META-INF/spring/aot.factories}.
 */
public final class SignalboxRuntimeHints implements RuntimeHintsRegistrar {

    @Override
    public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
        for (Class<?> annotation : new Class<?>[] {Guarded.class, RateLimited.class, Barrier.class}) {
            hints.reflection().registerType(annotation, MemberCategory.INVOKE_DECLARED_METHODS);
        }
    }
}

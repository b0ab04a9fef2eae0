package dev.signalbox.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Each call waits until {@link #parties()} calls have arrived, then all of that generation run
 * their method bodies. When one times out or is interrupted the generation is broken: every party
 * waiting in it fails with {@code BarrierBrokenException}, and the next call starts a fresh
 * generation. Properties under {@code signalbox.barriers.NAME} override these attributes.
 *
 * <pre>{@code
 * @Barrier(value = "settlement", parties = 3, timeout = "30s")
 * void settleRegion(String region) { ... }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Barrier {

    /** The barrier's name; required. */
    String value();

    /** How many calls make a generation; at least 2. */
    int parties();

    /** The longest a call waits for the others; empty means {@code signalbox.defaults.timeout}. */
    String timeout() default "";

    /** {@link Scope#LOCAL} or {@link Scope#CLUSTER}. */
    Scope scope() default Scope.LOCAL;
}

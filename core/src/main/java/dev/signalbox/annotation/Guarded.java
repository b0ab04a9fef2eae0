package dev.signalbox.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method (or every public method of the annotated class) while holding a named
 * guard: a lock, a semaphore ({@link #permits()} &gt; 1) or one side of a writer-preferring
 * read-write lock ({@link #mode()}). Every method naming the same guard shares one primitive.
 *
 * <p>A plain return type is guarded for the duration of the call. A {@code CompletionStage} (and
 * Reactor's {@code Mono}/{@code Flux}) is waited for asynchronously, and the guard is held until
 * it completes, fails or is cancelled. Properties under {@code signalbox.guards.NAME} override
 * these attributes. Mistakes stop the application at startup with a message naming the method.
 *
 * <pre>{@code
 * @Guarded(value = "accounts", key = {"#from", "#to"}, timeout = "2s")
 * Transfer transfer(String from, String to, long cents) { ... }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Guarded {

    /** The guard's name; required. */
    String value();

    /**
     * SpEL expressions over the method's arguments ({@code #name}, {@code #p0}, {@code #root.args}).
     * Each distinct key value gets its own primitive, evicted when idle. With several expressions
     * every key is acquired, in one canonical order, so opposite-order calls cannot deadlock. A key
     * evaluating to null is an error. Empty: one primitive for all calls.
     */
    String[] key() default {};

    /** {@link Mode#EXCLUSIVE} (default), or {@link Mode#READ}/{@link Mode#WRITE} of a read-write lock. */
    Mode mode() default Mode.EXCLUSIVE;

    /** How many callers may hold the guard at once; a semaphore when greater than 1. */
    int permits() default 1;

    /**
     * The longest a call waits: {@code "500ms"}, {@code "2s"}, {@code "PT2S"}; {@code "0"} tries once;
     * empty means {@code signalbox.defaults.timeout}.
     */
    String timeout() default "";

    /** {@link Scope#LOCAL} (this JVM) or {@link Scope#CLUSTER} (every instance sharing the configured Redis). */
    Scope scope() default Scope.LOCAL;

    /** How a guard is held. */
    enum Mode {
        /** One holder at a time (or {@code permits} holders). Re-entry on the same thread does not deadlock. */
        EXCLUSIVE,
        /** Shared with other readers of the same name; excluded by writers. */
        READ,
        /** Alone: no reader, no other writer. Once a writer waits, no new reader overtakes it. */
        WRITE
    }
}

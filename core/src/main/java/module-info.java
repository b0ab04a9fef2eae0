/**
 * Signalbox's primitives, JDK only: asyncio's Lock, Semaphore, Event, Condition, Barrier and
 * bounded Queue, the patterns built on them, and the registry of named primitives.
 *
 * <ul>
 * <li>{@code dev.signalbox.core}: the primitives' interfaces and factories, {@code Permit}, the
 *     exceptions and the listener SPI; their implementations are package-private.</li>
 * <li>{@code dev.signalbox.annotation}: {@code @Guarded}, {@code @RateLimited}, {@code @Barrier}
 *     (interpreted by {@code signalbox-spring}).</li>
 * <li>{@code dev.signalbox.registry}: named, instrumented primitives of either scope, one
 *     {@code PrimitiveFactory} per scope, and the per-name statistics.</li>
 * <li>{@code dev.signalbox.spi}: what Signalbox's other modules need from core beyond that API,
 *     exported to them only.</li>
 * </ul>
 */
module dev.signalbox.core {
    requires java.logging; // leak and pool reports go through java.util.logging, which Spring Boot bridges

    exports dev.signalbox.core;
    exports dev.signalbox.annotation;
    exports dev.signalbox.registry;
    // What Signalbox's own modules share beyond the public API; not for applications.
    exports dev.signalbox.spi to dev.signalbox.spring, dev.signalbox.micrometer, dev.signalbox.autoconfigure,
            dev.signalbox.dashboard, dev.signalbox.redis;
}

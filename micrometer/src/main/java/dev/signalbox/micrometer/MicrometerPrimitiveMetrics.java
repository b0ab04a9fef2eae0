package dev.signalbox.micrometer;

import dev.signalbox.registry.PrimitiveListenerFactory;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Snapshot;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Publishes the contract's meters for every named primitive: {@code signalbox.wait} (by outcome),
 * {@code signalbox.hold}, and the gauges {@code signalbox.waiting}, {@code signalbox.active},
 * {@code signalbox.capacity}, tagged {@code name}, {@code kind} and {@code scope}. Keys never become tags.
 *
 * <p><b>Wait and hold times are recorded late, never lost.</b> A Micrometer histogram update costs more
 * than a guarded call itself, so the thread being timed only puts the time in a fixed-size lock-free
 * buffer ({@link TimerRecordBuffer}: a compare-and-set and two stores) and a background thread,
 * {@code signalbox-metrics-flush}, replays it into the real timers. Every time reaches its timer exactly
 * once, so counts, totals, maxima, histogram buckets and SLO buckets are exactly those of direct
 * recording. A time reaches its timer within {@code signalbox.metrics.flush-interval} (1s by default),
 * sooner when a buffer stripe is half full, and before the Actuator's {@code prometheus} and
 * {@code metrics} endpoints answer; {@link #flush()} forces it for any other reader. When a stripe is
 * full the caller records directly (slower, still exact), so memory stays bounded whatever the number of
 * threads. The replay costs the same CPU as direct recording: it moves off the calling thread, it does not
 * disappear. With a flush interval of 0 every time is recorded directly on the calling thread.
 *
 * <p>{@link #close()} (called by Spring when the context closes) stops the flush thread after a last flush.
 */
public final class MicrometerPrimitiveMetrics implements PrimitiveListenerFactory, AutoCloseable {

    /** Slots per buffer stripe: 1024 records of a timer reference and a long, about 12 KB. */
    private static final int STRIPE_CAPACITY = 1024;
    /** At most this many stripes (64 stripes hold 65,536 records, about 0.8 MB). */
    private static final int MAX_STRIPES = 64;

    private static final System.Logger log = System.getLogger(MicrometerPrimitiveMetrics.class.getName());

    private final MeterRegistry registry;
    private final MeterSettings settings;
    /** Null when times are recorded directly (flush interval 0) and after {@link #close()}. */
    private volatile TimerRecordBuffer buffer;
    private final ScheduledThreadPoolExecutor flusher;
    private final AtomicBoolean drainRequested = new AtomicBoolean();

    public MicrometerPrimitiveMetrics(MeterRegistry registry, MeterSettings settings) {
        this(registry, settings, Math.min(MAX_STRIPES, 2 * Runtime.getRuntime().availableProcessors()), STRIPE_CAPACITY);
    }

    /** With a buffer of {@code stripes} x {@code stripeCapacity} slots (both rounded up to powers of two). */
    MicrometerPrimitiveMetrics(MeterRegistry registry, MeterSettings settings, int stripes, int stripeCapacity) {
        this.registry = registry;
        this.settings = settings;
        Duration interval = settings.flushInterval();
        if (interval == null || interval.isNegative()) {
            throw new IllegalArgumentException("signalbox.metrics.flush-interval must be 0 (record directly) or positive, was "
                    + interval);
        }
        if (interval.isZero()) {
            this.buffer = null;
            this.flusher = null;
            return;
        }
        this.buffer = new TimerRecordBuffer(stripes, stripeCapacity, this::requestDrain);
        this.flusher = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "signalbox-metrics-flush");
            thread.setDaemon(true);
            return thread;
        });
        long nanos = interval.toNanos();
        this.flusher.scheduleWithFixedDelay(this::drainQuietly, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Replays every buffered wait and hold time into its timer. When it returns, every time recorded
     * (by a release or an end of wait) before it was called is in its timer. Safe from any thread.
     */
    public void flush() {
        TimerRecordBuffer current = buffer;
        if (current != null) {
            current.drainAll();
        }
    }

    /** Flushes one last time and stops the flush thread; times recorded afterwards go straight to their timers. */
    @Override
    public void close() {
        TimerRecordBuffer current = buffer;
        if (current == null) {
            return;
        }
        buffer = null;
        flusher.shutdownNow();
        current.drainAll();
    }

    /** Called by producers while a stripe is half full or more: one pending drain at a time. */
    private void requestDrain() {
        if (drainRequested.get() || !drainRequested.compareAndSet(false, true)) {
            return;
        }
        try {
            flusher.execute(() -> {
                drainRequested.set(false);
                drainQuietly();
            });
        } catch (RejectedExecutionException closed) {
            // Left requested: no more attempts. record() drains what it buffered while close() ran.
        }
    }

    private void drainQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            // A failing timer must not stop the flush thread; the record that failed is not retried.
            log.log(System.Logger.Level.WARNING, "Signalbox could not replay a wait or hold time into its Micrometer timer", e);
        }
    }

    /** Pending records and total slots, for tests: pending never exceeds slots. */
    long pendingRecords() {
        TimerRecordBuffer current = buffer;
        return current == null ? 0 : current.pending();
    }

    long bufferSlots() {
        TimerRecordBuffer current = buffer;
        return current == null ? 0 : current.slots();
    }

    @Override
    public PrimitiveListener listenerFor(String name, Kind kind, Scope scope, Supplier<Snapshot> state) {
        Tags tags = Tags.of("name", name, "kind", kind.tag(), "scope", scope.tag());
        gauge("signalbox.waiting", "Callers waiting now (queue depth)", tags, state, s -> s.waiting());
        gauge("signalbox.active", "Permits held now, or items queued for a queue", tags, state, s -> s.active());
        gauge("signalbox.capacity", "Permits, queue capacity or parties", tags, state, s -> s.capacity());
        Timer[] waits = new Timer[Outcome.values().length];
        // Register the common outcome now so its series exists from the start; the rest on first use.
        waits[Outcome.ACQUIRED.ordinal()] = waitTimer(tags, Outcome.ACQUIRED);
        Timer hold = timer(Timer.builder("signalbox.hold").description("Time from acquisition to release").tags(tags));
        return new MeteredListener(this, tags, waits, hold);
    }

    private void gauge(String meter, String description, Tags tags, Supplier<Snapshot> state,
            java.util.function.ToIntFunction<Snapshot> value) {
        Gauge.builder(meter, state, s -> value.applyAsInt(s.get()))
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    Timer waitTimer(Tags tags, Outcome outcome) {
        return timer(Timer.builder("signalbox.wait")
                .description("Time from arrival to acquisition or failure")
                .tags(tags)
                .tag("outcome", outcome.tag()));
    }

    private Timer timer(Timer.Builder builder) {
        if (settings.percentileHistogram()) {
            builder.publishPercentileHistogram();
        }
        if (!settings.slo().isEmpty()) {
            builder.serviceLevelObjectives(settings.slo().toArray(Duration[]::new));
        }
        return builder.register(registry);
    }

    /** Records a wait or hold time: into the buffer, or directly when there is none. */
    private void record(Timer timer, long nanos) {
        TimerRecordBuffer current = buffer;
        if (current != null) {
            current.record(timer, nanos);
            if (buffer == null) {
                // Closed meanwhile: its last flush may have run before this time was claimed.
                current.drainAll();
            }
        } else {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Records into pre-resolved timers: an array read and a buffered record per event, no registry lookup. */
    private static final class MeteredListener implements PrimitiveListener {

        private final MicrometerPrimitiveMetrics metrics;
        private final Tags tags;
        private final Timer[] waits;
        private final Timer hold;

        MeteredListener(MicrometerPrimitiveMetrics metrics, Tags tags, Timer[] waits, Timer hold) {
            this.metrics = metrics;
            this.tags = tags;
            this.waits = waits;
            this.hold = hold;
        }

        @Override
        public void onWaitEnded(Primitive primitive, long waitNanos, Outcome outcome) {
            Timer timer = waits[outcome.ordinal()];
            if (timer == null) {
                // Benign race: the registry returns the same timer to every thread that registers it.
                timer = metrics.waitTimer(tags, outcome);
                waits[outcome.ordinal()] = timer;
            }
            metrics.record(timer, waitNanos);
        }

        @Override
        public void onReleased(Primitive primitive, long holdNanos) {
            metrics.record(hold, holdNanos);
        }
    }
}

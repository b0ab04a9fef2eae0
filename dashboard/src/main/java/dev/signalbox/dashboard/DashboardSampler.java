package dev.signalbox.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

import dev.signalbox.registry.HolderView;
import dev.signalbox.registry.KeyView;
import dev.signalbox.registry.PrimitiveView;
import dev.signalbox.registry.Registration;
import dev.signalbox.registry.SignalboxRegistry;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.WorkerPool;

/**
 * Once a second, on its own thread, reads every primitive's state (the registry's read model,
 * {@link Registration#view}) and drains what
 * {@link DashboardRecorder} counted, appends a {@link Sample} to each primitive's
 * {@link SampleHistory} (the server-side ring that fills the page's charts on opening), and
 * publishes the overview to the open streams. Guarded calls never wait for it: they only did their
 * atomic adds.
 */
public final class DashboardSampler implements SmartLifecycle {

    private static final Log log = LogFactory.getLog(DashboardSampler.class);
    static final int SPARKLINE_SECONDS = 60;
    private static final int HOTTEST_KEYS = 10;

    private final SignalboxRegistry registry;
    private final DashboardRecorder recorder;
    private final DashboardStream stream;
    private final DashboardProperties properties;
    private final Clock clock;
    private final int historySamples;
    private final Map<String, SampleHistory> histories = new ConcurrentHashMap<>();
    private volatile List<PrimitiveRow> rows = List.of();
    private volatile ScheduledExecutorService timer;

    DashboardSampler(SignalboxRegistry registry, DashboardRecorder recorder, DashboardStream stream,
            DashboardProperties properties, Clock clock) {
        this.registry = registry;
        this.recorder = recorder;
        this.stream = stream;
        this.properties = properties;
        this.clock = clock;
        this.historySamples = (int) Math.max(1, properties.getHistory().toSeconds());
    }

    /** Samples every primitive once and publishes the overview; what the timer runs each second. */
    public void tick() {
        long now = clock.instant().getEpochSecond();
        List<PrimitiveRow> fresh = new ArrayList<>();
        for (Registration registration : registry.registrations()) {
            fresh.add(sample(registration, now));
        }
        fresh.sort(PrimitiveRow::byContention);
        rows = List.copyOf(fresh);
        if (stream.subscribers() > 0) {
            stream.publish(overview(false));
        }
    }

    /** The overview of the last tick, most contended first, at most {@code signalbox.dashboard.max-rows} rows. */
    Map<String, Object> overview(boolean withWaitingHistory) {
        List<PrimitiveRow> all = rows;
        List<PrimitiveRow> shown = all.subList(0, Math.min(all.size(), Math.max(0, properties.getMaxRows())));
        if (withWaitingHistory) {
            shown = shown.stream().map(r -> r.withWaitingHistory(waitingHistory(r.name()))).toList();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", clock.instant().toString());
        out.put("total", all.size());
        out.put("primitives", shown);
        return out;
    }

    List<PrimitiveRow> rows() {
        return rows;
    }

    /**
     * One primitive's row, history, holders, hottest keys and keys with callers waiting (keyed), tokens
     * left (rate limiter) and queue (worker pool); empty for an unknown name. A keyed family's holders
     * are those of its hottest keys, so the detail stays small however many keys are held.
     */
    Optional<Map<String, Object>> detail(String name) {
        return registry.registration(name).map(registration -> {
            PrimitiveView view = registration.view(HOTTEST_KEYS);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("row", rows.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null));
            SampleHistory history = histories.get(name);
            out.put("history", history == null ? List.of() : history.last(historySamples));
            if (registration.primitive() instanceof RateLimiter limiter) {
                out.put("tokensLeft", limiter.availableTokens());
            }
            if (registration.primitive() instanceof WorkerPool pool) {
                out.put("queued", pool.queued());
                out.put("queueCapacity", pool.queueCapacity());
            }
            if (view.keyed()) {
                Set<String> shown = new HashSet<>();
                view.hotKeys().forEach(k -> shown.add(k.key()));
                out.put("holders", view.holders().stream().filter(h -> shown.contains(h.key())).map(HolderRow::of).toList());
                out.put("hottestKeys", view.hotKeys().stream().map(KeyRow::of).toList());
                // The ranking puts keys with callers waiting first, most first: they are a prefix of the hot keys.
                out.put("keysByWaiting", view.hotKeys().stream().filter(k -> k.waiting() > 0).map(KeyRow::of).toList());
            } else {
                out.put("holders", view.holders().stream().map(HolderRow::of).toList());
            }
            return out;
        });
    }

    private PrimitiveRow sample(Registration registration, long now) {
        PrimitiveView view = registration.view(0);
        String name = view.name();
        PrimitiveActivity activity = recorder.activity(name);
        long[] outcomes = activity == null ? new long[Outcome.values().length] : activity.drainOutcomes();
        float[] wait = activity == null ? new float[2] : activity.drainWaitPercentiles();
        float[] hold = activity == null ? new float[2] : activity.drainHoldPercentiles();
        SampleHistory history = histories.computeIfAbsent(name, n -> new SampleHistory(historySamples));
        Sample previous = history.latest();
        Sample sample = new Sample(now, view.waiting(), view.active(), view.capacity(),
                (int) outcomes[Outcome.ACQUIRED.ordinal()], (int) outcomes[Outcome.TIMEOUT.ordinal()],
                (int) outcomes[Outcome.REJECTED.ordinal()], (int) outcomes[Outcome.BROKEN.ordinal()],
                wait[0], wait[1], hold[0], hold[1]);
        history.add(sample);
        long oldestHold = view.longestHold().toMillis();
        return new PrimitiveRow(name, view.kind().tag(), view.scope().tag(), view.shape().describe(),
                view.keyed() ? view.keys() : -1, sample.waiting(), sample.active(), sample.capacity(),
                sample.acquired(), sample.timeouts(), sample.rejected(), sample.waitP50(), sample.waitP99(),
                sample.holdP50(), sample.holdP99(), oldestHold,
                warnings(registration, sample, previous, oldestHold), List.of());
    }

    private List<String> warnings(Registration registration, Sample now, Sample previous, long oldestHoldMillis) {
        List<String> warnings = new ArrayList<>(0);
        Duration threshold = properties.getHoldWarning();
        if (oldestHoldMillis > threshold.toMillis()) {
            warnings.add("held for " + oldestHoldMillis / 1000 + " s (over " + threshold.toSeconds() + " s)");
        }
        if (now.timeouts() > 0 && (previous == null || now.timeouts() >= previous.timeouts())) {
            warnings.add("timeouts rising");
        }
        if (now.broken() > 0) {
            warnings.add("barrier broken");
        }
        // A queue's active/capacity is items/capacity; a worker pool's is running tasks/workers, so its
        // queue is judged by its own depth and capacity.
        boolean full = registration.primitive() instanceof WorkerPool pool
                ? pool.queued() >= pool.queueCapacity()
                : registration.kind() == Kind.QUEUE && now.capacity() > 0 && now.active() >= now.capacity();
        if (full) {
            warnings.add("queue at capacity");
        }
        return warnings;
    }

    private List<Integer> waitingHistory(String name) {
        SampleHistory history = histories.get(name);
        return history == null ? List.of() : history.last(SPARKLINE_SECONDS).stream().map(Sample::waiting).toList();
    }

    /**
     * One current holder in a primitive's detail.
     *
     * @param holder     the holding thread's name, or "async" with the completing task
     * @param key        the key it holds (keyed families), or null
     * @param permits    permits it holds
     * @param since      when the hold began, ISO-8601
     * @param heldMillis how long it has held them, ms
     */
    public record HolderRow(String holder, String key, int permits, String since, long heldMillis) {

        static HolderRow of(HolderView view) {
            return new HolderRow(view.description(), view.key(), view.permits(), view.since().toString(), view.heldFor().toMillis());
        }
    }

    /**
     * One hot key in a keyed family's detail.
     *
     * @param key          the key's string form
     * @param acquisitions borrows since the key's primitive was created
     * @param borrowers    callers that borrowed it now
     * @param waiting      callers waiting for it now
     * @param active       permits of it held now
     */
    public record KeyRow(String key, long acquisitions, int borrowers, int waiting, int active) {

        static KeyRow of(KeyView view) {
            return new KeyRow(view.key(), view.acquisitions(), view.borrowers(), view.waiting(), view.active());
        }
    }

    @Override
    public void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "signalbox-dashboard-sampler");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleAtFixedRate(this::tickSafely, 0, 1, TimeUnit.SECONDS);
        timer = executor;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("Signalbox dashboard: a sampler tick failed; the next one will retry", e);
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService executor = timer;
        timer = null;
        if (executor != null) {
            executor.shutdownNow();
        }
        stream.closeAll();
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}

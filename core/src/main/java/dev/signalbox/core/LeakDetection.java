package dev.signalbox.core;

import java.lang.ref.Cleaner;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Finds {@link Permit}s that became unreachable while still held: a lock that nobody can release
 * any more (asyncio's "forgot to release" pitfall). A leak is logged as a warning through
 * {@code java.util.logging} (logger {@code dev.signalbox.core.LeakDetection}, which SLF4J bridges
 * pick up) naming the primitive and the stack where the permit was acquired. The leaked hold is not
 * released for you: the code that took it may still be running.
 *
 * <p>Tracking a permit costs a stack walk and a {@link Cleaner} registration, so by default one
 * permit in {@value #DEFAULT_SAMPLING_INTERVAL} is tracked: a leak that repeats is found quickly, at
 * a small average cost. Set the level with the system property {@code signalbox.leak-detection}
 * ({@code off}, {@code sampled}, {@code all}) or {@link #setMode(Mode)}.
 */
public final class LeakDetection {

    /** How many permits are tracked. */
    public enum Mode {
        /** None. */
        OFF,
        /** One in {@value LeakDetection#DEFAULT_SAMPLING_INTERVAL}, chosen at random. The default. */
        SAMPLED,
        /** Every permit: for tests and debugging. */
        ALL
    }

    /**
     * Tracking one permit costs about 4 microseconds (a stack walk and a cleaner registration):
     * at one in 4096 that averages about 1 ns per acquisition, and a leak on any path taken a few
     * thousand times is still reported. (At one in 128 it measured 30 ns per acquisition, more
     * than the whole uncontended lock.)
     */
    static final int DEFAULT_SAMPLING_INTERVAL = 4096;
    private static final Logger LOG = Logger.getLogger(LeakDetection.class.getName());
    private static final Cleaner CLEANER = Cleaner.create(runnable -> {
        Thread thread = new Thread(runnable, "signalbox-leak-detection");
        thread.setDaemon(true);
        return thread;
    });
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final java.security.CodeSource OWN_CODE = LeakDetection.class.getProtectionDomain().getCodeSource();

    private static volatile Mode mode = initialMode();
    private static volatile LeakListener leakListener = LeakDetection::log;

    private LeakDetection() {
    }

    private static Mode initialMode() {
        String value = System.getProperty("signalbox.leak-detection", "sampled").strip().toUpperCase(Locale.ROOT);
        try {
            return Mode.valueOf(value);
        } catch (IllegalArgumentException e) {
            LOG.warning("system property signalbox.leak-detection='" + value + "' is not one of off, sampled, all; using sampled");
            return Mode.SAMPLED;
        }
    }

    /** Receives leak reports; the default logs them. */
    @FunctionalInterface
    public interface LeakListener {
        void onLeak(String primitiveName, Kind kind, String acquiredAt);
    }

    public static Mode getMode() {
        return mode;
    }

    public static void setMode(Mode newMode) {
        mode = java.util.Objects.requireNonNull(newMode, "mode");
    }

    /** Replaces where leak reports go (for example, to count them); {@code null} restores logging. */
    public static void setLeakListener(LeakListener listener) {
        leakListener = listener == null ? LeakDetection::log : listener;
    }

    /** Decides, at acquisition, whether this permit is tracked; returns its acquisition trace or null. */
    static String sample() {
        Mode m = mode;
        if (m == Mode.OFF || (m == Mode.SAMPLED && (ThreadLocalRandom.current().nextInt() & (DEFAULT_SAMPLING_INTERVAL - 1)) != 0)) {
            return null;
        }
        // Drop Signalbox's own frames (classes loaded from this jar) at the top: the caller's code follows.
        return WALKER.walk(frames -> frames
                .dropWhile(f -> java.util.Objects.equals(f.getDeclaringClass().getProtectionDomain().getCodeSource(), OWN_CODE))
                .limit(12)
                .map(f -> "\tat " + f)
                .collect(Collectors.joining("\n")));
    }

    /** Returns {@code permit} itself, or a tracked view of it when {@code trace} is not null. */
    static Permit track(Permit permit, Primitive primitive, String trace) {
        if (trace == null) {
            return permit;
        }
        return new TrackedPermit(permit, primitive, trace);
    }

    /** Returns the permit a tracked view stands for (or the permit itself). */
    static Permit unwrap(Permit permit) {
        return permit instanceof TrackedPermit tracked ? tracked.inner : permit;
    }

    private static void log(String name, Kind kind, String acquiredAt) {
        LOG.log(Level.WARNING, () -> String.format(Locale.ROOT,
                "LEAK: a permit of %s '%s' became unreachable while still held, so it can never be released. "
                        + "Close every permit (try-with-resources). It was acquired at:%n%s",
                kind.tag(), name, acquiredAt));
    }

    /** The view handed to the caller; the primitive only ever references {@code inner}. */
    private static final class TrackedPermit implements Permit {

        private final Permit inner;
        private final Cleaner.Cleanable cleanable;

        TrackedPermit(Permit inner, Primitive primitive, String trace) {
            this.inner = inner;
            this.cleanable = CLEANER.register(this, new LeakCheck(inner, primitive.name(), primitive.kind(), trace));
        }

        @Override
        public void close() {
            inner.close();
            cleanable.clean();
        }

        @Override
        public boolean isHeld() {
            return inner.isHeld();
        }

        @Override
        public String toString() {
            return inner.toString();
        }
    }

    /** Runs when the tracked view is closed or collected; reports only if the permit is still held. */
    private record LeakCheck(Permit inner, String name, Kind kind, String trace) implements Runnable {
        @Override
        public void run() {
            if (inner.isHeld()) {
                leakListener.onLeak(name, kind, trace);
            }
        }
    }
}

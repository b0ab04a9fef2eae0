package dev.signalbox.spi;

import java.util.OptionalLong;

/**
 * Where an interceptor running a fenced guarded body puts the hold's fencing token, so that
 * {@link dev.signalbox.core.GuardContext#fencingToken()} can read it anywhere on the same thread.
 * Signalbox's SPI: exported only to Signalbox's own modules; application code reads the token
 * through {@code GuardContext}, never sets it.
 *
 * <p>Frames nest: {@link #enter} makes a token current until its frame is closed, which restores the
 * token that was current before. Close frames on the thread that entered them, in reverse order
 * (try-with-resources).
 */
public final class FencingScope {

    private static final ThreadLocal<Frame> CURRENT = new ThreadLocal<>();

    private FencingScope() {
    }

    /** Makes {@code token} this thread's current fencing token until the returned frame is closed. */
    public static Frame enter(long token) {
        Frame frame = new Frame(token, CURRENT.get());
        CURRENT.set(frame);
        return frame;
    }

    /** The token of the innermost open frame on this thread, or empty. */
    public static OptionalLong current() {
        Frame frame = CURRENT.get();
        return frame == null ? OptionalLong.empty() : OptionalLong.of(frame.token);
    }

    /** One fenced body's stretch of a thread; {@link #close()} restores what was current before. */
    public static final class Frame implements AutoCloseable {

        private final long token;
        private final Frame outer;

        private Frame(long token, Frame outer) {
            this.token = token;
            this.outer = outer;
        }

        @Override
        public void close() {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }
}

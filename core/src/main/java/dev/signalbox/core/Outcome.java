package dev.signalbox.core;

/** How a wait ended; {@link #tag()} is the {@code outcome} meter tag. */
public enum Outcome {
    /** The caller got what it waited for. */
    ACQUIRED,
    /** The timeout ran out first. */
    TIMEOUT,
    /** A try-once call found nothing available (a zero timeout, or a rate limiter with no token). */
    REJECTED,
    /** The caller cancelled the returned future. */
    CANCELLED,
    /** The waiting thread was interrupted. */
    INTERRUPTED,
    /** A barrier generation broke while the caller waited in it. */
    BROKEN;

    /** The lowercase value used as the {@code outcome} tag. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

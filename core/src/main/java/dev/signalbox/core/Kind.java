package dev.signalbox.core;

/** What sort of primitive a {@link Primitive} is; {@link #tag()} is the {@code kind} meter tag. */
public enum Kind {
    LOCK("lock"),
    SEMAPHORE("semaphore"),
    READ_WRITE_LOCK("read_write_lock"),
    RATE_LIMITER("rate_limiter"),
    BARRIER("barrier"),
    EVENT("event"),
    CONDITION("condition"),
    QUEUE("queue"),
    RESOURCE_POOL("resource_pool"),
    WORKER_POOL("worker_pool");

    private final String tag;

    Kind(String tag) {
        this.tag = tag;
    }

    /** The lowercase value used as the {@code kind} tag of every meter. */
    public String tag() {
        return tag;
    }
}

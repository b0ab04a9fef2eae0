package dev.signalbox.core;

/**
 * The {@link BoundedQueue} was {@linkplain BoundedQueue#shutdown(boolean) shut down} (asyncio's
 * {@code QueueShutDown}, Python 3.13). A put fails with it as soon as the queue is shut down,
 * whether it was waiting or arrives later; its item never entered the queue. A take fails with it
 * once the queue is shut down and empty: after {@code shutdown()} the items already queued are
 * still handed out first, after {@code shutdown(true)} there are none left. A shutdown is final.
 */
public class QueueShutDownException extends SignalboxException {

    private static final long serialVersionUID = 1L;

    private final boolean put;

    /**
     * @param primitiveName the queue's name
     * @param put true for a refused put (or offer), false for a take (or poll) that found the queue shut down and empty
     */
    public QueueShutDownException(String primitiveName, boolean put) {
        super(primitiveName, put
                ? Kind.QUEUE.tag() + " '" + primitiveName + "' is shut down and accepts no more items (the item was not"
                        + " queued); stop producing into it, or create a new queue to start over"
                : Kind.QUEUE.tag() + " '" + primitiveName + "' is shut down and has no items left; no item will come:"
                        + " stop consuming (a consumer loop can treat this as its end)");
        this.put = put;
    }

    /** True when a put (or offer) was refused; false when a take (or poll) found the queue shut down and empty. */
    public boolean isPut() {
        return put;
    }
}

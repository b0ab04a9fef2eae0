package dev.signalbox.redis;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.redisson.api.RTopic;
import org.redisson.api.listener.MessageListener;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes this instance's callers that wait in Redis for one cluster primitive when another instance
 * releases it: a Redisson pub/sub subscription to the primitive's channel, held only while somebody
 * here waits in Redis. Only the heads of this instance's local queue wait in Redis, so a message
 * wakes one caller per free permit here, not every local waiter.
 *
 * <p>No message is missed between a failed attempt and the wait that follows it: a waiter reads
 * {@link #epoch()} before its attempt and passes it to {@link #await}, which runs the waiter at once
 * if a message (or the completion of the subscription, which may have missed one) came since.
 */
final class ReleaseSignal {

    private static final Logger log = LoggerFactory.getLogger(ReleaseSignal.class);

    private final RTopic topic;
    private final MessageListener<String> listener = (channel, message) -> signal();
    private final AtomicLong epoch = new AtomicLong();
    private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    private int users;
    private Integer listenerId;
    private boolean subscribing;

    ReleaseSignal(RedisBackend backend, RedisKeys keys) {
        this.topic = backend.client.getTopic(keys.channel(), StringCodec.INSTANCE);
    }

    long epoch() {
        return epoch.get();
    }

    /** Runs {@code wakeUp} once at the next message after {@code seen}, or at once if one came already. */
    void await(long seen, Runnable wakeUp) {
        waiters.add(wakeUp);
        if (epoch.get() != seen && waiters.remove(wakeUp)) {
            wakeUp.run();
        }
    }

    /** Forgets a waiter that stopped waiting for another reason. */
    void forget(Runnable wakeUp) {
        waiters.remove(wakeUp);
    }

    /**
     * A caller starts waiting in Redis: subscribe if nobody here did yet. Counts commute with
     * {@link #release()}, so a release that overtakes its retain leaves the count right.
     */
    void retain() {
        boolean subscribe;
        synchronized (this) {
            subscribe = users++ == 0 && listenerId == null && !subscribing;
            subscribing |= subscribe;
        }
        if (subscribe) {
            subscribe();
        }
    }

    /** A caller stopped waiting in Redis: unsubscribe when it was the last. */
    void release() {
        Integer unsubscribe = null;
        synchronized (this) {
            if (--users == 0 && listenerId != null) {
                unsubscribe = listenerId;
                listenerId = null;
            }
        }
        if (unsubscribe != null) {
            topic.removeListenerAsync(unsubscribe);
        }
    }

    private void subscribe() {
        topic.addListenerAsync(String.class, listener).whenComplete((id, error) -> {
            boolean unsubscribe = false;
            synchronized (this) {
                subscribing = false;
                if (error != null) {
                    log.debug("could not subscribe to {}; waiters poll instead: {}", topic.getChannelNames(), error.toString());
                } else if (users <= 0) {
                    unsubscribe = true;
                } else {
                    listenerId = id;
                }
            }
            if (unsubscribe) {
                topic.removeListenerAsync(id);
            }
            signal(); // a release may have been published before the subscription was in place
        });
    }

    private void signal() {
        epoch.incrementAndGet();
        Runnable waiter;
        while ((waiter = waiters.poll()) != null) {
            waiter.run();
        }
    }
}

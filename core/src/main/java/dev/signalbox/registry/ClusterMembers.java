package dev.signalbox.registry;

import java.time.Instant;
import java.util.List;

/**
 * Implemented by cluster primitives that can say who holds and who waits for them across every
 * instance, as the backend knows it. Reading it costs a round trip to the backend, so the Actuator
 * endpoint asks only when showing one primitive, never on a metrics scrape.
 */
public interface ClusterMembers {

    /** The holders and waiters of this primitive across all instances; empty when nobody holds or waits. */
    List<Member> members();

    /**
     * One instance's part in a cluster primitive.
     *
     * @param instance the instance id (see {@code signalbox.redis.instance-id})
     * @param role     {@code holder} or {@code waiter}
     * @param count    permits held, or callers waiting, on that instance
     * @param since    when the oldest of them started holding or waiting
     */
    record Member(String instance, String role, int count, Instant since) {
    }
}

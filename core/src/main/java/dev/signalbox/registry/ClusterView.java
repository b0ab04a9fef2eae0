package dev.signalbox.registry;

import java.util.List;

/**
 * Who holds and waits for a cluster primitive on every instance, as its backend answered, or why it
 * could not answer: {@code error} is null exactly when {@code members} is the answer. Asking is a
 * round trip to the backend, so only {@link Registration#viewWithMembers} asks.
 *
 * @param members the holders and waiters per instance; empty when nobody holds or waits, or on error
 * @param error   the failure as "ExceptionClass: message", or null
 */
public record ClusterView(List<ClusterMembers.Member> members, String error) {

    public ClusterView {
        members = List.copyOf(members);
    }

    /** The backend's answer for {@code primitive}, or null when it is not a cluster primitive that can say. */
    static ClusterView ask(Object primitive) {
        if (!(primitive instanceof ClusterMembers cluster)) {
            return null;
        }
        try {
            return new ClusterView(cluster.members(), null);
        } catch (RuntimeException e) {
            return new ClusterView(List.of(), e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}

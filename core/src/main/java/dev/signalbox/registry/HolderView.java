package dev.signalbox.registry;

import java.time.Duration;
import java.time.Instant;

import dev.signalbox.core.Holder;

/**
 * One current holder of a named primitive, in a {@link PrimitiveView}.
 *
 * @param description the holding thread's name, or "async" with the completing task (see {@link Holder})
 * @param key         the key it holds, in its string form, for a keyed family; null for a single primitive
 * @param permits     how many permits it holds
 * @param since       when the hold began
 * @param heldFor     how long it had been held when the view was taken
 */
public record HolderView(String description, String key, int permits, Instant since, Duration heldFor) {

    static HolderView of(Holder holder, String key) {
        return new HolderView(holder.description(), key, holder.permits(), holder.since(), holder.heldFor());
    }

    /** The description with its key, as {@link Registration#snapshot()} names a keyed holder: "worker-1 [key acct-7]". */
    public String label() {
        return key == null ? description : description + " [key " + key + "]";
    }

    Holder toHolder() {
        return new Holder(label(), permits, since, heldFor);
    }
}

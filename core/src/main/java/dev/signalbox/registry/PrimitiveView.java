package dev.signalbox.registry;

import java.time.Duration;
import java.util.List;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Snapshot;

/**
 * The read model of one registered name at one instant, as the Actuator endpoint and the dashboard
 * show it: made only by {@link Registration#view} and {@link Registration#viewWithMembers}. For a
 * keyed family, waiting and active are summed over its live keys and capacity is per key.
 *
 * @param name     the registered name
 * @param shape    what the name is (kind, scope, keyed, parameters); {@link Shape#describe()} in words
 * @param waiting  callers waiting now (for a barrier: parties arrived in the current generation)
 * @param active   permits held now (for a queue: items queued; for a worker pool: tasks running)
 * @param capacity permits, queue capacity, resources or parties (per key for a keyed family)
 * @param keys     live keys of a keyed family; 0 for a single primitive
 * @param holders  every current holder, of every key, oldest first
 * @param hotKeys  at most the number asked of a keyed family's keys, in {@link KeyView#HOTTEST_FIRST}
 *                 order; empty for a single primitive
 * @param cluster  for a cluster primitive viewed with {@link Registration#viewWithMembers}, who holds
 *                 and waits for it on every instance; otherwise null (a keyed family's members are per
 *                 key, in {@link KeyView#cluster()})
 */
public record PrimitiveView(String name, Shape shape, int waiting, int active, int capacity, int keys,
        List<HolderView> holders, List<KeyView> hotKeys, ClusterView cluster) {

    public PrimitiveView {
        holders = List.copyOf(holders);
        hotKeys = List.copyOf(hotKeys);
    }

    public Kind kind() {
        return shape.kind();
    }

    public Scope scope() {
        return shape.scope();
    }

    /** True for a family of per-key primitives. */
    public boolean keyed() {
        return shape.keyed();
    }

    /** How long the longest current hold has lasted; zero when nobody holds (or holders are not tracked). */
    public Duration longestHold() {
        Duration longest = Duration.ZERO;
        for (HolderView holder : holders) {
            if (holder.heldFor().compareTo(longest) > 0) {
                longest = holder.heldFor();
            }
        }
        return longest;
    }

    /** This view as a {@link Snapshot}, a keyed holder described with its key ({@link HolderView#label()}). */
    Snapshot toSnapshot() {
        return new Snapshot(name, kind(), waiting, active, capacity, holders.stream().map(HolderView::toHolder).toList());
    }
}

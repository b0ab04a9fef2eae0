package dev.signalbox.spring;

import java.time.Duration;

import dev.signalbox.annotation.Scope;

/**
 * A {@code @Barrier} annotation on one method, resolved and validated at startup (overrides from the
 * configuration applied): at least two parties, a timeout.
 *
 * @param name    the barrier's name in the registry
 * @param parties the callers that make a generation
 * @param timeout the longest wait for the generation to fill
 * @param scope   LOCAL, or CLUSTER (a backend exists: the resolver checked)
 * @param where   how messages name this annotation: {@code @Barrier("settlement") on Settlement.settle(String)}
 */
record BarrierSpec(String name, int parties, Duration timeout, Scope scope, String where) {
}

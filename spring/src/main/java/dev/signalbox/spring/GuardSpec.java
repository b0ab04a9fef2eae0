package dev.signalbox.spring;

import java.time.Duration;
import java.util.List;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.Scope;

/**
 * A {@code @Guarded} annotation on one method, resolved and validated at startup: the annotation's
 * attributes with the configuration's overrides applied, roughly matching the annotation's attributes.
 * Every value is valid (a name, at least one permit, and more than one only for EXCLUSIVE, a timeout,
 * parsed keys); {@link GuardPlanner} builds the method's gate from it and nothing reads the annotation again.
 *
 * @param name    the guard's name in the registry
 * @param mode    EXCLUSIVE, or one side of a read-write lock
 * @param permits holders at once: 1 for a lock, more for a semaphore (EXCLUSIVE only)
 * @param timeout the longest wait
 * @param scope   LOCAL, or CLUSTER (a backend exists: the resolver checked)
 * @param keys    the parsed key expressions, in string form for CLUSTER; empty for one guard for all calls
 * @param fenced  true when holds carry a fencing token that the body sees in {@code GuardContext}:
 *                a cluster EXCLUSIVE lock (one permit) or a cluster WRITE lock
 * @param where   how messages name this annotation: {@code @Guarded("accounts") on Bank.transfer(String, String)}
 */
record GuardSpec(String name, Guarded.Mode mode, int permits, Duration timeout, Scope scope, List<KeyExpression> keys,
        boolean fenced, String where) {

    GuardSpec {
        keys = List.copyOf(keys);
    }

    /** The spec, with {@code fenced} following from the scope, mode and permits. */
    GuardSpec(String name, Guarded.Mode mode, int permits, Duration timeout, Scope scope, List<KeyExpression> keys, String where) {
        this(name, mode, permits, timeout, scope, keys,
                scope == Scope.CLUSTER && (mode == Guarded.Mode.WRITE || (mode == Guarded.Mode.EXCLUSIVE && permits == 1)), where);
    }
}

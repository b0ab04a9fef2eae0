package dev.signalbox.spring;

import java.util.HashMap;
import java.util.Map;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.core.Permit;

/**
 * The guards the current thread holds through blocking guarded calls, so that a guarded method
 * calling another method of the same guard and key (directly or through another bean) does not
 * wait for itself. A thread holding EXCLUSIVE or WRITE may re-enter in any mode; a thread holding
 * READ may re-enter READ, and asking for WRITE is an error (an upgrade would deadlock).
 */
final class HeldGuards {

    private static final ThreadLocal<Map<GuardKey, Guarded.Mode>> HELD = ThreadLocal.withInitial(HashMap::new);

    private HeldGuards() {
    }

    record GuardKey(String name, Object key) {
    }

    /**
     * True when the current thread already holds {@code name}/{@code key} in a mode that covers {@code mode}.
     *
     * @throws IllegalStateException for a READ to WRITE upgrade
     */
    static boolean covers(String name, Object key, Guarded.Mode mode, String where) {
        Map<GuardKey, Guarded.Mode> held = HELD.get();
        if (held.isEmpty()) {
            return false;
        }
        Guarded.Mode current = held.get(new GuardKey(name, key));
        if (current == null) {
            return false;
        }
        if (current == Guarded.Mode.READ && mode == Guarded.Mode.WRITE) {
            throw new IllegalStateException(where + ": this thread holds '" + name + "' for READ and now asks for WRITE;"
                    + " a read lock cannot be upgraded (it would wait for itself): take WRITE in the outer call");
        }
        return true;
    }

    /** Records the hold until {@code permit} is closed; returns the permit to close. */
    static Permit track(String name, Object key, Guarded.Mode mode, Permit permit) {
        GuardKey guardKey = new GuardKey(name, key);
        Map<GuardKey, Guarded.Mode> held = HELD.get();
        held.put(guardKey, mode);
        return new Permit() {
            @Override
            public void close() {
                held.remove(guardKey);
                permit.close();
            }

            @Override
            public boolean isHeld() {
                return permit.isHeld();
            }

            @Override
            public java.util.OptionalLong fencingToken() {
                return permit.fencingToken();
            }
        };
    }
}

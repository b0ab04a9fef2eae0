package dev.signalbox.core;

import java.util.concurrent.atomic.AtomicReference;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Model-checks borrow and eviction of a {@link KeyedRegistry} over all interleavings Lincheck
 * explores: every operation reports whether the key's open handles all referred to one instance
 * throughout (always true when run one at a time), and afterwards the registry must be empty.
 */
@Param(name = "key", gen = IntGen.class, conf = "0:1")
public class KeyedRegistryLincheckTest {

    /** The instance the open handles of a key refer to, and how many (a lower bound, see below). */
    private record InUse(Object instance, int count) {
    }

    private final KeyedRegistry<Integer, Lock> registry = KeyedRegistry.create("accounts", key -> Lock.create("accounts"));
    private final AtomicReference<InUse> key0 = new AtomicReference<>(new InUse(null, 0));
    private final AtomicReference<InUse> key1 = new AtomicReference<>(new InUse(null, 0));

    /** Borrows, notes the instance (false if another one is in use for the key), then un-notes and closes. */
    @Operation
    public boolean borrowAndClose(@Param(name = "key") int key) {
        var handle = registry.borrow(key);
        boolean oneInstance = noteBorrowed(key, handle.primitive());
        inUse(key).updateAndGet(current -> new InUse(current.instance(), current.count() - 1));
        handle.close();
        return oneInstance;
    }

    /** Two borrows of one key must see one instance. */
    @Operation
    public boolean borrowTwice(@Param(name = "key") int key) {
        try (var first = registry.borrow(key); var second = registry.borrow(key)) {
            return first.primitive() == second.primitive();
        }
    }

    @Validate
    public void everyKeyWasEvicted() {
        if (registry.size() != 0) {
            throw new IllegalStateException("keys left behind: " + registry.entries());
        }
    }

    private AtomicReference<InUse> inUse(int key) {
        return key == 0 ? key0 : key1;
    }

    // The registry counted the handle before it is noted here, and it is un-noted before it closes:
    // while the noted count is positive, a handle on the noted instance really is open.
    private boolean noteBorrowed(int key, Object instance) {
        for (;;) {
            InUse current = inUse(key).get();
            if (current.count() > 0 && current.instance() != instance) {
                return false;
            }
            if (inUse(key).compareAndSet(current, new InUse(instance, current.count() + 1))) {
                return true;
            }
        }
    }

    @Test
    void borrowAndEvictionAreLinearizable() {
        new ModelCheckingOptions()
                .iterations(6)
                .invocationsPerIteration(300)
                .threads(3)
                .actorsPerThread(2)
                .check(getClass());
    }
}

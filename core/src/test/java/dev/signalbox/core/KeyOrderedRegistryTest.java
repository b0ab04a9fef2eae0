package dev.signalbox.core;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link KeyedRegistry#createInKeyOrder}: the canonical order comes from the keys, so registries of
 * different processes (here: two registries sharing their primitives, as cluster guards share Redis
 * locks) agree on it whatever order each created its keys in.
 */
@Timeout(60)
class KeyOrderedRegistryTest {

    @Test
    void borrowAllOrdersByTheKeysNotByWhenTheyWereCreated() {
        KeyedRegistry<String, Lock> registry = KeyedRegistry.createInKeyOrder("accounts", Comparator.naturalOrder(),
                key -> Lock.create("accounts"));
        try (var createdFirst = registry.borrow("zed")) {
            List<KeyedRegistry.Handle<String, Lock>> handles = registry.borrowAll(List.of("zed", "bob", "amy", "bob"));
            assertThat(handles).extracting(KeyedRegistry.Handle::key).containsExactly("amy", "bob", "zed");
            handles.forEach(KeyedRegistry.Handle::close);
        }
        assertThat(registry.size()).isZero();
    }

    @Test
    void aNullKeyOrderIsRefused() {
        assertThatThrownBy(() -> KeyedRegistry.createInKeyOrder("accounts", null, key -> Lock.create("accounts")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'accounts'").hasMessageContaining("key order");
    }

    /**
     * Two "instances" share every key's lock; each created the keys in the opposite order (each holds
     * a handle on a different key first). Ordered by creation, instance A would take x then y and
     * instance B y then x: a deadlock that ends in timeouts. Ordered by key, both take x first.
     */
    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void twoRegistriesOverSharedLocksNeverDeadlockWhateverTheirCreationOrder(Threads.Flavor flavor) throws Exception {
        Map<String, Lock> shared = new ConcurrentHashMap<>();
        KeyedRegistry<String, Lock> instanceA = KeyedRegistry.createInKeyOrder("accounts", Comparator.naturalOrder(),
                key -> shared.computeIfAbsent(key, k -> Lock.create("accounts")));
        KeyedRegistry<String, Lock> instanceB = KeyedRegistry.createInKeyOrder("accounts", Comparator.naturalOrder(),
                key -> shared.computeIfAbsent(key, k -> Lock.create("accounts")));
        int threads = flavor == Threads.Flavor.PLATFORM ? 4 : 32;
        int iterations = flavor == Threads.Flavor.PLATFORM ? 3_000 : 300;
        long[] counter = new long[1];
        try (var aCreatedXFirst = instanceA.borrow("x"); var bCreatedYFirst = instanceB.borrow("y")) {
            Threads.runConcurrently(flavor, threads, index -> {
                KeyedRegistry<String, Lock> registry = index % 2 == 0 ? instanceA : instanceB;
                List<String> keys = index % 2 == 0 ? List.of("x", "y") : List.of("y", "x");
                for (int i = 0; i < iterations; i++) {
                    try (Permit both = KeyedPermits.acquireAll(registry, keys, Duration.ofSeconds(10))) {
                        counter[0]++;
                    }
                }
            });
        }
        assertThat(counter[0]).isEqualTo((long) threads * iterations);
        assertThat(shared.values()).allSatisfy(lock -> assertThat(lock.isLocked()).isFalse());
    }
}

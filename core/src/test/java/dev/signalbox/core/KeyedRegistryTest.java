package dev.signalbox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@SuppressWarnings("try") // permits held only for their scope
class KeyedRegistryTest {

    private static KeyedRegistry<String, Lock> locks() {
        return KeyedRegistry.create("accounts", key -> Lock.create("accounts"));
    }

    /** A primitive with state between uses (like a refilling bucket) whose idleness the test decides. */
    static final class Bucket implements Primitive {
        final AtomicBoolean idle = new AtomicBoolean(true);

        @Override
        public String name() {
            return "fraud-api";
        }

        @Override
        public Kind kind() {
            return Kind.RATE_LIMITER;
        }

        @Override
        public Snapshot snapshot() {
            return new Snapshot(name(), kind(), 0, idle.get() ? 0 : 1, 1, List.of());
        }

        boolean isIdle() {
            return idle.get();
        }
    }

    private static KeyedRegistry<String, Bucket> buckets() {
        return KeyedRegistry.create("fraud-api", key -> new Bucket(), Bucket::isIdle);
    }

    @Test
    void borrowersOfOneKeyShareOnePrimitiveAndOtherKeysGetTheirOwn() {
        KeyedRegistry<String, Lock> registry = locks();
        try (var first = registry.borrow("alice"); var second = registry.borrow("alice"); var other = registry.borrow("bob")) {
            assertThat(second.primitive()).isSameAs(first.primitive());
            assertThat(other.primitive()).isNotSameAs(first.primitive());
            assertThat(first.key()).isEqualTo("alice");
            assertThat(registry.size()).isEqualTo(2);
        }
    }

    @Test
    void everyPrimitiveCarriesTheRegistrysNameNotItsKey() {
        KeyedRegistry<String, Lock> registry = locks();
        try (var alice = registry.borrow("alice"); var bob = registry.borrow("bob")) {
            assertThat(alice.primitive().name()).isEqualTo("accounts");
            assertThat(bob.primitive().name()).isEqualTo("accounts");
        }
    }

    @Test
    void aNullKeyIsRefusedWithAMessageNamingTheRegistryAndTheFix() {
        KeyedRegistry<String, Lock> registry = locks();
        assertThatThrownBy(() -> registry.borrow(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'accounts'")
                .hasMessageContaining("null")
                .hasMessageContaining("never yield null");
        assertThatThrownBy(() -> registry.borrowAll(Arrays.asList("alice", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'accounts'");
        assertThatThrownBy(() -> KeyedPermits.acquire(registry, null, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(registry.size()).as("nothing borrowed by a refused call").isZero();
    }

    @Test
    void closingTheLastHandleEvictsTheKeyAndASecondCloseChangesNothing() {
        KeyedRegistry<String, Lock> registry = locks();
        var first = registry.borrow("alice");
        var second = registry.borrow("alice");
        first.close();
        first.close();
        assertThat(first.isOpen()).isFalse();
        assertThat(registry.size()).as("the second borrower still holds the key").isEqualTo(1);
        try (var third = registry.borrow("alice")) {
            assertThat(third.primitive()).isSameAs(second.primitive());
        }
        second.close();
        assertThat(registry.size()).isZero();
        try (var fresh = registry.borrow("alice")) {
            assertThat(fresh.primitive()).as("a fresh primitive after eviction").isNotSameAs(second.primitive());
        }
        assertThat(registry.size()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void eachKeysLockExcludesEveryOtherHolderOfThatKey(Threads.Flavor flavor) throws Exception {
        KeyedRegistry<Integer, Lock> registry = KeyedRegistry.create("accounts", key -> Lock.create("accounts"));
        int keys = 8;
        int threads = flavor == Threads.Flavor.PLATFORM ? 12 : 200;
        int iterations = flavor == Threads.Flavor.PLATFORM ? 3_000 : 200;
        long[] counters = new long[keys];
        LongAdder[] expected = new LongAdder[keys];
        Arrays.setAll(expected, i -> new LongAdder());
        Threads.runConcurrently(flavor, threads, index -> {
            for (int i = 0; i < iterations; i++) {
                int key = (index + i) % keys;
                try (Permit permit = KeyedPermits.acquire(registry, key, Durations.FOREVER)) {
                    counters[key]++;
                }
                expected[key].increment();
            }
        });
        for (int key = 0; key < keys; key++) {
            assertThat(counters[key]).as("increments of key %d", key).isEqualTo(expected[key].sum());
        }
        assertThat(registry.size()).isZero();
    }

    @Test
    void aMillionDistinctKeysLeaveNothingBehind() throws Exception {
        KeyedRegistry<Long, Lock> registry = KeyedRegistry.create("accounts", key -> Lock.create("accounts"));
        int threads = 4;
        int perThread = 250_000;
        AtomicInteger largestSeen = new AtomicInteger();
        Threads.runConcurrently(Threads.Flavor.PLATFORM, threads, index -> {
            for (int i = 0; i < perThread; i++) {
                long key = (long) index * perThread + i;
                try (Permit permit = KeyedPermits.acquire(registry, key, Duration.ZERO)) {
                    if (i % 1_000 == 0) {
                        largestSeen.accumulateAndGet(registry.size(), Math::max);
                    }
                }
            }
        });
        assertThat(largestSeen.get()).as("at most one key per thread is ever in the registry").isLessThanOrEqualTo(threads);
        assertThat(registry.size()).isZero();
    }

    /** Which instance the open handles of a key refer to, and how many are open (a lower bound). */
    private record InUse(Object instance, int count) {
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void aBorrowRacingTheEvictionOfItsKeyNeverYieldsASecondInstance(Threads.Flavor flavor) throws Exception {
        KeyedRegistry<Integer, Lock> registry = KeyedRegistry.create("accounts", key -> Lock.create("accounts"));
        int keys = 2;
        int threads = flavor == Threads.Flavor.PLATFORM ? 8 : 64;
        int iterations = flavor == Threads.Flavor.PLATFORM ? 50_000 : 5_000;
        List<AtomicReference<InUse>> inUse = new ArrayList<>();
        List<AtomicBoolean> lockedFlags = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            inUse.add(new AtomicReference<>(new InUse(null, 0)));
            lockedFlags.add(new AtomicBoolean());
        }
        Threads.runConcurrently(flavor, threads, index -> {
            for (int i = 0; i < iterations; i++) {
                int key = (index + i) % keys;
                var handle = registry.borrow(key);
                Lock lock = handle.primitive();
                // The registry counted us before we count ourselves, and we uncount before closing:
                // so while the tracked count is positive, a handle of the tracked instance is open.
                inUse.get(key).updateAndGet(current -> {
                    if (current.count() > 0 && current.instance() != lock) {
                        throw new AssertionError("key " + key + " handed out two instances at once");
                    }
                    return new InUse(lock, current.count() + 1);
                });
                if (i % 2 == 0) {
                    try (Permit permit = lock.acquire()) {
                        if (!lockedFlags.get(key).compareAndSet(false, true)) {
                            throw new AssertionError("two holders of key " + key + " at once");
                        }
                        lockedFlags.get(key).set(false);
                    }
                }
                inUse.get(key).updateAndGet(current -> new InUse(current.instance(), current.count() - 1));
                handle.close();
            }
        });
        assertThat(registry.size()).isZero();
    }

    @Test
    void anEntryThatIsNotIdleIsKeptWithItsStateAndSweptOnceIdle() {
        KeyedRegistry<String, Bucket> registry = buckets();
        Bucket bucket;
        try (var handle = registry.borrow("alice")) {
            bucket = handle.primitive();
            bucket.idle.set(false);
        }
        assertThat(registry.size()).as("a refilling bucket is kept").isEqualTo(1);
        assertThat(registry.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.key()).isEqualTo("alice");
            assertThat(entry.borrowers()).isZero();
        });
        try (var again = registry.borrow("alice")) {
            assertThat(again.primitive()).as("the next borrower sees the kept state").isSameAs(bucket);
        }
        assertThat(registry.size()).isEqualTo(1);

        bucket.idle.set(true);
        for (int i = 0; i < 3; i++) {
            registry.borrow("bob").close();
        }
        assertThat(registry.size()).as("swept by later operations once idle").isZero();
    }

    @ParameterizedTest
    @EnumSource(Threads.Flavor.class)
    void aBucketUsedWhileItsLastCloserChecksIdlenessIsNeverEvicted(Threads.Flavor flavor) throws Exception {
        int keys = 256;
        AtomicBoolean[] used = new AtomicBoolean[keys];
        Arrays.setAll(used, i -> new AtomicBoolean());
        AtomicInteger evictedWhileUsed = new AtomicInteger();
        // Once a key's bucket is used it never refills, so it must never be evicted: a second bucket
        // for a used key means a borrow slipped between a closer's idleness check and its eviction.
        KeyedRegistry<Integer, Bucket> registry = KeyedRegistry.create("fraud-api", key -> {
            if (used[key].get()) {
                evictedWhileUsed.incrementAndGet();
            }
            return new Bucket();
        }, bucket -> {
            boolean idle = bucket.isIdle();
            Thread.yield(); // widens the window between the check and the eviction
            return idle;
        });
        int threads = flavor == Threads.Flavor.PLATFORM ? 8 : 64;
        int iterations = flavor == Threads.Flavor.PLATFORM ? 20_000 : 2_000;
        Threads.runConcurrently(flavor, threads, index -> {
            for (int i = 0; i < iterations; i++) {
                int key = (i / 8) % keys; // threads move through the keys together, so they collide
                try (var handle = registry.borrow(key)) {
                    // Most borrows only look, so closers often find the bucket idle; a few use it.
                    if (ThreadLocalRandom.current().nextInt(64) == 0 && !used[key].get()) {
                        used[key].set(true);
                        handle.primitive().idle.set(false);
                    }
                }
            }
        });
        assertThat(evictedWhileUsed.get()).isZero();
    }

    @Test
    void evictIdleReclaimsEveryEntryThatHasBecomeIdle() {
        KeyedRegistry<String, Bucket> registry = buckets();
        List<Bucket> all = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            try (var handle = registry.borrow("key-" + i)) {
                handle.primitive().idle.set(false);
                all.add(handle.primitive());
            }
        }
        // The amortised sweep found them all busy: they are all still here.
        assertThat(registry.size()).isEqualTo(1_000);
        assertThat(registry.evictIdle()).isZero();
        all.subList(0, 600).forEach(bucket -> bucket.idle.set(true));
        assertThat(registry.evictIdle()).isEqualTo(600);
        assertThat(registry.size()).isEqualTo(400);
        all.forEach(bucket -> bucket.idle.set(true));
        assertThat(registry.evictIdle()).isEqualTo(400);
        assertThat(registry.size()).isZero();
    }

    @Test
    void theAmortisedSweepKeepsMemoryBoundedUnderManyDistinctBusyKeys() {
        KeyedRegistry<Integer, Bucket> registry = KeyedRegistry.create("fraud-api", key -> new Bucket(), Bucket::isIdle);
        Bucket previous = null;
        int largestSeen = 0;
        for (int i = 0; i < 200_000; i++) {
            Bucket bucket;
            try (var handle = registry.borrow(i)) {
                bucket = handle.primitive();
                bucket.idle.set(false);
            }
            if (previous != null) {
                previous.idle.set(true); // each bucket refills by the time the next key is used
            }
            previous = bucket;
            largestSeen = Math.max(largestSeen, registry.size());
        }
        assertThat(largestSeen).as("keys kept at any time, out of 200,000").isLessThanOrEqualTo(4);
    }

    @Test
    void hottestListsTheKeysWithTheMostBorrowersFirst() {
        KeyedRegistry<String, Lock> registry = locks();
        List<KeyedRegistry.Handle<String, Lock>> handles = new ArrayList<>();
        for (String key : List.of("alice", "alice", "alice", "bob", "carol", "carol")) {
            handles.add(registry.borrow(key));
        }
        assertThat(registry.hottest(2)).extracting(KeyedRegistry.Entry::key, KeyedRegistry.Entry::borrowers)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", 3), org.assertj.core.groups.Tuple.tuple("carol", 2));
        assertThat(registry.hottest(0)).isEmpty();
        assertThat(registry.hottest(Integer.MAX_VALUE)).hasSize(3);
        assertThat(registry.entries()).hasSize(3);
        handles.forEach(KeyedRegistry.Handle::close);
        assertThat(registry.entries()).isEmpty();
    }

    /** Acquisitions count every borrow while the key stays live, whether or not its handles are still open. */
    @Test
    void busiestListsTheKeysBorrowedMostOftenSinceTheyBecameActive() {
        KeyedRegistry<String, Lock> registry = locks();
        KeyedRegistry.Handle<String, Lock> keepAlive = registry.borrow("alice");
        KeyedRegistry.Handle<String, Lock> keepBob = registry.borrow("bob");
        for (int i = 0; i < 5; i++) {
            registry.borrow("alice").close();
        }
        registry.borrow("bob").close();
        KeyedRegistry.Handle<String, Lock> carol = registry.borrow("carol");
        assertThat(registry.busiest(2)).extracting(KeyedRegistry.Entry::key, KeyedRegistry.Entry::acquisitions)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", 6L), org.assertj.core.groups.Tuple.tuple("bob", 2L));
        assertThat(registry.busiest(0)).isEmpty();
        assertThatThrownBy(() -> registry.busiest(-1)).isInstanceOf(IllegalArgumentException.class);
        keepAlive.close();
        keepBob.close();
        carol.close();
        assertThat(registry.size()).as("counts do not keep idle keys alive").isZero();
        registry.borrow("alice").close();
        KeyedRegistry.Handle<String, Lock> again = registry.borrow("alice");
        assertThat(registry.busiest(1)).singleElement()
                .satisfies(e -> assertThat(e.acquisitions()).as("a re-created key starts counting afresh").isEqualTo(1L));
        again.close();
    }

    @Test
    void aFactoryFailureLeavesNoEntryAndReleasesKeysAlreadyBorrowed() {
        KeyedRegistry<String, Lock> registry = KeyedRegistry.create("accounts", key -> {
            if (key.equals("bad")) {
                throw new IllegalStateException("no lock for you");
            }
            return Lock.create("accounts");
        });
        assertThatThrownBy(() -> registry.borrow("bad")).hasMessage("no lock for you");
        assertThatThrownBy(() -> registry.borrowAll(List.of("alice", "bad"))).hasMessage("no lock for you");
        assertThat(registry.size()).isZero();
    }

    @Test
    void borrowAllGivesOneOrderWhateverOrderTheKeysAreNamedInAndDropsDuplicates() {
        KeyedRegistry<Object, Lock> registry = KeyedRegistry.create("accounts", key -> Lock.create("accounts"));
        // Keys of mixed, non-comparable types: the order needs no Comparable.
        Object x = new Object();
        List<KeyedRegistry.Handle<Object, Lock>> first = registry.borrowAll(List.of("y", x, 3));
        List<KeyedRegistry.Handle<Object, Lock>> second = registry.borrowAll(List.of(3, x, "y", 3, x));
        assertThat(second).extracting(KeyedRegistry.Handle::key)
                .containsExactlyElementsOf(first.stream().map(KeyedRegistry.Handle::key).toList());
        first.forEach(KeyedRegistry.Handle::close);
        second.forEach(KeyedRegistry.Handle::close);
        assertThat(registry.size()).isZero();
    }

    @Test
    void badArgumentsAreRefusedWithClearMessages() {
        assertThatThrownBy(() -> KeyedRegistry.create(" ", key -> Lock.create("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-blank name");
        assertThatThrownBy(() -> KeyedRegistry.create("accounts", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'accounts'").hasMessageContaining("factory");
        assertThatThrownBy(() -> locks().borrowAll(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one key");
        assertThatThrownBy(() -> locks().hottest(-1)).isInstanceOf(IllegalArgumentException.class);
        KeyedRegistry<String, Lock> nulls = KeyedRegistry.create("accounts", key -> null);
        assertThatThrownBy(() -> nulls.borrow("alice")).hasMessageContaining("returned null");
        assertThat(nulls.size()).isZero();
    }

    @Test
    void theSnapshotIdlenessTestSeesHolders() throws Exception {
        var idle = KeyedRegistry.idleWhenNothingActive();
        Lock lock = Lock.create("accounts");
        assertThat(idle.test(lock)).isTrue();
        try (Permit permit = lock.acquire()) {
            assertThat(idle.test(lock)).isFalse();
        }
        assertThat(idle.test(lock)).isTrue();
    }
}

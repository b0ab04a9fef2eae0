package dev.signalbox.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Permit;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.Semaphore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry over its factories: one registration per name, of the factory's scope, keys in string form and key order. */
@Timeout(30)
class SignalboxRegistryTest {

    /** The cluster factory: it makes local primitives and records what it was asked for. */
    private final FakeCluster cluster = FakeCluster.answering();
    private final List<String> listenersMade = new ArrayList<>();
    private final SignalboxRegistry registry = new SignalboxRegistry((name, kind, scope, state) -> {
        listenersMade.add(name + " " + kind + " " + scope);
        return PrimitiveListener.NONE;
    });

    @Test
    void aFactorysPrimitiveIsRegisteredOnceWithTheFactorysScope() {
        Lock first = registry.lock("orders", cluster);
        Lock again = registry.lock("orders", cluster);

        assertThat(again).isSameAs(first);
        assertThat(cluster.made).containsExactly("lock orders null");
        assertThat(listenersMade).containsExactly("orders LOCK CLUSTER");
        Registration registration = registry.registration("orders").orElseThrow();
        assertThat(registration.scope()).isEqualTo(Scope.CLUSTER);
        assertThat(registration.kind()).isEqualTo(Kind.LOCK);
        assertThat(registration.primitive()).isSameAs(first);
    }

    @Test
    void theLocalFactoryIsTheDefaultAndItsScopeIsLocal() {
        Semaphore semaphore = registry.semaphore("pdf", 3);

        assertThat(registry.semaphore("pdf", 3, PrimitiveFactory.local())).isSameAs(semaphore);
        assertThat(registry.registration("pdf").orElseThrow().scope()).isEqualTo(Scope.LOCAL);
        assertThat(PrimitiveFactory.local().scope()).isEqualTo(Scope.LOCAL);
        assertThat(cluster.scope()).isEqualTo(Scope.CLUSTER);
    }

    @Test
    void oneNameCannotBeBothLocalAndCluster() {
        registry.lock("ledger");

        assertThatThrownBy(() -> registry.lock("ledger", cluster))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'ledger' is already a local lock, so it cannot also be a cluster lock");
        assertThat(cluster.made).isEmpty();
    }

    @Test
    void oneNameCannotHaveTwoShapes() {
        registry.semaphore("pool", 2, cluster);

        assertThatThrownBy(() -> registry.semaphore("pool", 3, cluster))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("'pool' is already a semaphore with 2 permits, so it cannot also be a semaphore with 3 permits;"
                        + " give the two different names, or make them agree");
    }

    @Test
    void aFactorysKeyedFamilyPassesEachKeyOnceAndAcquiresSeveralInKeyOrder() throws Exception {
        KeyedRegistry<String, Lock> accounts = registry.keyedLocks("accounts", cluster);

        List<KeyedRegistry.Handle<String, Lock>> handles = accounts.borrowAll(List.of("c", "a", "b"));
        try {
            assertThat(handles).extracting(KeyedRegistry.Handle::key).containsExactly("a", "b", "c");
            try (Permit ignored = handles.get(0).primitive().acquire(Duration.ofSeconds(1))) {
                assertThat(registry.registration("accounts").orElseThrow().snapshot().active()).isEqualTo(1);
            }
        } finally {
            handles.forEach(KeyedRegistry.Handle::close);
        }
        assertThat(cluster.made).containsExactlyInAnyOrder("lock accounts a", "lock accounts b", "lock accounts c");
        assertThat(registry.keyedLocks("accounts", cluster)).isSameAs(accounts);
        assertThat(listenersMade).containsExactly("accounts LOCK CLUSTER");
    }

    @Test
    void aLocalBucketReachedThroughTheFactoryIsKeptUntilFullAgainAClusterOneIsNot() {
        KeyedRegistry<String, RateLimiter> local = registry.keyedRateLimiters("local-api", 1, Duration.ofHours(1), PrimitiveFactory.local());
        KeyedRegistry<String, RateLimiter> remote = registry.keyedRateLimiters("cluster-api", 1, Duration.ofHours(1), cluster);
        for (KeyedRegistry<String, RateLimiter> limiters : List.of(local, remote)) {
            try (KeyedRegistry.Handle<String, RateLimiter> handle = limiters.borrow("customer")) {
                assertThat(handle.primitive().tryAcquire()).isTrue();
            }
        }

        // A drained local bucket is state worth keeping: dropping it would admit the key again at once.
        assertThat(local.size()).isEqualTo(1);
        try (KeyedRegistry.Handle<String, RateLimiter> handle = local.borrow("customer")) {
            assertThat(handle.primitive().tryAcquire()).isFalse();
        }
        // A cluster bucket lives in the backend: the local handle goes as soon as nobody borrows it.
        assertThat(remote.size()).isZero();
    }

    @Test
    void everyKindWithTwoScopesIsMadeByTheFactory() {
        registry.readWriteLock("catalog", cluster);
        registry.rateLimiter("fraud", 5, Duration.ofSeconds(1), cluster);
        registry.barrier("settlement", 3, cluster);
        registry.keyedSemaphores("renderers", 2, cluster).borrow("k").close();
        registry.keyedReadWriteLocks("books", cluster).borrow("b").close();

        assertThat(cluster.made).containsExactly("read-write lock catalog null", "rate limiter fraud null", "barrier settlement",
                "semaphore renderers k 2", "read-write lock books b");
        assertThat(registry.registrations()).allSatisfy(r -> assertThat(r.scope()).isEqualTo(Scope.CLUSTER));
    }

    @Test
    void aCompositeListenerTellsEveryRealListenerInOrderAndIsNoneWhenThereIsNone() {
        List<String> heard = new ArrayList<>();
        PrimitiveListener first = recording("first", heard);
        PrimitiveListener second = recording("second", heard);

        assertThat(PrimitiveListener.composite(List.of())).isSameAs(PrimitiveListener.NONE);
        assertThat(PrimitiveListener.composite(List.of(PrimitiveListener.NONE, PrimitiveListener.NONE))).isSameAs(PrimitiveListener.NONE);
        assertThat(PrimitiveListener.composite(List.of(PrimitiveListener.NONE, first))).isSameAs(first);

        Lock lock = Lock.create("heard", PrimitiveListener.composite(List.of(first, PrimitiveListener.NONE, second)));
        lock.tryAcquire().close();

        assertThat(heard).containsExactly("first arrival", "second arrival", "first ACQUIRED", "second ACQUIRED",
                "first released", "second released");
    }

    private static PrimitiveListener recording(String who, List<String> heard) {
        return new PrimitiveListener() {
            @Override
            public void onArrival(Primitive primitive) {
                heard.add(who + " arrival");
            }

            @Override
            public void onWaitEnded(Primitive primitive, long waitNanos, Outcome outcome) {
                heard.add(who + " " + outcome);
            }

            @Override
            public void onReleased(Primitive primitive, long holdNanos) {
                heard.add(who + " released");
            }
        };
    }
}

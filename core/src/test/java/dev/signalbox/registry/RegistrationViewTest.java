package dev.signalbox.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistrationViewTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    /** Instrumented: primitives track their holders only when someone listens. */
    private final SignalboxRegistry registry = new SignalboxRegistry(new PrimitiveStatistics());
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<CompletableFuture<?>> waiters = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        waiters.forEach(w -> w.cancel(true));
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void aSingleLockShowsItsStateAndItsHolder() throws Exception {
        Lock lock = registry.lock("ledger");
        open.add(lock.acquire(BOUND));
        waiters.add(lock.acquireAsync(BOUND));

        PrimitiveView view = view("ledger", 10);
        assertThat(view.name()).isEqualTo("ledger");
        assertThat(view.kind()).isEqualTo(Kind.LOCK);
        assertThat(view.scope()).isEqualTo(Scope.LOCAL);
        assertThat(view.keyed()).isFalse();
        assertThat(view.shape().describe()).isEqualTo("lock");
        assertThat(view.waiting()).isEqualTo(1);
        assertThat(view.active()).isEqualTo(1);
        assertThat(view.capacity()).isEqualTo(1);
        assertThat(view.keys()).isZero();
        assertThat(view.hotKeys()).isEmpty();
        assertThat(view.cluster()).isNull();
        assertThat(view.holders()).singleElement().satisfies(h -> {
            assertThat(h.description()).contains(Thread.currentThread().getName());
            assertThat(h.key()).isNull();
            assertThat(h.label()).isEqualTo(h.description());
            assertThat(h.permits()).isEqualTo(1);
        });
        assertThat(view.longestHold()).isEqualTo(view.holders().get(0).heldFor());
    }

    @Test
    void aKeyedFamilySumsItsKeysAndRanksHotKeysByWaitingThenActiveThenAcquisitions() throws Exception {
        KeyedRegistry<String, Lock> accounts = registry.keyedLocks("accounts");
        // "idle-busy": nobody holds or waits, but borrowed 5 times; "idle-once": borrowed once.
        open.add(accounts.borrow("idle-busy"));
        for (int i = 0; i < 4; i++) {
            accounts.borrow("idle-busy").close();
        }
        open.add(accounts.borrow("idle-once"));
        // "held": held, nobody waiting; "queued": held with two callers waiting.
        KeyedRegistry.Handle<String, Lock> held = accounts.borrow("held");
        open.add(held);
        open.add(held.primitive().acquire(BOUND));
        Thread.sleep(2); // so the two holds began at different instants
        KeyedRegistry.Handle<String, Lock> queued = accounts.borrow("queued");
        open.add(queued);
        open.add(queued.primitive().acquire(BOUND));
        waiters.add(queued.primitive().acquireAsync(BOUND));
        waiters.add(queued.primitive().acquireAsync(BOUND));

        PrimitiveView view = view("accounts", 3);
        assertThat(view.keyed()).isTrue();
        assertThat(view.shape().describe()).isEqualTo("keyed lock");
        assertThat(view.keys()).isEqualTo(4);
        assertThat(view.waiting()).isEqualTo(2);
        assertThat(view.active()).isEqualTo(2);
        assertThat(view.capacity()).as("per key").isEqualTo(1);
        assertThat(view.hotKeys()).extracting(KeyView::key).containsExactly("queued", "held", "idle-busy");
        assertThat(view.hotKeys().get(0)).satisfies(k -> {
            assertThat(k.waiting()).isEqualTo(2);
            assertThat(k.active()).isEqualTo(1);
            assertThat(k.capacity()).isEqualTo(1);
            assertThat(k.borrowers()).isEqualTo(1);
            assertThat(k.acquisitions()).isEqualTo(1);
            assertThat(k.cluster()).isNull();
        });
        assertThat(view.hotKeys().get(2).acquisitions()).isEqualTo(5);
        assertThat(view("accounts", 10).hotKeys()).extracting(KeyView::key)
                .containsExactly("queued", "held", "idle-busy", "idle-once");
        assertThat(view("accounts", 0).hotKeys()).isEmpty();

        assertThat(view.holders()).as("every key's holders, oldest first").extracting(HolderView::key).containsExactly("held", "queued");
        assertThat(registry.registration("accounts").orElseThrow().snapshot().holders())
                .extracting(h -> h.description().substring(h.description().indexOf(" [key ")))
                .containsExactly(" [key held]", " [key queued]");
    }

    @Test
    void theRankingIsTotalWithTheKeyLast() {
        KeyView a = new KeyView("a", 0, 0, 1, 0, 3, null);
        KeyView b = new KeyView("b", 0, 0, 1, 0, 3, null);
        KeyView busier = new KeyView("c", 0, 0, 1, 0, 4, null);
        KeyView held = new KeyView("d", 0, 1, 1, 1, 1, null);
        KeyView waited = new KeyView("e", 1, 0, 1, 1, 1, null);
        List<KeyView> keys = new ArrayList<>(List.of(a, b, busier, held, waited));
        java.util.Collections.shuffle(keys, new java.util.Random(7));
        keys.sort(KeyView.HOTTEST_FIRST);
        assertThat(keys).containsExactly(waited, held, busier, a, b);
    }

    @Test
    void onlyTheViewWithMembersAsksTheBackendAndAFailureIsShownNotThrown() throws Exception {
        FakeCluster cluster = FakeCluster.answering();
        registry.lock("orders", cluster);
        registry.keyedLocks("carts", cluster).borrow("cart-1").close();
        open.add(registry.keyedLocks("carts", cluster).borrow("cart-2"));
        registry.lock("local-only");

        assertThat(view("orders", 10).cluster()).isNull();
        assertThat(view("carts", 10).hotKeys()).allSatisfy(k -> assertThat(k.cluster()).isNull());
        assertThat(cluster.membersAsked).hasValue(0);

        Registration orders = registry.registration("orders").orElseThrow();
        assertThat(orders.scope()).isEqualTo(Scope.CLUSTER);
        ClusterView members = orders.viewWithMembers(10).cluster();
        assertThat(members.error()).isNull();
        assertThat(members.members()).singleElement().satisfies(m -> assertThat(m.instance()).isEqualTo("instance-null"));
        assertThat(cluster.membersAsked).hasValue(1);

        PrimitiveView carts = registry.registration("carts").orElseThrow().viewWithMembers(10);
        assertThat(carts.cluster()).as("a family's members are per key").isNull();
        assertThat(carts.hotKeys()).singleElement().satisfies(k -> assertThat(k.cluster().members())
                .singleElement().satisfies(m -> assertThat(m.instance()).isEqualTo("instance-cart-2")));
        assertThat(registry.registration("local-only").orElseThrow().viewWithMembers(10).cluster()).isNull();

        FakeCluster down = FakeCluster.unreachable();
        registry.lock("down", down);
        ClusterView failed = registry.registration("down").orElseThrow().viewWithMembers(10).cluster();
        assertThat(failed.members()).isEmpty();
        assertThat(failed.error()).isEqualTo("IllegalStateException: backend down");
    }

    @Test
    void aNegativeNumberOfHotKeysIsRefused() {
        registry.lock("ledger");
        assertThatThrownBy(() -> view("ledger", -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ledger'").hasMessageContaining("0 or more");
    }

    private PrimitiveView view(String name, int hotKeys) {
        return registry.registration(name).orElseThrow().view(hotKeys);
    }
}

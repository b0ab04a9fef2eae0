package dev.signalbox.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.registry.PrimitiveStatistics;
import dev.signalbox.registry.SignalboxRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoint's layout of the registry's read model: every entry, in its order, present only where it applies. */
class SignalboxEndpointTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final PrimitiveStatistics statistics = new PrimitiveStatistics();
    private final SignalboxRegistry registry = new SignalboxRegistry(statistics);
    private final SignalboxEndpoint endpoint = new SignalboxEndpoint(registry, statistics);

    @Test
    @SuppressWarnings("unchecked")
    void aSinglePrimitiveAndAKeyedFamilyHaveTheirEntriesInOrder() throws Exception {
        Lock ledger = registry.lock("ledger");
        KeyedRegistry<String, Lock> accounts = registry.keyedLocks("accounts");
        try (Permit held = ledger.acquire(BOUND);
                KeyedRegistry.Handle<String, Lock> handle = accounts.borrow("acct-1");
                Permit keyHeld = handle.primitive().acquire(BOUND)) {
            CompletableFuture<Permit> waiter = ledger.acquireAsync(BOUND);
            List<Map<String, Object>> all = (List<Map<String, Object>>) endpoint.primitives().get("primitives");
            assertThat(all).extracting(p -> p.get("name")).containsExactly("accounts", "ledger");
            assertThat(all.get(1).keySet()).containsExactly("name", "kind", "scope", "shape", "waiting", "active", "capacity",
                    "wait", "hold");
            assertThat(all.get(0).keySet()).containsExactly("name", "kind", "scope", "shape", "waiting", "active", "capacity",
                    "keys", "wait", "hold");

            Map<String, Object> one = endpoint.primitive("ledger");
            assertThat(one).containsEntry("waiting", 1).containsEntry("active", 1).containsEntry("capacity", 1);
            assertThat(one.keySet()).containsExactly("name", "kind", "scope", "shape", "waiting", "active", "capacity",
                    "wait", "hold", "holders");
            assertThat((Map<String, Object>) one.get("wait")).containsKeys("acquired", "timeout", "meanMillis", "maxMillis");
            assertThat(((Map<String, Object>) one.get("hold")).keySet()).containsExactly("count", "meanMillis", "maxMillis");
            assertThat((List<Map<String, Object>>) one.get("holders")).singleElement().satisfies(h -> assertThat(h.keySet())
                    .containsExactly("holder", "permits", "since", "heldMillis"));

            Map<String, Object> family = endpoint.primitive("accounts");
            assertThat(family).containsEntry("shape", "keyed lock").containsEntry("keys", 1).containsEntry("active", 1);
            assertThat(family.keySet()).containsExactly("name", "kind", "scope", "shape", "waiting", "active", "capacity",
                    "keys", "wait", "hold", "holders", "hottestKeys");
            assertThat((List<Map<String, Object>>) family.get("holders")).singleElement()
                    .satisfies(h -> assertThat((String) h.get("holder")).endsWith(" [key acct-1]"));
            assertThat((List<Map<String, Object>>) family.get("hottestKeys")).singleElement().satisfies(k -> {
                assertThat(k.keySet()).containsExactly("key", "borrowers", "acquisitions", "waiting", "active");
                assertThat(k).containsEntry("key", "acct-1").containsEntry("borrowers", 1).containsEntry("acquisitions", 1L)
                        .containsEntry("waiting", 0).containsEntry("active", 1);
            });
            waiter.cancel(true);
        }
        assertThat(endpoint.primitive("nothing-by-this-name")).isNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aClusterPrimitiveAndEachHotKeyOfAClusterFamilySayWhoHoldsThemOnEveryInstance() throws Exception {
        InMemoryCluster cluster = new InMemoryCluster();
        Lock orders = registry.lock("orders", cluster);
        KeyedRegistry<String, Lock> carts = registry.keyedLocks("carts", cluster);
        try (Permit held = orders.acquire(BOUND);
                KeyedRegistry.Handle<String, Lock> handle = carts.borrow("c1");
                Permit keyHeld = handle.primitive().acquire(BOUND)) {
            endpoint.primitives();
            assertThat(cluster.membersAsked).as("never for the list").hasValue(0);
            Map<String, Object> one = endpoint.primitive("orders");
            assertThat(one.keySet()).containsExactly("name", "kind", "scope", "shape", "waiting", "active", "capacity",
                    "wait", "hold", "holders", "cluster");
            assertThat((List<Map<String, Object>>) one.get("cluster")).singleElement().satisfies(m -> assertThat(m.keySet())
                    .containsExactly("instance", "role", "count", "since"));
            Map<String, Object> family = endpoint.primitive("carts");
            assertThat(family).doesNotContainKey("cluster");
            assertThat((List<Map<String, Object>>) family.get("hottestKeys")).singleElement().satisfies(k -> assertThat(k.keySet())
                    .containsExactly("key", "borrowers", "acquisitions", "waiting", "active", "cluster"));
            assertThat(cluster.membersAsked).hasValue(2);
        }
    }
}

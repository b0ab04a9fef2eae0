package dev.signalbox.autoconfigure;

import dev.signalbox.registry.ClusterView;
import dev.signalbox.registry.HolderView;
import dev.signalbox.registry.KeyView;
import dev.signalbox.registry.PrimitiveStatistics;
import dev.signalbox.registry.PrimitiveView;
import dev.signalbox.registry.Registration;
import dev.signalbox.registry.SignalboxRegistry;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.signalbox.core.Outcome;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * Actuator endpoint {@code signalbox}: {@code GET /actuator/signalbox} lists every named primitive
 * with its state and wait/hold figures; {@code GET /actuator/signalbox/{name}} shows one, with its
 * current holders and hottest keys (in {@link KeyView#HOTTEST_FIRST} order), and, for a cluster
 * primitive, its holders and waiters on every instance ({@code cluster}: instance, role, count,
 * since; asked of the backend for this view only, never for the list or for meters). Read-only;
 * exposed like any endpoint ({@code management.endpoints.web.exposure.include=signalbox}), over HTTP
 * and JMX.
 *
 * <p>The state is the registry's read model ({@link Registration#view}); this class only lays it
 * out. It answers maps rather than records because an entry is absent, not null, where it does not
 * apply ({@code keys} of a single primitive, {@code wait}/{@code hold} before any figures,
 * {@code cluster} of a local primitive, {@code clusterError} when the backend answered).
 */
@Endpoint(id = "signalbox")
public class SignalboxEndpoint {

    private static final int HOTTEST_KEYS = 10;

    private final SignalboxRegistry registry;
    private final PrimitiveStatistics statistics;

    public SignalboxEndpoint(SignalboxRegistry registry, PrimitiveStatistics statistics) {
        this.registry = registry;
        this.statistics = statistics;
    }

    @ReadOperation
    public Map<String, Object> primitives() {
        List<Map<String, Object>> all = registry.registrations().stream()
                .sorted(Comparator.comparing(Registration::name))
                .map(r -> describe(r.view(0), false))
                .toList();
        return Map.of("primitives", all);
    }

    /** One primitive with its holders and hottest keys; null (404) for an unknown name. */
    @ReadOperation
    public Map<String, Object> primitive(@Selector String name) {
        return registry.registration(name).map(r -> describe(r.viewWithMembers(HOTTEST_KEYS), true)).orElse(null);
    }

    private Map<String, Object> describe(PrimitiveView view, boolean detail) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", view.name());
        out.put("kind", view.kind().tag());
        out.put("scope", view.scope().tag());
        out.put("shape", view.shape().describe());
        out.put("waiting", view.waiting());
        out.put("active", view.active());
        out.put("capacity", view.capacity());
        if (view.keyed()) {
            out.put("keys", view.keys());
        }
        PrimitiveStatistics.Figures figures = statistics.figures(view.name());
        if (figures != null) {
            Map<String, Object> wait = new LinkedHashMap<>();
            for (Outcome outcome : Outcome.values()) {
                wait.put(outcome.tag(), figures.count(outcome));
            }
            wait.put("meanMillis", round(figures.meanWaitMillis()));
            wait.put("maxMillis", round(figures.maxWaitMillis()));
            out.put("wait", wait);
            Map<String, Object> hold = new LinkedHashMap<>();
            hold.put("count", figures.holds());
            hold.put("meanMillis", round(figures.meanHoldMillis()));
            hold.put("maxMillis", round(figures.maxHoldMillis()));
            out.put("hold", hold);
        }
        if (detail) {
            out.put("holders", view.holders().stream().map(SignalboxEndpoint::describe).toList());
            if (view.keyed()) {
                out.put("hottestKeys", view.hotKeys().stream().map(SignalboxEndpoint::describe).toList());
            } else {
                putCluster(out, view.cluster());
            }
        }
        return out;
    }

    private static Map<String, Object> describe(KeyView key) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", key.key());
        out.put("borrowers", key.borrowers());
        out.put("acquisitions", key.acquisitions());
        out.put("waiting", key.waiting());
        out.put("active", key.active());
        putCluster(out, key.cluster());
        return out;
    }

    /**
     * For a cluster primitive, who holds and waits for it on every instance ({@code cluster}), as the
     * backend knows it; when the backend could not be reached, {@code clusterError} says so instead.
     */
    private static void putCluster(Map<String, Object> out, ClusterView cluster) {
        if (cluster == null) {
            return;
        }
        if (cluster.error() != null) {
            out.put("clusterError", cluster.error());
            return;
        }
        out.put("cluster", cluster.members().stream().map(member -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("instance", member.instance());
            m.put("role", member.role());
            m.put("count", member.count());
            m.put("since", String.valueOf(member.since()));
            return m;
        }).toList());
    }

    private static Map<String, Object> describe(HolderView holder) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("holder", holder.label());
        out.put("permits", holder.permits());
        out.put("since", holder.since().toString());
        out.put("heldMillis", holder.heldFor().toMillis());
        return out;
    }

    private static double round(double millis) {
        return Math.round(millis * 1000.0) / 1000.0;
    }
}

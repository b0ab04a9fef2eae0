package dev.signalbox.autoconfigure;

import dev.signalbox.registry.ClusterMembers;
import dev.signalbox.registry.PrimitiveStatistics;
import dev.signalbox.registry.Registration;
import dev.signalbox.registry.SignalboxRegistry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.signalbox.core.Holder;
import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.Snapshot;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * Actuator endpoint {@code signalbox}: {@code GET /actuator/signalbox} lists every named primitive
 * with its state and wait/hold figures; {@code GET /actuator/signalbox/{name}} shows one, with its
 * current holders and hottest keys, and, for a cluster primitive, its holders and waiters on every
 * instance ({@code cluster}: instance, role, count, since; asked of the backend for this view only,
 * never for the list or for meters). Read-only; exposed like any endpoint
 * ({@code management.endpoints.web.exposure.include=signalbox}), over HTTP and JMX.
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
        List<Map<String, Object>> all = new ArrayList<>();
        registry.registrations().stream()
                .sorted(Comparator.comparing(Registration::name))
                .forEach(r -> all.add(describe(r, false)));
        return Map.of("primitives", all);
    }

    /** One primitive with its holders and hottest keys; null (404) for an unknown name. */
    @ReadOperation
    public Map<String, Object> primitive(@Selector String name) {
        return registry.registration(name).map(r -> describe(r, true)).orElse(null);
    }

    private Map<String, Object> describe(Registration registration, boolean detail) {
        Snapshot snapshot = registration.snapshot();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", registration.name());
        out.put("kind", registration.kind().tag());
        out.put("scope", registration.scope().tag());
        out.put("shape", registration.shape());
        out.put("waiting", snapshot.waiting());
        out.put("active", snapshot.active());
        out.put("capacity", snapshot.capacity());
        KeyedRegistry<?, ?> keyed = registration.keyedRegistry();
        if (keyed != null) {
            out.put("keys", keyed.size());
        }
        PrimitiveStatistics.Figures figures = statistics.figures(registration.name());
        if (figures != null) {
            Map<String, Object> wait = new LinkedHashMap<>();
            for (Outcome outcome : Outcome.values()) {
                wait.put(outcome.tag(), figures.count(outcome));
            }
            wait.put("meanMillis", round(figures.meanWaitMillis()));
            wait.put("maxMillis", round(figures.maxWaitMillis()));
            out.put("wait", wait);
            out.put("hold", Map.of("count", figures.holds(), "meanMillis", round(figures.meanHoldMillis()),
                    "maxMillis", round(figures.maxHoldMillis())));
        }
        if (detail) {
            out.put("holders", snapshot.holders().stream().map(SignalboxEndpoint::describe).toList());
            Primitive single = registration.primitive();
            if (single != null) {
                putMembers(out, single);
            }
            if (keyed != null) {
                out.put("hottestKeys", keyed.hottest(HOTTEST_KEYS).stream().map(entry -> {
                    Snapshot s = ((Primitive) entry.primitive()).snapshot();
                    Map<String, Object> key = new LinkedHashMap<>();
                    key.put("key", String.valueOf(entry.key()));
                    key.put("borrowers", entry.borrowers());
                    key.put("acquisitions", entry.acquisitions());
                    key.put("waiting", s.waiting());
                    key.put("active", s.active());
                    putMembers(key, (Primitive) entry.primitive());
                    return key;
                }).toList());
            }
        }
        return out;
    }

    /**
     * For a cluster primitive, who holds and waits for it on every instance ({@code cluster}), as the
     * backend knows it: a round trip, made only for this one-primitive view. When the backend cannot
     * be reached, {@code clusterError} says so instead of failing the whole view.
     */
    private static void putMembers(Map<String, Object> out, Primitive primitive) {
        if (!(primitive instanceof ClusterMembers cluster)) {
            return;
        }
        try {
            out.put("cluster", cluster.members().stream().map(member -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("instance", member.instance());
                m.put("role", member.role());
                m.put("count", member.count());
                m.put("since", String.valueOf(member.since()));
                return m;
            }).toList());
        } catch (RuntimeException e) {
            out.put("clusterError", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Map<String, Object> describe(Holder holder) {
        return Map.of("holder", holder.description(), "permits", holder.permits(), "since", holder.since().toString(),
                "heldMillis", holder.heldFor().toMillis());
    }

    private static double round(double millis) {
        return Math.round(millis * 1000.0) / 1000.0;
    }

}

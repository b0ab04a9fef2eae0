package dev.signalbox.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShapeTest {

    private final SignalboxRegistry registry = SignalboxRegistry.uninstrumented();

    @Test
    void describeGivesTheRegistrysEnglishFormOfEveryShape() {
        registry.lock("a-lock");
        registry.semaphore("a-semaphore", 4);
        registry.readWriteLock("a-read-write-lock");
        registry.event("an-event");
        registry.condition("a-condition", "its-lock");
        registry.barrier("a-barrier", 3);
        registry.queue("a-queue", 8);
        registry.resourcePool("a-pool", List.of("r"));
        registry.workerPool("a-worker-pool", 2, 5).close();
        registry.rateLimiter("a-rate-limiter", 10, Duration.ofSeconds(60));
        registry.keyedLocks("keyed-lock");
        registry.keyedSemaphores("keyed-semaphore", 2);
        registry.keyedReadWriteLocks("keyed-read-write-lock");
        registry.keyedRateLimiters("keyed-rate-limiter", 5, Duration.ofMillis(1500));

        Map<String, String> shapes = new java.util.TreeMap<>();
        registry.registrations().forEach(r -> shapes.put(r.name(), r.shape()));
        assertThat(shapes).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("a-lock", "lock"),
                Map.entry("its-lock", "lock"),
                Map.entry("a-semaphore", "semaphore with 4 permits"),
                Map.entry("a-read-write-lock", "read-write lock"),
                Map.entry("an-event", "event"),
                Map.entry("a-condition", "condition of lock 'its-lock'"),
                Map.entry("a-barrier", "barrier of 3 parties"),
                Map.entry("a-queue", "queue of capacity 8"),
                Map.entry("a-pool", "resource pool"),
                Map.entry("a-worker-pool", "worker pool of 2 workers and queue capacity 5"),
                Map.entry("a-rate-limiter", "rate limiter of 10 per PT1M"),
                Map.entry("keyed-lock", "keyed lock"),
                Map.entry("keyed-semaphore", "keyed semaphore with 2 permits"),
                Map.entry("keyed-read-write-lock", "keyed read-write lock"),
                Map.entry("keyed-rate-limiter", "keyed rate limiter of 5 per PT1.5S")));
        assertThat(registry.registration("a-semaphore").orElseThrow()).hasToString("'a-semaphore' (semaphore with 4 permits)");
    }

    @Test
    void shapesAreEqualByKindScopeKeyedAndParameters() {
        assertThat(Shape.rateLimiter(Scope.LOCAL, false, 10, Duration.ofSeconds(60)))
                .isEqualTo(Shape.rateLimiter(Scope.LOCAL, false, 10, Duration.ofMinutes(1)));
        assertThat(Shape.semaphore(Scope.LOCAL, false, 4)).isNotEqualTo(Shape.semaphore(Scope.LOCAL, false, 5))
                .isNotEqualTo(Shape.semaphore(Scope.LOCAL, true, 4))
                .isNotEqualTo(Shape.semaphore(Scope.CLUSTER, false, 4));
        assertThat(new Shape(Kind.SEMAPHORE, Scope.CLUSTER, true, Map.of("permits", 4)).describe())
                .as("the scope is not part of the description").isEqualTo("keyed semaphore with 4 permits");
    }

    @Test
    void aShapeTakesExactlyItsKindsParameters() {
        assertThatThrownBy(() -> new Shape(Kind.SEMAPHORE, Scope.LOCAL, false, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[permits]");
        assertThatThrownBy(() -> new Shape(Kind.LOCK, Scope.LOCAL, false, Map.of("permits", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Shape.parameterNames(Kind.RATE_LIMITER)).containsExactlyInAnyOrder("limit", "per");
    }

    @Test
    void aNameWithAnotherShapeFailsNamingBothShapes() {
        registry.semaphore("pdf", 4);
        assertThatThrownBy(() -> registry.semaphore("pdf", 5)).isInstanceOf(IllegalStateException.class)
                .hasMessage("'pdf' is already a semaphore with 4 permits, so it cannot also be a semaphore with 5 permits;"
                        + " give the two different names, or make them agree");
        assertThatThrownBy(() -> registry.keyedSemaphores("pdf", 4)).isInstanceOf(IllegalStateException.class)
                .hasMessage("'pdf' is already a semaphore with 4 permits, so it cannot also be a keyed semaphore with 4 permits;"
                        + " give the two different names, or make them agree");
        assertThatThrownBy(() -> registry.lock("pdf")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("'pdf' is already a semaphore with 4 permits, so it cannot also be a lock;");
        assertThat(registry.semaphore("pdf", 4)).isSameAs(registry.semaphore("pdf", 4));
        assertThat(registry.rateLimiter("api", 10, Duration.ofSeconds(60)))
                .isSameAs(registry.rateLimiter("api", 10, Duration.ofMinutes(1)));
    }

    @Test
    void aNameInTheOtherScopeFailsNamingBothScopes() {
        registry.lock("shared");
        assertThatThrownBy(() -> registry.lock("shared", FakeCluster.answering()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("'shared' is already a local lock, so it cannot also be a cluster lock: a name is one primitive,"
                        + " local to this JVM or shared by the cluster, never both; give every use of 'shared' the same scope"
                        + " (the annotations' scope, or the scope property under signalbox.guards, rate-limits or barriers),"
                        + " or give them different names");
    }
}

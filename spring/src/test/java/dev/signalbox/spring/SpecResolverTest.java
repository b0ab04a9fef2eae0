package dev.signalbox.spring;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.signalbox.annotation.Barrier;
import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;
import dev.signalbox.annotation.Scope;
import dev.signalbox.spring.MethodSpec.ReturnStyle;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;

import reactor.core.publisher.ConnectableFlux;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Resolving annotations and settings into specs: values, fencing, return styles and the messages of mistakes. */
class SpecResolverTest {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(7);

    private final SpecResolver resolver = new SpecResolver(AnnotationSettings.withDefaultTimeout(DEFAULT_TIMEOUT), true);

    @Test
    void clusterLocksAndWriteLocksAreFencedAndNoOtherGuardIs() {
        assertThat(resolve(Guards.class, "clusterLock").fenced()).isTrue();
        assertThat(resolve(Guards.class, "clusterWrite").fenced()).isTrue();
        assertThat(resolve(Guards.class, "clusterRead").fenced()).isFalse();
        assertThat(resolve(Guards.class, "clusterSemaphore").fenced()).isFalse();
        assertThat(resolve(Guards.class, "localLock").fenced()).isFalse();
        assertThat(resolve(Limits.class, "limited").fenced()).as("no guard, nothing to fence").isFalse();
    }

    @Test
    void anEmptyTimeoutIsTheDefaultForGuardsAndBarriersAndZeroForRateLimits() {
        assertThat(resolve(Guards.class, "localLock").guard().timeout()).isEqualTo(DEFAULT_TIMEOUT);
        MethodSpec limitedBarrier = resolve(Limits.class, "limited");
        assertThat(limitedBarrier.barrier().timeout()).isEqualTo(DEFAULT_TIMEOUT);
        assertThat(limitedBarrier.rateLimit().timeout()).isZero();
        assertThat(limitedBarrier.rateLimit().per()).isEqualTo(Duration.ofSeconds(1));
        assertThat(limitedBarrier.guard()).isNull();
    }

    @Test
    void aPropertyWinsOverTheAttributeItOverrides() {
        SpecResolver tuned = new SpecResolver(new AnnotationSettings(DEFAULT_TIMEOUT,
                Map.of("semaphore", new AnnotationSettings.GuardSettings(5, Duration.ofMillis(50), null)),
                Map.of("limited", new AnnotationSettings.RateLimitSettings(null, Duration.ofMinutes(1), null, Scope.CLUSTER)),
                Map.of()), true);
        GuardSpec guard = tuned.resolve(Guards.class, method(Guards.class, "clusterSemaphore"), null, null,
                method(Guards.class, "clusterSemaphore").getAnnotation(Guarded.class)).guard();
        assertThat(guard.permits()).isEqualTo(5);
        assertThat(guard.timeout()).isEqualTo(Duration.ofMillis(50));
        assertThat(guard.scope()).as("not overridden: the annotation's").isEqualTo(Scope.CLUSTER);
        RateLimitSpec limit = tuned.resolve(Limits.class, method(Limits.class, "limited"),
                method(Limits.class, "limited").getAnnotation(RateLimited.class), null, null).rateLimit();
        assertThat(limit.limit()).as("not overridden: the annotation's").isEqualTo(3);
        assertThat(limit.per()).isEqualTo(Duration.ofMinutes(1));
        assertThat(limit.scope()).isEqualTo(Scope.CLUSTER);
    }

    @Test
    void aBadValueFromAPropertyIsBlamedOnTheProperty() {
        SpecResolver tuned = new SpecResolver(new AnnotationSettings(DEFAULT_TIMEOUT,
                Map.of("read", new AnnotationSettings.GuardSettings(2, null, null)), Map.of(), Map.of()), true);
        assertThatThrownBy(() -> tuned.resolve(Guards.class, method(Guards.class, "clusterRead"), null, null,
                method(Guards.class, "clusterRead").getAnnotation(Guarded.class)))
                .hasMessage("signalbox.guards.read.permits = 2 (overriding @Guarded(mode = READ) on Guards.clusterRead()): permits"
                        + " applies to EXCLUSIVE guards only; a READ guard is one side of a read-write lock, so remove permits");
    }

    @Test
    void clusterScopeWithoutABackendNamesWhereTheScopeCameFrom() {
        SpecResolver withoutBackend = new SpecResolver(new AnnotationSettings(DEFAULT_TIMEOUT, Map.of(), Map.of(),
                Map.of("barrier", new AnnotationSettings.BarrierSettings(null, null, Scope.CLUSTER))), false);
        assertThatThrownBy(() -> withoutBackend.resolve(Guards.class, method(Guards.class, "clusterLock"), null, null,
                method(Guards.class, "clusterLock").getAnnotation(Guarded.class)))
                .hasMessageStartingWith("@Guarded(scope = CLUSTER) on Guards.clusterLock(): cluster scope needs the module signalbox-redis");
        assertThatThrownBy(() -> withoutBackend.resolve(Limits.class, method(Limits.class, "limited"), null,
                method(Limits.class, "limited").getAnnotation(Barrier.class), null))
                .hasMessageStartingWith("signalbox.barriers.barrier.scope = cluster (overriding @Barrier on Limits.limited()): cluster scope");
    }

    @Test
    void aBadRateLimitKeyNamesTheAnnotationOnce() {
        assertThatThrownBy(() -> resolve(BadKey.class, "work", String.class))
                .hasMessageStartingWith("@RateLimited(\"bad\") on BadKey.work(String): key = \"#id +\" is not a valid SpEL expression")
                .satisfies(e -> assertThat(e.getMessage().split("on BadKey", -1)).hasSize(2));
    }

    @Test
    void clusterKeysAreTheirStringFormAndLocalKeysTheArgumentItself() {
        assertThat(resolve(Guards.class, "clusterKeyed", int.class).guard().keys().get(0).evaluate(new Object[] {7})).isEqualTo("7");
        assertThat(resolve(Guards.class, "localKeyed", int.class).guard().keys().get(0).evaluate(new Object[] {7})).isEqualTo(7);
    }

    @Test
    void deferredReactiveTypesAreReactiveThroughTheirAdaptersAndFuturesAreNot() {
        MethodSpec mono = resolve(Returns.class, "mono");
        assertThat(mono.returnStyle()).isEqualTo(ReturnStyle.REACTIVE);
        assertThat(mono.reactiveAdapter().getReactiveType()).isEqualTo(Mono.class);
        assertThat(mono.reactiveAdapter().isMultiValue()).isFalse();
        MethodSpec flux = resolve(Returns.class, "flux");
        assertThat(flux.reactiveAdapter().getReactiveType()).isEqualTo(Flux.class);
        assertThat(flux.reactiveAdapter().isMultiValue()).isTrue();
        assertThat(resolve(Returns.class, "publisher").reactiveAdapter().getReactiveType()).isEqualTo(Publisher.class);
        assertThat(resolve(Returns.class, "future").returnStyle()).isEqualTo(ReturnStyle.FUTURE);
        assertThat(resolve(Returns.class, "future").reactiveAdapter()).isNull();
        assertThat(resolve(Returns.class, "plain").returnStyle()).isEqualTo(ReturnStyle.BLOCKING);
    }

    @Test
    void aSubtypeOfAReactiveTypeStopsStartupNamingTheTypeToDeclare() {
        assertThatThrownBy(() -> resolve(Returns.class, "connectable"))
                .hasMessage("guarded method Returns.connectable() returns ConnectableFlux; declare Flux so the guard can hold until it terminates");
    }

    private MethodSpec resolve(Class<?> type, String name, Class<?>... parameters) {
        Method method = method(type, name, parameters);
        return resolver.resolve(type, method, method.getAnnotation(RateLimited.class), method.getAnnotation(Barrier.class),
                method.getAnnotation(Guarded.class));
    }

    private static Method method(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    public static class Guards {
        @Guarded(value = "lock", scope = Scope.CLUSTER)
        public void clusterLock() {
        }

        @Guarded(value = "rw", mode = Guarded.Mode.WRITE, scope = Scope.CLUSTER)
        public void clusterWrite() {
        }

        @Guarded(value = "read", mode = Guarded.Mode.READ, scope = Scope.CLUSTER)
        public void clusterRead() {
        }

        @Guarded(value = "semaphore", permits = 2, scope = Scope.CLUSTER)
        public void clusterSemaphore() {
        }

        @Guarded("local")
        public void localLock() {
        }

        @Guarded(value = "cluster-keyed", key = "#id", scope = Scope.CLUSTER)
        public void clusterKeyed(int id) {
        }

        @Guarded(value = "local-keyed", key = "#id")
        public void localKeyed(int id) {
        }
    }

    public static class Limits {
        @RateLimited(value = "limited", limit = 3)
        @Barrier(value = "barrier", parties = 2)
        public void limited() {
        }
    }

    public static class BadKey {
        @RateLimited(value = "bad", limit = 1, key = "#id +")
        public void work(String id) {
        }
    }

    public static class Returns {
        @Guarded("r")
        public Mono<String> mono() {
            return Mono.empty();
        }

        @Guarded("r")
        public Flux<String> flux() {
            return Flux.empty();
        }

        @Guarded("r")
        public Publisher<String> publisher() {
            return Flux.empty();
        }

        @Guarded("r")
        public ConnectableFlux<String> connectable() {
            return Flux.<String>empty().publish();
        }

        @Guarded("r")
        public CompletableFuture<String> future() {
            return CompletableFuture.completedFuture("");
        }

        @Guarded("r")
        public String plain() {
            return "";
        }
    }
}

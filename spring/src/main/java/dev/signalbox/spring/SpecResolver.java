package dev.signalbox.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import dev.signalbox.annotation.Barrier;
import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;
import dev.signalbox.annotation.Scope;
import dev.signalbox.spring.AnnotationSite.Attribute;
import dev.signalbox.spring.MethodSpec.ReturnStyle;

import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.util.ClassUtils;

/**
 * Resolves the Signalbox annotations of one method, with the {@link AnnotationSettings} over them,
 * into a {@link MethodSpec}: every check and every message about a bad annotation or property
 * happens here, so a spec it returns is valid throughout. A mistake throws an
 * {@link IllegalStateException} naming the annotation (or the property), the method, the attribute
 * and the fix. Resolving touches no primitive: {@link GuardPlanner} builds the gates from the spec.
 */
final class SpecResolver {

    /** Reactive return types need Reactor: the interceptor holds their gates with Reactor's operators. */
    private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Flux",
            SpecResolver.class.getClassLoader());

    private final AnnotationSettings settings;
    /** True when a backend for {@code scope = CLUSTER} exists. */
    private final boolean clusterAvailable;

    SpecResolver(AnnotationSettings settings, boolean clusterAvailable) {
        this.settings = settings;
        this.clusterAvailable = clusterAvailable;
    }

    /**
     * The spec of {@code method} of {@code type}, carrying at least one of the annotations given (null
     * for those it does not carry).
     */
    MethodSpec resolve(Class<?> type, Method method, RateLimited rateLimited, Barrier barrier, Guarded guarded) {
        String signature = signature(type, method);
        requireInterceptable(method, signature, guarded != null ? "@Guarded" : rateLimited != null ? "@RateLimited" : "@Barrier");
        RateLimitSpec rateLimit = rateLimited == null ? null : rateLimit(rateLimited, method, signature);
        BarrierSpec barrierSpec = barrier == null ? null : barrier(barrier, signature);
        GuardSpec guard = guarded == null ? null : guard(guarded, method, signature);
        ReactiveAdapter adapter = reactiveAdapter(method.getReturnType(), signature);
        return new MethodSpec(method, signature, returnStyle(method, signature, adapter), adapter,
                Arrays.stream(method.getExceptionTypes()).anyMatch(e -> e.isAssignableFrom(InterruptedException.class)),
                rateLimit, barrierSpec, guard);
    }

    private GuardSpec guard(Guarded guarded, Method method, String signature) {
        AnnotationSite site = site("@Guarded", guarded.value(), signature, "signalbox.guards");
        AnnotationSettings.GuardSettings overrides = settings.guards().get(site.name());
        Attribute<Integer> permits = site.count("permits", guarded.permits(), overrides == null ? null : overrides.permits());
        if (permits.value() < 1) {
            throw new IllegalStateException(permits.origin() + ": permits must be at least 1");
        }
        if (guarded.mode() != Guarded.Mode.EXCLUSIVE && permits.value() != 1) {
            throw new IllegalStateException(permits.origin("mode = " + guarded.mode()) + ": permits applies to EXCLUSIVE guards only; a "
                    + guarded.mode() + " guard is one side of a read-write lock, so remove permits");
        }
        Attribute<Duration> timeout = site.timeout(guarded.timeout(), overrides == null ? null : overrides.timeout(),
                settings.defaultTimeout());
        Scope scope = requireBackend(site.scope(guarded.scope(), overrides == null ? null : overrides.scope()));
        List<KeyExpression> keys = Arrays.stream(guarded.key())
                .map(k -> KeyExpression.parse(k, method, site.where(), scope == Scope.CLUSTER))
                .toList();
        return new GuardSpec(site.name(), guarded.mode(), permits.value(), timeout.value(), scope, keys, site.where());
    }

    private RateLimitSpec rateLimit(RateLimited limited, Method method, String signature) {
        AnnotationSite site = site("@RateLimited", limited.value(), signature, "signalbox.rate-limits");
        AnnotationSettings.RateLimitSettings overrides = settings.rateLimits().get(site.name());
        Attribute<Integer> limit = site.count("limit", limited.limit(), overrides == null ? null : overrides.limit());
        if (limit.value() < 1) {
            throw new IllegalStateException(limit.origin() + ": limit must be at least 1");
        }
        Attribute<Duration> per = site.duration("per", limited.per(), overrides == null ? null : overrides.per());
        if (per.value().isZero() || per.value().isNegative()) {
            throw new IllegalStateException(per.origin() + ": per must be a positive duration such as \"1s\"");
        }
        Attribute<Duration> timeout = site.timeout(limited.timeout(), overrides == null ? null : overrides.timeout(), Duration.ZERO);
        Scope scope = requireBackend(site.scope(limited.scope(), overrides == null ? null : overrides.scope()));
        Optional<KeyExpression> key = limited.key().isBlank() ? Optional.empty()
                : Optional.of(KeyExpression.parse(limited.key(), method, site.where(), scope == Scope.CLUSTER));
        return new RateLimitSpec(site.name(), limit.value(), per.value(), timeout.value(), scope, key, site.where());
    }

    private BarrierSpec barrier(Barrier barrier, String signature) {
        AnnotationSite site = site("@Barrier", barrier.value(), signature, "signalbox.barriers");
        AnnotationSettings.BarrierSettings overrides = settings.barriers().get(site.name());
        Attribute<Integer> parties = site.count("parties", barrier.parties(), overrides == null ? null : overrides.parties());
        if (parties.value() < 2) {
            throw new IllegalStateException(parties.origin() + ": parties must be at least 2 (a barrier of one party never waits)");
        }
        Attribute<Duration> timeout = site.timeout(barrier.timeout(), overrides == null ? null : overrides.timeout(),
                settings.defaultTimeout());
        Scope scope = requireBackend(site.scope(barrier.scope(), overrides == null ? null : overrides.scope()));
        return new BarrierSpec(site.name(), parties.value(), timeout.value(), scope, site.where());
    }

    /** The site of a named annotation; an empty name stops startup. */
    private static AnnotationSite site(String annotation, String name, String signature, String properties) {
        if (name == null || name.isBlank()) {
            throw new IllegalStateException(annotation + " on " + signature + ": the name (value) is empty; name it, e.g. "
                    + annotation + "(\"accounts\")");
        }
        return new AnnotationSite(annotation, name, signature, properties);
    }

    /**
     * The scope, once it is known to be usable.
     *
     * @throws IllegalStateException for {@code CLUSTER} without a backend, naming the method and the dependency
     */
    private Scope requireBackend(Attribute<Scope> scope) {
        if (scope.value() == Scope.CLUSTER && !clusterAvailable) {
            throw new IllegalStateException(scope.origin()
                    + ": cluster scope needs the module signalbox-redis on the classpath (dependency dev.signalbox:signalbox-redis)"
                    + " and a Redis it can reach (no ClusterPrimitives bean is defined); add it, or use Scope.LOCAL");
        }
        return scope.value();
    }

    private static void requireInterceptable(Method method, String signature, String annotation) {
        int modifiers = method.getModifiers();
        if (Modifier.isPrivate(modifiers) || Modifier.isStatic(modifiers) || Modifier.isFinal(modifiers)) {
            throw new IllegalStateException(annotation + " on " + signature + ": a "
                    + (Modifier.isPrivate(modifiers) ? "private" : Modifier.isStatic(modifiers) ? "static" : "final")
                    + " method cannot be intercepted by a Spring proxy, so it would run unguarded; make it a public, non-final instance method");
        }
    }

    /**
     * The adapter of a reactive return type, whose gates are then held per subscription: one that
     * Spring's shared {@link ReactiveAdapterRegistry} knows and that is deferred (nothing happens before
     * subscription). Null for every other type, for futures (they have their own style), and without Reactor.
     *
     * @throws IllegalStateException for a subtype of a reactive type ({@code ConnectableFlux}): the guarded
     *                               publisher is made by the adapter of the type, which the subtype's callers cannot take
     */
    private static ReactiveAdapter reactiveAdapter(Class<?> type, String signature) {
        if (!REACTOR_PRESENT || CompletionStage.class.isAssignableFrom(type)) {
            return null;
        }
        ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(type);
        if (adapter == null || !adapter.getDescriptor().isDeferred()) {
            return null;
        }
        if (adapter.getReactiveType() != type) {
            throw new IllegalStateException("guarded method " + signature + " returns " + type.getSimpleName() + "; declare "
                    + adapter.getReactiveType().getSimpleName() + " so the guard can hold until it terminates");
        }
        return adapter;
    }

    private static ReturnStyle returnStyle(Method method, String signature, ReactiveAdapter adapter) {
        Class<?> type = method.getReturnType();
        if (CompletionStage.class.isAssignableFrom(type)) {
            if (!type.isAssignableFrom(CompletableFuture.class)) {
                throw new IllegalStateException("guarded method " + signature + " returns " + type.getSimpleName()
                        + "; declare CompletionStage or CompletableFuture so the guard can hold until it completes");
            }
            return ReturnStyle.FUTURE;
        }
        return adapter != null ? ReturnStyle.REACTIVE : ReturnStyle.BLOCKING;
    }

    /** {@code AccountService.transfer(String, String, long)}. */
    static String signature(Class<?> type, Method method) {
        return ClassUtils.getUserClass(type).getSimpleName() + "." + method.getName() + "("
                + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
    }
}

package dev.signalbox.spring;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.signalbox.annotation.Barrier;
import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;
import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Acquirable;
import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.Lock;
import dev.signalbox.core.Primitive;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Semaphore;
import dev.signalbox.registry.ClusterPrimitives;
import dev.signalbox.registry.PrimitiveFactory;
import dev.signalbox.registry.SignalboxRegistry;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Turns the annotations of a bean class into one advisor per annotated method, at startup, in two
 * steps: it <em>resolves</em> each method's annotations and {@link AnnotationSettings} into a
 * {@link MethodSpec} ({@link SpecResolver}: every check, every message), then <em>builds</em> the
 * method's {@link CallGate} from the spec, registering its primitives. A mistake throws an
 * {@link IllegalStateException} naming the annotation, the method, the attribute and the fix, which
 * stops the application; so does a name the registry already holds with another shape.
 */
final class GuardPlanner {

    private final SignalboxRegistry registry;
    private final SpecResolver resolver;
    /** The backend of {@code scope = CLUSTER}, or null when the application has none (the resolver then rejects CLUSTER). */
    private final ClusterPrimitives cluster;
    private final Map<Class<?>, List<Advisor>> byClass = new ConcurrentHashMap<>();

    GuardPlanner(SignalboxRegistry registry, AnnotationSettings settings, ClusterPrimitives cluster) {
        this.registry = registry;
        this.resolver = new SpecResolver(settings, cluster != null);
        this.cluster = cluster;
    }

    /** True when {@code type} or one of its methods carries a Signalbox annotation. */
    static boolean isAnnotated(Class<?> type) {
        if (hasAnyAnnotation(type)) {
            return true;
        }
        for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
            if (hasAnyAnnotation(method)) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code element} carries a Signalbox annotation (directly or as a meta-annotation). */
    static boolean hasAnyAnnotation(AnnotatedElement element) {
        return AnnotatedElementUtils.hasAnnotation(element, Guarded.class)
                || AnnotatedElementUtils.hasAnnotation(element, RateLimited.class)
                || AnnotatedElementUtils.hasAnnotation(element, Barrier.class);
    }

    /** The advisors for {@code type}'s annotated methods (empty when none); computed once per class. */
    List<Advisor> advisorsFor(Class<?> type) {
        return byClass.computeIfAbsent(type, this::plan);
    }

    private List<Advisor> plan(Class<?> type) {
        List<Advisor> advisors = new ArrayList<>();
        for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
            Guarded guarded = find(method, type, Guarded.class);
            RateLimited rateLimited = find(method, type, RateLimited.class);
            Barrier barrier = find(method, type, Barrier.class);
            if (guarded == null && rateLimited == null && barrier == null) {
                continue;
            }
            MethodSpec spec = resolver.resolve(type, method, rateLimited, barrier, guarded);
            advisors.add(new DefaultPointcutAdvisor(new SingleMethodPointcut(spec.method()), new GuardInterceptor(spec, gate(spec))));
        }
        return List.copyOf(advisors);
    }

    /** The method's own annotation, or its class's for a public instance method. */
    private static <A extends Annotation> A find(Method method, Class<?> type, Class<A> annotation) {
        A own = AnnotatedElementUtils.findMergedAnnotation(method, annotation);
        if (own != null) {
            return own;
        }
        int modifiers = method.getModifiers();
        return Modifier.isPublic(modifiers) && !Modifier.isStatic(modifiers)
                ? AnnotatedElementUtils.findMergedAnnotation(type, annotation) : null;
    }

    /** The method's gates, in the order its spec says: rate limit, barrier, guard. */
    private CallGate gate(MethodSpec spec) {
        List<CallGate> gates = new ArrayList<>(3);
        if (spec.rateLimit() != null) {
            gates.add(withContext(spec.rateLimit().where(), () -> rateLimitGate(spec.rateLimit())));
        }
        if (spec.barrier() != null) {
            gates.add(withContext(spec.barrier().where(), () -> barrierGate(spec.barrier())));
        }
        if (spec.guard() != null) {
            gates.add(withContext(spec.guard().where(), () -> guardGate(spec.guard())));
        }
        return CompositeGate.of(gates);
    }

    /**
     * A lock for an unkeyed EXCLUSIVE guard of one permit, else a semaphore or one side of a read-write
     * lock; per key when keyed. Local keyed families are keyed by the key objects, cluster ones by the
     * keys' string forms (the spec's key expressions yield those).
     */
    private CallGate guardGate(GuardSpec spec) {
        String name = spec.name();
        if (spec.keys().isEmpty()) {
            PrimitiveFactory factory = factory(spec.scope());
            return switch (spec.mode()) {
                case EXCLUSIVE -> spec.permits() == 1 ? new LockGate(registry.lock(name, factory), spec.timeout())
                        : unkeyed(spec, registry.semaphore(name, spec.permits(), factory));
                case READ -> unkeyed(spec, registry.readWriteLock(name, factory).readLock());
                case WRITE -> unkeyed(spec, registry.readWriteLock(name, factory).writeLock());
            };
        }
        boolean local = spec.scope() == Scope.LOCAL;
        return switch (spec.mode()) {
            case EXCLUSIVE -> spec.permits() == 1
                    ? keyed(spec, local ? registry.keyedLocks(name) : asObjectKeyed(registry.keyedLocks(name, cluster)), (Lock l) -> l)
                    : keyed(spec, local ? registry.keyedSemaphores(name, spec.permits())
                            : asObjectKeyed(registry.keyedSemaphores(name, spec.permits(), cluster)), (Semaphore s) -> s);
            case READ -> keyed(spec, readWriteLocks(name, local), ReadWriteLock::readLock);
            case WRITE -> keyed(spec, readWriteLocks(name, local), ReadWriteLock::writeLock);
        };
    }

    private static UnkeyedGuardGate unkeyed(GuardSpec spec, Acquirable target) {
        return new UnkeyedGuardGate(spec.name(), spec.mode(), spec.timeout(), spec.where(), target);
    }

    private static <P extends Primitive> KeyedGuardGate keyed(GuardSpec spec, KeyedRegistry<Object, P> family,
            Function<? super P, Acquirable> side) {
        return new KeyedGuardGate(spec.name(), spec.mode(), spec.timeout(), spec.where(), spec.keys(), family, side);
    }

    private KeyedRegistry<Object, ReadWriteLock> readWriteLocks(String name, boolean local) {
        return local ? registry.keyedReadWriteLocks(name) : asObjectKeyed(registry.keyedReadWriteLocks(name, cluster));
    }

    private CallGate rateLimitGate(RateLimitSpec spec) {
        if (spec.key().isEmpty()) {
            return new UnkeyedRateLimitGate(registry.rateLimiter(spec.name(), spec.limit(), spec.per(), factory(spec.scope())),
                    spec.timeout());
        }
        return new KeyedRateLimitGate(spec.scope() == Scope.LOCAL ? registry.keyedRateLimiters(spec.name(), spec.limit(), spec.per())
                : asObjectKeyed(registry.keyedRateLimiters(spec.name(), spec.limit(), spec.per(), cluster)),
                spec.key().get(), spec.timeout());
    }

    private CallGate barrierGate(BarrierSpec spec) {
        return new BarrierGate(registry.barrier(spec.name(), spec.parties(), factory(spec.scope())), spec.timeout());
    }

    /** Where an unkeyed primitive of {@code scope} comes from: the JVM, or the cluster backend (present: the resolver checked). */
    private PrimitiveFactory factory(Scope scope) {
        return scope == Scope.CLUSTER ? cluster : PrimitiveFactory.local();
    }

    /** A registry of string keys used where keys are objects: cluster key expressions yield only strings. */
    @SuppressWarnings("unchecked")
    private static <P extends Primitive> KeyedRegistry<Object, P> asObjectKeyed(KeyedRegistry<String, P> registry) {
        return (KeyedRegistry<Object, P>) (KeyedRegistry<?, ?>) registry;
    }

    /** {@code action}, a registry's refusal (say, a name already taken by another shape) prefixed with {@code where}. */
    private static <T> T withContext(String where, Supplier<T> action) {
        try {
            return action.get();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new IllegalStateException(where + ": " + e.getMessage(), e);
        }
    }
}

package dev.signalbox.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;
import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Acquirable;
import dev.signalbox.core.Durations;
import dev.signalbox.core.KeyedRegistry;
import dev.signalbox.core.Lock;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Semaphore;
import dev.signalbox.registry.ClusterPrimitives;
import dev.signalbox.registry.SignalboxRegistry;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Turns the annotations of a bean class into one advisor per annotated method, at startup: looks
 * the annotations up, merges the {@link AnnotationSettings} over them, validates everything,
 * parses the key expressions and resolves the primitives. A mistake throws an
 * {@link IllegalStateException} naming the annotation, the method, the attribute and the fix, which
 * stops the application.
 */
final class GuardPlanner {

    private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Mono",
            GuardPlanner.class.getClassLoader());

    private final SignalboxRegistry registry;
    private final AnnotationSettings settings;
    /** The backend of {@code scope = CLUSTER}, or null when the application has none. */
    private final ClusterPrimitives cluster;
    private final Map<Class<?>, List<Advisor>> byClass = new ConcurrentHashMap<>();

    GuardPlanner(SignalboxRegistry registry, AnnotationSettings settings) {
        this(registry, settings, null);
    }

    GuardPlanner(SignalboxRegistry registry, AnnotationSettings settings, ClusterPrimitives cluster) {
        this.registry = registry;
        this.settings = settings;
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

    private static boolean hasAnyAnnotation(java.lang.reflect.AnnotatedElement element) {
        return AnnotatedElementUtils.hasAnnotation(element, Guarded.class)
                || AnnotatedElementUtils.hasAnnotation(element, RateLimited.class)
                || AnnotatedElementUtils.hasAnnotation(element, dev.signalbox.annotation.Barrier.class);
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
            dev.signalbox.annotation.Barrier barrier = find(method, type, dev.signalbox.annotation.Barrier.class);
            if (guarded == null && rateLimited == null && barrier == null) {
                continue;
            }
            String signature = signature(type, method);
            requireInterceptable(method, signature, guarded != null ? "@Guarded" : rateLimited != null ? "@RateLimited" : "@Barrier");
            List<CallGate> gates = new ArrayList<>(3);
            if (rateLimited != null) {
                gates.add(rateLimitGate(rateLimited, method, signature));
            }
            if (barrier != null) {
                gates.add(barrierGate(barrier, signature));
            }
            boolean fenced = false;
            if (guarded != null) {
                GuardGate guard = guardGate(guarded, method, signature);
                fenced = guard.isFenced();
                gates.add(guard);
            }
            GuardInterceptor interceptor = new GuardInterceptor(CompositeGate.of(gates), returnStyle(method, signature),
                    Arrays.stream(method.getExceptionTypes()).anyMatch(e -> e.isAssignableFrom(InterruptedException.class)),
                    signature, fenced);
            advisors.add(new DefaultPointcutAdvisor(new SingleMethodPointcut(method), interceptor));
        }
        return List.copyOf(advisors);
    }

    /** The method's own annotation, or its class's for a public instance method. */
    private static <A extends java.lang.annotation.Annotation> A find(Method method, Class<?> type, Class<A> annotation) {
        A own = AnnotatedElementUtils.findMergedAnnotation(method, annotation);
        if (own != null) {
            return own;
        }
        int modifiers = method.getModifiers();
        return Modifier.isPublic(modifiers) && !Modifier.isStatic(modifiers)
                ? AnnotatedElementUtils.findMergedAnnotation(type, annotation) : null;
    }

    private static void requireInterceptable(Method method, String signature, String annotation) {
        int modifiers = method.getModifiers();
        if (Modifier.isPrivate(modifiers) || Modifier.isStatic(modifiers) || Modifier.isFinal(modifiers)) {
            throw new IllegalStateException(annotation + " on " + signature + ": a "
                    + (Modifier.isPrivate(modifiers) ? "private" : Modifier.isStatic(modifiers) ? "static" : "final")
                    + " method cannot be intercepted by a Spring proxy, so it would run unguarded; make it a public, non-final instance method");
        }
    }

    private GuardGate guardGate(Guarded guarded, Method method, String signature) {
        String name = requireName(guarded.value(), "@Guarded", signature);
        String where = "@Guarded(\"" + name + "\") on " + signature;
        AnnotationSettings.GuardSettings overrides = settings.guards().get(name);
        int permits = overrides != null && overrides.permits() != null ? overrides.permits() : guarded.permits();
        String permitsProperty = overrides != null && overrides.permits() != null ? "signalbox.guards." + name + ".permits" : null;
        if (permits < 1) {
            throw new IllegalStateException(origin("@Guarded", "permits", permits, signature, permitsProperty)
                    + ": permits must be at least 1");
        }
        if (guarded.mode() != Guarded.Mode.EXCLUSIVE && permits != 1) {
            throw new IllegalStateException((permitsProperty != null
                    ? origin("@Guarded(mode = " + guarded.mode() + ")", "permits", permits, signature, permitsProperty)
                    : "@Guarded(mode = " + guarded.mode() + ", permits = " + permits + ") on " + signature)
                    + ": permits applies to EXCLUSIVE guards only; a " + guarded.mode() + " guard is one side of a read-write lock, so remove permits");
        }
        Duration timeout = overrides != null && overrides.timeout() != null ? overrides.timeout()
                : timeout(guarded.timeout(), "@Guarded", signature);
        ClusterPrimitives backend = backendFor(overrides != null && overrides.scope() != null ? overrides.scope() : guarded.scope(),
                "@Guarded", signature, overrides != null && overrides.scope() != null ? "signalbox.guards." + name + ".scope" : null);
        KeyExpression[] keys = Arrays.stream(guarded.key())
                .map(k -> backend == null ? KeyExpression.parse(k, method, where) : KeyExpression.parse(k, method, where).inStringForm())
                .toArray(KeyExpression[]::new);
        if (backend != null) {
            return withContext(where, () -> clusterGuardGate(name, guarded.mode(), permits, timeout, where, keys, backend));
        }
        return withContext(where, () -> {
            if (keys.length == 0) {
                return GuardGate.unkeyed(name, guarded.mode(), timeout, where, switch (guarded.mode()) {
                    case EXCLUSIVE -> permits == 1 ? registry.lock(name) : registry.semaphore(name, permits);
                    case READ -> registry.readWriteLock(name).readLock();
                    case WRITE -> registry.readWriteLock(name).writeLock();
                });
            }
            return switch (guarded.mode()) {
                case EXCLUSIVE -> permits == 1
                        ? GuardGate.keyed(name, guarded.mode(), timeout, where, keys, registry.<Object>keyedLocks(name), (Lock l) -> l)
                        : GuardGate.keyed(name, guarded.mode(), timeout, where, keys,
                                registry.<Object>keyedSemaphores(name, permits), (Semaphore s) -> s);
                case READ -> GuardGate.keyed(name, guarded.mode(), timeout, where, keys,
                        registry.<Object>keyedReadWriteLocks(name), (Function<ReadWriteLock, Acquirable>) ReadWriteLock::readLock);
                case WRITE -> GuardGate.keyed(name, guarded.mode(), timeout, where, keys,
                        registry.<Object>keyedReadWriteLocks(name), (Function<ReadWriteLock, Acquirable>) ReadWriteLock::writeLock);
            };
        });
    }

    /**
     * A cluster guard: the backend's primitives, registered under the name with scope CLUSTER.
     * Exclusive locks and write locks are fenced: their holds carry a fencing token.
     */
    private GuardGate clusterGuardGate(String name, Guarded.Mode mode, int permits, Duration timeout, String where,
            KeyExpression[] keys, ClusterPrimitives backend) {
        boolean fenced = mode == Guarded.Mode.WRITE || (mode == Guarded.Mode.EXCLUSIVE && permits == 1);
        if (keys.length == 0) {
            Acquirable target = switch (mode) {
                case EXCLUSIVE -> permits == 1 ? registry.lock(name, backend) : registry.semaphore(name, permits, backend);
                case READ -> registry.readWriteLock(name, backend).readLock();
                case WRITE -> registry.readWriteLock(name, backend).writeLock();
            };
            return GuardGate.unkeyed(name, mode, timeout, where, target).fenced(fenced);
        }
        GuardGate keyed = switch (mode) {
            case EXCLUSIVE -> permits == 1
                    ? GuardGate.keyed(name, mode, timeout, where, keys, asObjectKeyed(registry.keyedLocks(name, backend)), (Lock l) -> l)
                    : GuardGate.keyed(name, mode, timeout, where, keys, asObjectKeyed(registry.keyedSemaphores(name, permits, backend)),
                            (Semaphore s) -> s);
            case READ -> GuardGate.keyed(name, mode, timeout, where, keys, asObjectKeyed(registry.keyedReadWriteLocks(name, backend)),
                    (Function<ReadWriteLock, Acquirable>) ReadWriteLock::readLock);
            case WRITE -> GuardGate.keyed(name, mode, timeout, where, keys, asObjectKeyed(registry.keyedReadWriteLocks(name, backend)),
                    (Function<ReadWriteLock, Acquirable>) ReadWriteLock::writeLock);
        };
        return keyed.fenced(fenced);
    }

    private CallGate rateLimitGate(RateLimited limited, Method method, String signature) {
        String name = requireName(limited.value(), "@RateLimited", signature);
        String where = "@RateLimited(\"" + name + "\") on " + signature;
        AnnotationSettings.RateLimitSettings overrides = settings.rateLimits().get(name);
        int limit = overrides != null && overrides.limit() != null ? overrides.limit() : limited.limit();
        if (limit < 1) {
            throw new IllegalStateException(origin("@RateLimited", "limit", limit, signature,
                    overrides != null && overrides.limit() != null ? "signalbox.rate-limits." + name + ".limit" : null)
                    + ": limit must be at least 1");
        }
        Duration per = overrides != null && overrides.per() != null ? overrides.per() : parse(limited.per(), "@RateLimited", "per", signature);
        if (per.isZero() || per.isNegative()) {
            throw new IllegalStateException((overrides != null && overrides.per() != null
                    ? origin("@RateLimited", "per", per, signature, "signalbox.rate-limits." + name + ".per")
                    : "@RateLimited(per = \"" + limited.per() + "\") on " + signature)
                    + ": per must be a positive duration such as \"1s\"");
        }
        Duration timeout = overrides != null && overrides.timeout() != null ? overrides.timeout()
                : parse(limited.timeout().isBlank() ? "0" : limited.timeout(), "@RateLimited", "timeout", signature);
        ClusterPrimitives backend = backendFor(overrides != null && overrides.scope() != null ? overrides.scope() : limited.scope(),
                "@RateLimited", signature,
                overrides != null && overrides.scope() != null ? "signalbox.rate-limits." + name + ".scope" : null);
        if (backend != null) {
            return withContext(where, () -> limited.key().isBlank()
                    ? RateLimitGate.unkeyed(timeout, registry.rateLimiter(name, limit, per, backend))
                    : RateLimitGate.keyed(timeout, asObjectKeyed(registry.keyedRateLimiters(name, limit, per, backend)),
                            KeyExpression.parse(limited.key(), method, where).inStringForm()));
        }
        return withContext(where, () -> limited.key().isBlank()
                ? RateLimitGate.unkeyed(timeout, registry.rateLimiter(name, limit, per))
                : RateLimitGate.keyed(timeout, registry.<Object>keyedRateLimiters(name, limit, per),
                        KeyExpression.parse(limited.key(), method, where)));
    }

    private CallGate barrierGate(dev.signalbox.annotation.Barrier annotation, String signature) {
        String name = requireName(annotation.value(), "@Barrier", signature);
        String where = "@Barrier(\"" + name + "\") on " + signature;
        AnnotationSettings.BarrierSettings overrides = settings.barriers().get(name);
        int parties = overrides != null && overrides.parties() != null ? overrides.parties() : annotation.parties();
        if (parties < 2) {
            throw new IllegalStateException(origin("@Barrier", "parties", parties, signature,
                    overrides != null && overrides.parties() != null ? "signalbox.barriers." + name + ".parties" : null)
                    + ": parties must be at least 2 (a barrier of one party never waits)");
        }
        Duration timeout = overrides != null && overrides.timeout() != null ? overrides.timeout()
                : timeout(annotation.timeout(), "@Barrier", signature);
        ClusterPrimitives backend = backendFor(overrides != null && overrides.scope() != null ? overrides.scope() : annotation.scope(),
                "@Barrier", signature, overrides != null && overrides.scope() != null ? "signalbox.barriers." + name + ".scope" : null);
        return withContext(where, () -> new BarrierGate(backend == null ? registry.barrier(name, parties)
                : registry.barrier(name, parties, backend), timeout));
    }

    /**
     * Where a bad value came from, for messages: {@code @Guarded(permits = 0) on Bank.transfer()}, or the
     * property that overrode the annotation, so the message never blames an attribute the code does not have.
     */
    private static String origin(String annotation, String attribute, Object value, String signature, String property) {
        return property == null ? annotation + "(" + attribute + " = " + value + ") on " + signature
                : property + " = " + value + " (overriding " + annotation + " on " + signature + ")";
    }

    private static String requireName(String name, String annotation, String signature) {
        if (name == null || name.isBlank()) {
            throw new IllegalStateException(annotation + " on " + signature + ": the name (value) is empty; name it, e.g. "
                    + annotation + "(\"accounts\")");
        }
        return name;
    }

    private Duration timeout(String text, String annotation, String signature) {
        return text.isBlank() ? settings.defaultTimeout() : parse(text, annotation, "timeout", signature);
    }

    private static Duration parse(String text, String annotation, String attribute, String signature) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(annotation + "(" + attribute + " = \"" + text + "\") on " + signature + ": " + e.getMessage(), e);
        }
    }

    /**
     * The cluster backend for {@code scope}, or null for a local primitive.
     *
     * @param property the property that set the scope, or null when the annotation did
     * @throws IllegalStateException for {@code CLUSTER} without a backend, naming the method and the dependency
     */
    private ClusterPrimitives backendFor(Scope scope, String annotation, String signature, String property) {
        if (scope != Scope.CLUSTER) {
            return null;
        }
        if (cluster == null) {
            throw new IllegalStateException((property == null ? annotation + "(scope = CLUSTER) on " + signature
                    : property + " = cluster (overriding " + annotation + " on " + signature + ")")
                    + ": cluster scope needs the module signalbox-redis on the classpath (dependency dev.signalbox:signalbox-redis)"
                    + " and a Redis it can reach (no ClusterPrimitives bean is defined); add it, or use Scope.LOCAL");
        }
        return cluster;
    }

    /** A registry of string keys used where keys are objects: cluster key expressions yield only strings. */
    @SuppressWarnings("unchecked")
    private static <P extends dev.signalbox.core.Primitive> KeyedRegistry<Object, P> asObjectKeyed(KeyedRegistry<String, P> registry) {
        return (KeyedRegistry<Object, P>) (KeyedRegistry<?, ?>) registry;
    }

    private static <T> T withContext(String where, Supplier<T> action) {
        try {
            return action.get();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new IllegalStateException(where + ": " + e.getMessage(), e);
        }
    }

    private static GuardInterceptor.ReturnStyle returnStyle(Method method, String signature) {
        Class<?> type = method.getReturnType();
        if (CompletionStage.class.isAssignableFrom(type)) {
            if (!type.isAssignableFrom(CompletableFuture.class)) {
                throw new IllegalStateException("guarded method " + signature + " returns " + type.getSimpleName()
                        + "; declare CompletionStage or CompletableFuture so the guard can hold until it completes");
            }
            return GuardInterceptor.ReturnStyle.FUTURE;
        }
        if (REACTOR_PRESENT && ReactorGuards.isMono(type)) {
            return GuardInterceptor.ReturnStyle.MONO;
        }
        if (REACTOR_PRESENT && ReactorGuards.isFlux(type)) {
            return GuardInterceptor.ReturnStyle.FLUX;
        }
        return GuardInterceptor.ReturnStyle.BLOCKING;
    }

    /** {@code AccountService.transfer(String, String, long)}. */
    static String signature(Class<?> type, Method method) {
        return ClassUtils.getUserClass(type).getSimpleName() + "." + method.getName() + "("
                + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
    }
}

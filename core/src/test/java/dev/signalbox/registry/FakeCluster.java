package dev.signalbox.registry;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Barrier;
import dev.signalbox.core.Lock;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.RateLimiter;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.Semaphore;

/**
 * A stand-in cluster backend that makes what {@link PrimitiveFactory#local()} makes and records what it
 * was asked for ({@link #made}); its locks also say {@link Scope#CLUSTER} and answer {@link ClusterMembers}
 * (one member, or a failure), counting how often they are asked ({@link #membersAsked}).
 */
final class FakeCluster implements ClusterPrimitives {

    private static final PrimitiveFactory LOCAL = PrimitiveFactory.local();

    /** Every call, in order: its kind, name, key (and permits, for a semaphore). */
    final List<String> made = new CopyOnWriteArrayList<>();
    final AtomicInteger membersAsked = new AtomicInteger();
    private final boolean reachable;

    private FakeCluster(boolean reachable) {
        this.reachable = reachable;
    }

    static FakeCluster answering() {
        return new FakeCluster(true);
    }

    static FakeCluster unreachable() {
        return new FakeCluster(false);
    }

    @Override
    public String backend() {
        return "fake";
    }

    @Override
    public Lock lock(String name, String key, PrimitiveListener listener) {
        made.add("lock " + name + " " + key);
        Lock local = LOCAL.lock(name, key, listener);
        ClusterMembers members = () -> {
            membersAsked.incrementAndGet();
            if (!reachable) {
                throw new IllegalStateException("backend down");
            }
            return List.of(new ClusterMembers.Member("instance-" + key, "holder", 1, Instant.EPOCH));
        };
        return (Lock) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Lock.class, ClusterMembers.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == ClusterMembers.class) {
                        return members.members();
                    }
                    if (method.getName().equals("scope") && method.getParameterCount() == 0) {
                        return Scope.CLUSTER;
                    }
                    try {
                        return method.invoke(local, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Override
    public Semaphore semaphore(String name, String key, int permits, PrimitiveListener listener) {
        made.add("semaphore " + name + " " + key + " " + permits);
        return LOCAL.semaphore(name, key, permits, listener);
    }

    @Override
    public ReadWriteLock readWriteLock(String name, String key, PrimitiveListener listener) {
        made.add("read-write lock " + name + " " + key);
        return LOCAL.readWriteLock(name, key, listener);
    }

    @Override
    public RateLimiter rateLimiter(String name, String key, int limit, Duration per, PrimitiveListener listener) {
        made.add("rate limiter " + name + " " + key);
        return LOCAL.rateLimiter(name, key, limit, per, listener);
    }

    @Override
    public Barrier barrier(String name, int parties, PrimitiveListener listener) {
        made.add("barrier " + name);
        return LOCAL.barrier(name, parties, listener);
    }
}

package dev.signalbox.redis.processes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.signalbox.annotation.Barrier;
import dev.signalbox.annotation.Guarded;
import dev.signalbox.annotation.RateLimited;
import dev.signalbox.annotation.Scope;
import dev.signalbox.core.BarrierBrokenException;
import dev.signalbox.core.GuardContext;
import dev.signalbox.core.GuardUnavailableException;
import dev.signalbox.core.RateLimitExceededException;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.redisson.Redisson;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.LongCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

/**
 * A small service run as several processes by {@link ClusterProcessesTest}: cluster-scoped guards
 * around read-modify-write updates kept in Redis, so the test can check them across processes.
 * Each scenario prints what the test needs on lines starting with {@link #OUT}, then exits.
 *
 * <p>The shared state lives in Redis and is reached through a second, plain Redisson client (the
 * "store"), apart from the client Signalbox builds from {@code spring.data.redis.*}.
 */
@SpringBootApplication
public class ClusterApp {

    static final String OUT = "@@ ";

    public static void main(String[] args) throws Exception {
        SpringApplication application = new SpringApplication(ClusterApp.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        int exit;
        try (ConfigurableApplicationContext context = application.run(args)) {
            String scenario = context.getEnvironment().getRequiredProperty("scenario");
            Scenarios scenarios = context.getBean(Scenarios.class);
            report("STARTED " + scenario);
            switch (scenario) {
                case "increment" -> scenarios.increment();
                case "permits" -> scenarios.permits();
                case "rate-limit" -> scenarios.rateLimit();
                case "hold" -> scenarios.holdUntilLost();
                case "hold-briefly" -> scenarios.holdBriefly();
                case "acquire" -> scenarios.acquireAndHold();
                case "outage" -> scenarios.outage();
                case "settle" -> scenarios.settle();
                case "read-write" -> scenarios.readWrite();
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            }
            exit = 0;
        }
        System.exit(exit);
    }

    static void report(String line) {
        System.out.println(OUT + line);
        System.out.flush();
    }

    @Bean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }

    /** Not a RedissonClient bean, so Signalbox builds its own client from spring.data.redis.* and signalbox.redis.lease. */
    @Bean(destroyMethod = "close")
    Store store(@Value("${spring.data.redis.port}") int port) {
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + port).setConnectionMinimumIdleSize(2).setConnectionPoolSize(8);
        return new Store(Redisson.create(config));
    }

    /** The client the scenarios keep their shared state with. */
    record Store(RedissonClient client) implements AutoCloseable {
        @Override
        public void close() {
            client.shutdown();
        }
    }

    /** The guarded methods: each is one step of a scenario. */
    @Service
    public static class Guards {

        /** Writes only when the token is at least the highest seen: a store that honours fencing tokens. */
        private static final String FENCED_WRITE = """
                local seen = tonumber(redis.call('get', KEYS[1]) or '-1')
                if tonumber(ARGV[1]) < seen then return 0 end
                redis.call('set', KEYS[1], ARGV[1])
                return 1""";

        private static final String ENTER = """
                local inside = redis.call('incr', KEYS[1])
                local max = tonumber(redis.call('get', KEYS[2]) or '0')
                if inside > max then redis.call('set', KEYS[2], inside) end
                return inside""";

        private final RedissonClient store;

        Guards(Store store) {
            this.store = store.client();
        }

        /** Read, then write: loses updates unless the guard excludes every other process. */
        @Guarded(value = "counter", scope = Scope.CLUSTER, timeout = "60s")
        public void increment() {
            var counter = store.getBucket("counter", LongCodec.INSTANCE);
            Long value = (Long) counter.get();
            counter.set(value == null ? 1L : value + 1);
        }

        @Guarded(value = "pool", permits = 3, scope = Scope.CLUSTER, timeout = "60s")
        public void usePool() throws InterruptedException {
            script().eval(RScript.Mode.READ_WRITE, ENTER, RScript.ReturnType.LONG, List.of("inside", "max-inside"));
            Thread.sleep(2);
            store.getAtomicLong("inside").decrementAndGet();
        }

        @RateLimited(value = "api", limit = 10, per = "1s", scope = Scope.CLUSTER)
        public void callApi() {
            script().eval(RScript.Mode.READ_WRITE, """
                    local t = redis.call('time')
                    redis.call('rpush', KEYS[1], t[1] * 1000 + math.floor(t[2] / 1000))
                    return 1""", RScript.ReturnType.LONG, List.of("admitted"));
        }

        /**
         * Runs a script on the store once, so that the first admission's timestamp is not delayed by the
         * client's first-use costs (the test bounds admissions by the span of their timestamps).
         */
        public void warmUpStore() {
            script().eval(RScript.Mode.READ_ONLY, "return 1", RScript.ReturnType.LONG, List.of());
        }

        /** Holds the cluster lock until this process learns that its lease was lost, then tries a fenced write. */
        @Guarded(value = "fenced", scope = Scope.CLUSTER, timeout = "60s")
        public void holdUntilLost(MeterRegistry meters) throws InterruptedException {
            long token = GuardContext.fencingToken().orElseThrow(() -> new IllegalStateException("no fencing token inside a cluster lock"));
            report("HOLDING " + token);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (leaseLost(meters) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            report("LOST " + (leaseLost(meters) > 0));
            report("WRITE " + (fencedWrite(token) ? "accepted" : "rejected"));
        }

        /**
         * Holds the cluster lock for about a second of this process's time and returns: paused past its
         * lease meanwhile, it returns within a millisecond or so of being resumed, before any lease check.
         */
        @Guarded(value = "fenced", scope = Scope.CLUSTER, timeout = "60s")
        public void holdBriefly() throws InterruptedException {
            report("HOLDING " + GuardContext.fencingToken().orElseThrow());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < until) {
                Thread.sleep(1);
            }
        }

        /** Takes the cluster lock, writes with its token, holds until the test says finish, writes again. */
        @Guarded(value = "fenced", scope = Scope.CLUSTER, timeout = "60s")
        public void acquireAndHold(MeterRegistry meters) throws InterruptedException {
            OptionalLong token = GuardContext.fencingToken();
            report("ACQUIRED " + token.orElseThrow());
            report("WRITE " + (fencedWrite(token.getAsLong()) ? "accepted" : "rejected"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!store.getBucket("finish").isExists() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            report("FINAL lost=" + leaseLost(meters) + " write=" + (fencedWrite(token.getAsLong()) ? "accepted" : "rejected"));
        }

        /**
         * Moves both halves of a book's balance forward, in two separate writes: a reader that is not
         * excluded by this writer sees them differ.
         */
        @Guarded(value = "ledger", key = "#book", mode = Guarded.Mode.WRITE, scope = Scope.CLUSTER, timeout = "60s")
        public void post(String book) throws InterruptedException {
            var debit = store.getBucket(book + ":debit", LongCodec.INSTANCE);
            Long value = (Long) debit.get();
            long next = value == null ? 1L : value + 1;
            debit.set(next);
            Thread.sleep(1);
            store.getBucket(book + ":credit", LongCodec.INSTANCE).set(next);
        }

        /** True when both halves of the book agree, as they must under a read lock that excludes writers. */
        @Guarded(value = "ledger", key = "#book", mode = Guarded.Mode.READ, scope = Scope.CLUSTER, timeout = "60s")
        public boolean balanced(String book) {
            Object debit = store.getBucket(book + ":debit", LongCodec.INSTANCE).get();
            Object credit = store.getBucket(book + ":credit", LongCodec.INSTANCE).get();
            return java.util.Objects.equals(debit, credit);
        }

        /** Waits for the two other parties of the settlement, across processes. */
        @Barrier(value = "settlement", parties = 3, scope = Scope.CLUSTER, timeout = "60s")
        public void settle() {
        }

        @Guarded(value = "steady", scope = Scope.CLUSTER, timeout = "1s")
        public void steady() throws InterruptedException {
            Thread.sleep(5);
        }

        private boolean fencedWrite(long token) {
            Long written = script().eval(RScript.Mode.READ_WRITE, FENCED_WRITE, RScript.ReturnType.LONG,
                    List.of("fenced-store"), String.valueOf(token));
            return written == 1L;
        }

        private RScript script() {
            return store.getScript(StringCodec.INSTANCE);
        }

        static double leaseLost(MeterRegistry meters) {
            var counter = meters.find("signalbox.lease.lost").tag("name", "fenced").counter();
            return counter == null ? 0 : counter.count();
        }
    }

    /** Drives the guarded methods with several virtual threads and reports the outcome. */
    @Service
    public static class Scenarios {

        private final Guards guards;
        private final MeterRegistry meters;
        private final int threads;
        private final int iterations;
        private final Duration runFor;

        Scenarios(Guards guards, MeterRegistry meters, @Value("${threads:4}") int threads,
                @Value("${iterations:100}") int iterations, @Value("${run-for:3s}") Duration runFor) {
            this.guards = guards;
            this.meters = meters;
            this.threads = threads;
            this.iterations = iterations;
            this.runFor = runFor;
        }

        void increment() throws Exception {
            repeat(guards::increment);
            report("DONE " + threads * iterations);
        }

        void permits() throws Exception {
            repeat(guards::usePool);
            report("DONE " + threads * iterations);
        }

        void rateLimit() throws Exception {
            guards.warmUpStore();
            AtomicLong admitted = new AtomicLong();
            AtomicLong rejected = new AtomicLong();
            long end = System.nanoTime() + runFor.toNanos();
            inParallel(() -> {
                while (System.nanoTime() < end) {
                    try {
                        guards.callApi();
                        admitted.incrementAndGet();
                    } catch (RateLimitExceededException e) {
                        rejected.incrementAndGet();
                        Thread.sleep(Math.max(1, Math.min(50, e.getRetryAfter().toMillis())));
                    }
                }
            });
            report("DONE admitted=" + admitted + " rejected=" + rejected);
        }

        void holdUntilLost() throws InterruptedException {
            guards.holdUntilLost(meters);
            report("RELEASED");
        }

        void holdBriefly() throws InterruptedException {
            guards.holdBriefly();
            report("RETURNED lost=" + Guards.leaseLost(meters));
        }

        void acquireAndHold() throws InterruptedException {
            guards.acquireAndHold(meters);
            report("RELEASED");
        }

        /** Writes and reads two books under their cluster read-write locks; reports writes and torn reads. */
        void readWrite() throws Exception {
            AtomicLong writes = new AtomicLong();
            AtomicLong torn = new AtomicLong();
            AtomicLong reads = new AtomicLong();
            AtomicLong step = new AtomicLong();
            repeat(() -> {
                long n = step.incrementAndGet();
                String book = n % 2 == 0 ? "book-a" : "book-b";
                if (n % 3 == 0) {
                    guards.post(book);
                    writes.incrementAndGet();
                } else {
                    reads.incrementAndGet();
                    if (!guards.balanced(book)) {
                        torn.incrementAndGet();
                    }
                }
            });
            report("DONE writes=" + writes + " reads=" + reads + " torn=" + torn);
        }

        /** Arrives at the cluster barrier once and reports whether its generation was released or broken. */
        void settle() {
            report("ARRIVING");
            try {
                guards.settle();
                report("SETTLED");
            } catch (BarrierBrokenException e) {
                report("BROKEN " + e.getMessage());
            }
        }

        /** Calls a cluster guard without pause while the test stops and restarts Redis; reports every half second. */
        void outage() throws Exception {
            AtomicLong ok = new AtomicLong();
            AtomicLong unavailable = new AtomicLong();
            AtomicLong other = new AtomicLong();
            AtomicLong maxMillis = new AtomicLong();
            long end = System.nanoTime() + runFor.toNanos();
            Thread reporter = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    report("STATS ok=" + ok + " unavailable=" + unavailable + " other=" + other + " maxMillis=" + maxMillis);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            inParallel(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try {
                        guards.steady();
                        ok.incrementAndGet();
                    } catch (GuardUnavailableException e) {
                        unavailable.incrementAndGet();
                        Thread.sleep(20);
                    } catch (RuntimeException e) {
                        other.incrementAndGet();
                        report("OTHER " + e);
                        Thread.sleep(20);
                    }
                    maxMillis.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), Math::max);
                }
            });
            reporter.interrupt();
            report("DONE ok=" + ok + " unavailable=" + unavailable + " other=" + other + " maxMillis=" + maxMillis);
        }

        private void repeat(Step step) throws Exception {
            inParallel(() -> {
                for (int i = 0; i < iterations; i++) {
                    step.run();
                }
            });
        }

        private void inParallel(Step body) throws Exception {
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(executor.submit(() -> {
                        body.run();
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get(120, TimeUnit.SECONDS);
                }
            }
        }
    }

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }
}

package dev.signalbox.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.redis.RedisClusterPrimitives;
import dev.signalbox.redis.RedisClusterSettings;
import dev.signalbox.redis.testing.RedisServer;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RFencedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * A cluster lock on Redis against Redisson's own lock on the same Redis (a redis-server of the
 * benchmark's own, on a free port): uncontended acquire+release next to one plain GET (a round
 * trip), and 64 threads of one JVM on one key, where Signalbox queues its waiters locally, only
 * the head competes in Redis, and a released hold goes to the next local waiter without a Redis
 * round trip (bounded local batching, see {@code RedisLock}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ClusterLockBenchmark {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private RedisServer server;
    private RedissonClient client;
    private RedisClusterPrimitives primitives;
    private RBucket<String> bucket;
    private RLock redissonLock;
    private RFencedLock redissonFencedLock;
    private Lock clusterLock;

    @Setup(Level.Trial)
    public void start() {
        server = RedisServer.start();
        Config config = new Config();
        config.useSingleServer().setAddress(server.uri()).setConnectionPoolSize(64).setConnectionMinimumIdleSize(8);
        client = Redisson.create(config);
        primitives = new RedisClusterPrimitives(client, new RedisClusterSettings("bench:", Duration.ofSeconds(30), "bench", false));
        bucket = client.getBucket("plain", StringCodec.INSTANCE);
        bucket.set("value");
        redissonLock = client.getLock("redisson-lock");
        redissonFencedLock = client.getFencedLock("redisson-fenced-lock");
        clusterLock = primitives.lock("signalbox-lock", null, PrimitiveListener.NONE);
    }

    @TearDown(Level.Trial)
    public void stop() {
        primitives.close();
        client.shutdown();
        server.close();
    }

    /** One round trip: the unit the cluster lock's cost is judged in. */
    @Benchmark
    public String redisGet() {
        return bucket.get();
    }

    @Benchmark
    public void redissonLock() {
        redissonLock.lock();
        redissonLock.unlock();
    }

    /** Redisson's fenced lock, the one Signalbox's cluster lock is built on (its token is an extra INCR in the script). */
    @Benchmark
    public long redissonFencedLock() {
        Long token = redissonFencedLock.lockAndGetToken();
        redissonFencedLock.unlock();
        return token;
    }

    @Benchmark
    public void signalboxClusterLock() throws InterruptedException {
        try (Permit permit = clusterLock.acquire(TIMEOUT)) {
            if (!permit.isHeld()) {
                throw new IllegalStateException("not held");
            }
        }
    }

    @Benchmark
    @Threads(64)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void redissonLockContended64() {
        redissonLock.lock();
        redissonLock.unlock();
    }

    @Benchmark
    @Threads(64)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void signalboxClusterLockContended64() throws InterruptedException {
        try (Permit permit = clusterLock.acquire(TIMEOUT)) {
            if (!permit.isHeld()) {
                throw new IllegalStateException("not held");
            }
        }
    }
}

package dev.signalbox.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import dev.signalbox.core.Lock;
import dev.signalbox.core.Permit;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.redis.RedisClusterPrimitives;
import dev.signalbox.redis.RedisClusterSettings;
import dev.signalbox.redis.testing.RedisServer;

import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RFencedLock;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * The uncontended cluster-lock ratios of {@link ClusterLockBenchmark}, measured interleaved: each
 * round times a block of operations of every contender in turn (a plain GET, Redisson's lock, its
 * fenced lock, Signalbox's cluster lock; the order rotates each round), and a ratio is taken within
 * each round. The figure reported is the median over rounds.
 *
 * <p>Why beside JMH: one uncontended acquire+release is several context switches between this
 * thread, Redisson's event loop and {@code redis-server} on the same cores, so on a shared 2-core
 * machine a JMH iteration of one benchmark can be 50% slower than the next, and JMH measures the
 * contenders one after the other, minutes apart. Within one round they see the same machine, so
 * the per-round ratio is steady where the separate JMH scores are not.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.signalbox.benchmarks.ClusterLockInterleaved [rounds [facts.properties]]}.
 */
public final class ClusterLockInterleaved {

    private static final int OPS_PER_BLOCK = 200;
    private static final int WARMUP_ROUNDS = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ClusterLockInterleaved() {
    }

    /** One contender: an operation to time. */
    private interface Operation {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        try (RedisServer server = RedisServer.start()) {
            Config config = new Config();
            config.useSingleServer().setAddress(server.uri()).setConnectionPoolSize(64).setConnectionMinimumIdleSize(8);
            RedissonClient client = Redisson.create(config);
            RedisClusterPrimitives primitives = new RedisClusterPrimitives(client,
                    new RedisClusterSettings("bench:", Duration.ofSeconds(30), "bench", false));
            try {
                RBucket<String> bucket = client.getBucket("plain", StringCodec.INSTANCE);
                bucket.set("value");
                RLock redissonLock = client.getLock("redisson-lock");
                RFencedLock fencedLock = client.getFencedLock("redisson-fenced-lock");
                Lock clusterLock = primitives.lock("signalbox-lock", null, PrimitiveListener.NONE);
                Map<String, Operation> contenders = new LinkedHashMap<>();
                contenders.put("redisGet", bucket::get);
                contenders.put("redissonLock", () -> {
                    redissonLock.lock();
                    redissonLock.unlock();
                });
                contenders.put("redissonFencedLock", () -> {
                    fencedLock.lockAndGetToken();
                    fencedLock.unlock();
                });
                contenders.put("signalboxClusterLock", () -> {
                    try (Permit permit = clusterLock.acquire(TIMEOUT)) {
                        if (!permit.isHeld()) {
                            throw new IllegalStateException("not held");
                        }
                    }
                });
                Result result = measure(contenders, rounds);
                result.print();
                if (args.length > 1) {
                    Heap.writeFacts(result.facts(), Path.of(args[1]));
                }
            } finally {
                primitives.close();
                client.shutdown();
            }
        }
    }

    /** Per contender, the microseconds per operation of every measured round, in round order. */
    record Result(int rounds, Map<String, double[]> micros) {

        double median(String contender) {
            return ClusterLockInterleaved.median(micros.get(contender));
        }

        /** Median over rounds of {@code numerator / denominator} within the round. */
        double ratio(String numerator, String denominator) {
            double[] a = micros.get(numerator);
            double[] b = micros.get(denominator);
            double[] ratios = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                ratios[i] = a[i] / b[i];
            }
            return ClusterLockInterleaved.median(ratios);
        }

        void print() {
            System.out.printf(Locale.ROOT, "interleaved rounds: %d, %d operations per contender per round%n", rounds, OPS_PER_BLOCK);
            for (String name : micros.keySet()) {
                System.out.printf(Locale.ROOT, "%-22s median %8.1f us/op%n", name, median(name));
            }
            System.out.printf(Locale.ROOT, "signalboxClusterLock / redissonLock: %.2fx; / redissonFencedLock: %.2fx; / redisGet: %.2fx%n",
                    ratio("signalboxClusterLock", "redissonLock"), ratio("signalboxClusterLock", "redissonFencedLock"),
                    ratio("signalboxClusterLock", "redisGet"));
        }

        Properties facts() {
            Properties facts = new Properties();
            facts.setProperty("cluster.rounds", Integer.toString(rounds));
            facts.setProperty("cluster.opsPerBlock", Integer.toString(OPS_PER_BLOCK));
            for (String name : micros.keySet()) {
                facts.setProperty("cluster." + name + ".micros", String.format(Locale.ROOT, "%.1f", median(name)));
            }
            for (String peer : List.of("redissonLock", "redissonFencedLock", "redisGet")) {
                facts.setProperty("cluster.ratio." + peer, String.format(Locale.ROOT, "%.3f", ratio("signalboxClusterLock", peer)));
            }
            return facts;
        }
    }

    static Result measure(Map<String, Operation> contenders, int rounds) throws Exception {
        List<String> names = new ArrayList<>(contenders.keySet());
        Map<String, double[]> micros = new LinkedHashMap<>();
        for (String name : names) {
            micros.put(name, new double[rounds]);
        }
        for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
            int shift = Math.floorMod(round, names.size());
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((i + shift) % names.size());
                Operation operation = contenders.get(name);
                long start = System.nanoTime();
                for (int op = 0; op < OPS_PER_BLOCK; op++) {
                    operation.run();
                }
                double perOp = (System.nanoTime() - start) / 1_000.0 / OPS_PER_BLOCK;
                if (round >= 0) {
                    micros.get(name)[round] = perOp;
                }
            }
        }
        return new Result(rounds, micros);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

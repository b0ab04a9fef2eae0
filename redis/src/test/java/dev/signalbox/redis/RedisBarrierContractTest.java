package dev.signalbox.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.signalbox.core.Barrier;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.contract.BarrierContract;

/**
 * The {@link BarrierContract} for the cluster barrier: every barrier of a test on one instance (one
 * {@link RedisClusterPrimitives}, see {@link RedisContractInstance}). What only a cluster barrier does
 * (generations across instances, a dead instance's party, expiry, outages, the fallback) is in
 * {@link RedisBarrierTest}.
 */
class RedisBarrierContractTest extends BarrierContract {

    @RegisterExtension
    static final RedisContractInstance cluster = RedisContractInstance.onItsOwnServer();

    @Override
    protected Barrier newBarrier(String name, int parties, PrimitiveListener listener) {
        return cluster.primitives().barrier(name, parties, listener);
    }

    /** An async arrival is counted once Redis has run its script, after {@code awaitAsync} returned. */
    @Override
    protected boolean effectsVisibleOnReturn() {
        return false;
    }

    /** Every arrival is a Redis round trip (and every release a message): a tenth of the local runs keeps the suite to seconds. */
    @Override
    protected int iterations(int localCount) {
        return Math.max(20, localCount / 10);
    }
}

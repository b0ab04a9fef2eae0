package dev.signalbox.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Semaphore;
import dev.signalbox.core.contract.SemaphoreContract;

/**
 * The {@link SemaphoreContract} for the cluster semaphore: every semaphore of a test on one instance (one
 * {@link RedisClusterPrimitives}, see {@link RedisContractInstance}). What only a cluster semaphore does (limits and
 * multi-permit requests across instances, crashes) is in {@link RedisSemaphoreTest}.
 */
class RedisSemaphoreContractTest extends SemaphoreContract {

    @RegisterExtension
    static final RedisContractInstance cluster = RedisContractInstance.onItsOwnServer();

    @Override
    protected Semaphore newSemaphore(String name, int permits, PrimitiveListener listener) {
        return cluster.primitives().semaphore(name, null, permits, listener);
    }

    /** A release takes effect once Redis has answered it: the next local caller is admitted after that round trip. */
    @Override
    protected boolean effectsVisibleOnReturn() {
        return false;
    }

    /** Every acquisition and release is a Redis round trip: a tenth of the local runs keeps the suite to seconds. */
    @Override
    protected int iterations(int localCount) {
        return Math.max(20, localCount / 10);
    }
}

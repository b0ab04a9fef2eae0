package dev.signalbox.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.signalbox.core.Lock;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.contract.LockContract;

/**
 * The {@link LockContract} for the cluster lock: every lock of a test on one instance (one
 * {@link RedisClusterPrimitives}, see {@link RedisContractInstance}). What only a cluster lock does (exclusion and
 * fencing across instances, leases, crashes, members) is in {@link RedisLockTest}.
 */
class RedisLockContractTest extends LockContract {

    @RegisterExtension
    static final RedisContractInstance cluster = RedisContractInstance.onItsOwnServer();

    @Override
    protected Lock newLock(String name, PrimitiveListener listener) {
        return cluster.primitives().lock(name, null, listener);
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

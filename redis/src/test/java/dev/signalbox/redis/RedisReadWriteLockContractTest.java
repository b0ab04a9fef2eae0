package dev.signalbox.redis;

import org.junit.jupiter.api.extension.RegisterExtension;

import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.ReadWriteLock;
import dev.signalbox.core.contract.ReadWriteLockContract;

/**
 * The {@link ReadWriteLockContract} for the cluster read-write lock: every lock of a test on one instance (one
 * {@link RedisClusterPrimitives}, see {@link RedisContractInstance}). What only a cluster read-write lock does (sharing,
 * exclusion and fencing across instances, no writer preference across them, members) is in {@link RedisReadWriteLockTest}.
 */
class RedisReadWriteLockContractTest extends ReadWriteLockContract {

    @RegisterExtension
    static final RedisContractInstance cluster = RedisContractInstance.onItsOwnServer();

    @Override
    protected ReadWriteLock newReadWriteLock(String name, PrimitiveListener listener) {
        return cluster.primitives().readWriteLock(name, null, listener);
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

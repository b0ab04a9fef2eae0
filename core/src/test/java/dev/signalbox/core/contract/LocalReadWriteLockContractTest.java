package dev.signalbox.core.contract;

import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.ReadWriteLock;

/** The {@link ReadWriteLockContract} for the local read-write lock. */
class LocalReadWriteLockContractTest extends ReadWriteLockContract {

    @Override
    protected ReadWriteLock newReadWriteLock(String name, PrimitiveListener listener) {
        return ReadWriteLock.create(name, listener);
    }
}

package dev.signalbox.core.contract;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.core.Fairness;
import dev.signalbox.core.Lock;
import dev.signalbox.core.PrimitiveListener;

/** The {@link LockContract} for the local lock, in both orderings (what differs between them is in FairnessTest). */
@ParameterizedClass
@EnumSource(Fairness.class)
class LocalLockContractTest extends LockContract {

    private final Fairness fairness;

    LocalLockContractTest(Fairness fairness) {
        this.fairness = fairness;
    }

    @Override
    protected Lock newLock(String name, PrimitiveListener listener) {
        return Lock.create(name, fairness, listener);
    }
}

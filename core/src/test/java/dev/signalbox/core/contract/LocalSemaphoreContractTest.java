package dev.signalbox.core.contract;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import dev.signalbox.core.Fairness;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Semaphore;

/** The {@link SemaphoreContract} for the local semaphore, in both orderings (what differs between them is in FairnessTest). */
@ParameterizedClass
@EnumSource(Fairness.class)
class LocalSemaphoreContractTest extends SemaphoreContract {

    private final Fairness fairness;

    LocalSemaphoreContractTest(Fairness fairness) {
        this.fairness = fairness;
    }

    @Override
    protected Semaphore newSemaphore(String name, int permits, PrimitiveListener listener) {
        return Semaphore.create(name, permits, fairness, listener);
    }
}

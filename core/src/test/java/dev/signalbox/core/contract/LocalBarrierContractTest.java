package dev.signalbox.core.contract;

import dev.signalbox.core.Barrier;
import dev.signalbox.core.PrimitiveListener;

/** The {@link BarrierContract} for the local barrier. */
class LocalBarrierContractTest extends BarrierContract {

    @Override
    protected Barrier newBarrier(String name, int parties, PrimitiveListener listener) {
        return Barrier.create(name, parties, listener);
    }
}

package dev.signalbox.core;

/**
 * Tells several listeners of every event, in order. Plain loops over an array: a capturing lambda
 * per event would allocate on the hot path. Made by {@link PrimitiveListener#composite}.
 */
final class CompositePrimitiveListener implements PrimitiveListener {

    private final PrimitiveListener[] all;

    CompositePrimitiveListener(PrimitiveListener[] all) {
        this.all = all;
    }

    @Override
    public void onArrival(Primitive primitive) {
        for (PrimitiveListener l : all) {
            l.onArrival(primitive);
        }
    }

    @Override
    public void onWaitEnded(Primitive primitive, long waitNanos, Outcome outcome) {
        for (PrimitiveListener l : all) {
            l.onWaitEnded(primitive, waitNanos, outcome);
        }
    }

    @Override
    public void onReleased(Primitive primitive, long holdNanos) {
        for (PrimitiveListener l : all) {
            l.onReleased(primitive, holdNanos);
        }
    }

    @Override
    public void onLeaseLost(Primitive primitive) {
        for (PrimitiveListener l : all) {
            l.onLeaseLost(primitive);
        }
    }
}

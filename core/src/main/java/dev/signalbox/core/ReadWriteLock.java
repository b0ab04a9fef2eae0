package dev.signalbox.core;

/**
 * A writer-preferring read-write lock: readers share it, a writer holds it alone. Each side is an
 * {@link Acquirable} ({@link #readLock()}, {@link #writeLock()}) whose {@link Permit} ends the hold.
 *
 * <p><b>Ordering.</b> Callers who cannot enter at once wait in one FIFO queue, readers and writers
 * together, and are served from its head:
 * <ul>
 * <li>a writer at the head enters as soon as every holder (readers or writer) has left;</li>
 * <li>a reader at the head enters as soon as no writer holds the lock, and every reader queued
 *     directly behind it, up to the next queued writer, enters with it.</li>
 * </ul>
 * A reader enters without queueing only when no writer holds the lock <em>and nobody waits</em>;
 * so once a writer waits, no reader arriving after it overtakes it, and {@code readLock().tryAcquire()}
 * returns {@code null}. So nobody waits for a caller that arrived after it, which gives two
 * guarantees: a writer waits only until the readers and writers that arrived before it have left or
 * given up (a stream of readers cannot starve it), and readers queued behind a writer enter
 * together right after that writer leaves, before any writer that arrived after them (a stream of
 * writers cannot starve them either). {@code writeLock().tryAcquire()} succeeds only when nobody
 * holds the lock and nobody waits.
 *
 * <p><b>Timeouts, interrupts and cancellation.</b> A wait that times out, is interrupted or whose
 * future is cancelled leaves the queue holding nothing and releases nothing. If it was a writer at
 * the head of the queue, the readers it was holding back enter at once (when no writer holds the
 * lock). If a grant races the cancellation, the permit is either never granted or handed over in the
 * future, never lost.
 *
 * <p><b>Memory.</b> Actions before the {@code close()} of a write permit happen-before every later
 * read or write acquisition; actions before the {@code close()} of a read permit happen-before the
 * next write acquisition.
 *
 * <p><b>Not reentrant</b>, and no upgrade or downgrade: a reader that asks for the read lock again
 * while a writer waits queues behind that writer and deadlocks with it; a reader that asks for the
 * write lock waits for itself. Release the held side first.
 *
 * <p><b>Snapshot.</b> {@code waiting} counts queued readers and writers; {@code active} is the
 * number of readers holding the lock, or 1 while a writer holds it; {@code capacity} is 0, as the
 * number of readers has no limit. When instrumented, holders are listed with their thread and side,
 * e.g. {@code "worker-1 (read)"}.
 */
public interface ReadWriteLock extends Primitive {

    /** An uninstrumented read-write lock. */
    static ReadWriteLock create(String name) {
        return new LocalReadWriteLock(name, PrimitiveListener.NONE);
    }

    /**
     * A read-write lock reporting to {@code listener}: arrivals, wait ends and releases of both
     * sides, each reported with this lock as the primitive.
     */
    static ReadWriteLock create(String name, PrimitiveListener listener) {
        return new LocalReadWriteLock(name, listener);
    }

    @Override
    default Kind kind() {
        return Kind.READ_WRITE_LOCK;
    }

    /** The shared side; its {@code name()} is this lock's name and its {@code kind()} {@link Kind#READ_WRITE_LOCK}. */
    Acquirable readLock();

    /** The exclusive side; its {@code name()} is this lock's name and its {@code kind()} {@link Kind#READ_WRITE_LOCK}. */
    Acquirable writeLock();

    /** True while a writer holds the lock. */
    boolean isWriteLocked();

    /** How many readers hold the lock now. */
    int readHolders();
}

package dev.signalbox.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import dev.signalbox.testing.Threads;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cancelling an async condition wait: the future ends cancelled, the wait leaves the condition, the
 * lock is re-acquired for the caller's permit (so closing it frees the lock), and a signal the
 * cancelled wait had already received passes to the next waiter (asyncio 3.13, gh-112202). Each
 * race runs the cancellation on this thread and the signal on another, many times; every wait is
 * bounded, so a lost signal fails the test instead of hanging it.
 */
@ParameterizedClass
@EnumSource(Fairness.class)
class ConditionCancellationTest {

    private static final int RACES = 2_000;

    private final Lock lock;
    private final Condition notEmpty;

    ConditionCancellationTest(Fairness fairness) {
        this.lock = Lock.create("inventory", fairness, PrimitiveListener.NONE);
        this.notEmpty = lock.newCondition("not-empty");
    }

    @AfterEach
    void lockFreeAndNoWaiterLeft() throws InterruptedException {
        Threads.awaitTrue("the lock is free once every permit is closed", () -> !lock.isLocked());
        assertThat(notEmpty.snapshot().waiting()).as("condition waiters left behind").isZero();
        assertThat(lock.snapshot().waiting()).as("lock waiters left behind").isZero();
    }

    /** The two async forms of waiting, each started with the lock held through {@code held}. */
    enum Form {
        AWAIT_ASYNC {
            @Override
            CompletableFuture<Boolean> start(Condition condition, Permit held, BooleanSupplier ready) {
                return condition.awaitAsync(held, Durations.FOREVER);
            }
        },
        WAIT_FOR_ASYNC {
            @Override
            CompletableFuture<Boolean> start(Condition condition, Permit held, BooleanSupplier ready) {
                return condition.waitForAsync(held, ready, Durations.FOREVER);
            }
        };

        abstract CompletableFuture<Boolean> start(Condition condition, Permit held, BooleanSupplier ready);
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void cancellingAPendingWaitWhileTheLockIsFreeCancelsIt(Form form) throws Exception {
        Permit held = lock.acquire(Threads.BOUND);
        CompletableFuture<Boolean> wait = form.start(notEmpty, held, () -> false);
        assertThat(lock.isLocked()).as("the wait frees the lock").isFalse();

        assertThat(wait.cancel(false)).isTrue();
        assertThat(wait.isCancelled()).isTrue();
        assertThat(notEmpty.snapshot().waiting()).as("the wait left the condition").isZero();

        held.close(); // the caller's try-with-resources: the lock was re-acquired for it, and is freed again
        Threads.awaitTrue("lock free", () -> !lock.isLocked());
        try (Permit again = lock.acquire(Threads.BOUND)) {
            assertThat(again.isHeld()).isTrue();
        }
    }

    @Test
    void cancellingAWaitForAsyncWithdrawsItsWaitSoTheNextSignalWakesTheWaiterBehind() throws Exception {
        AtomicBoolean ready = new AtomicBoolean();
        Permit first = lock.acquire(Threads.BOUND);
        CompletableFuture<Boolean> cancelled = notEmpty.waitForAsync(first, ready::get, Durations.FOREVER);
        Permit second = lock.acquire(Threads.BOUND);
        CompletableFuture<Boolean> live = notEmpty.awaitAsync(second, Durations.FOREVER);

        assertThat(cancelled.cancel(false)).isTrue();
        first.close();
        assertThat(notEmpty.snapshot().waiting()).as("only the live waiter is left").isEqualTo(1);

        try (Permit signaller = lock.acquire(Threads.BOUND)) {
            ready.set(true);
            notEmpty.signal();
        }
        assertThat(live.get(Threads.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        second.close();
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void aWaitSignalledThenCancelledWhileItReacquiresTheLockPassesTheSignalOn(Form form) throws Exception {
        AtomicBoolean ready = new AtomicBoolean();
        Permit first = lock.acquire(Threads.BOUND);
        CompletableFuture<Boolean> cancelled = form.start(notEmpty, first, ready::get);
        Permit second = lock.acquire(Threads.BOUND);
        CompletableFuture<Boolean> live = notEmpty.awaitAsync(second, Durations.FOREVER);

        try (Permit signaller = lock.acquire(Threads.BOUND)) {
            ready.set(true);
            notEmpty.signal(); // the first waiter is signalled, and queues for the lock held here
            assertThat(notEmpty.snapshot().waiting()).isEqualTo(1);
            assertThat(cancelled.cancel(false)).isTrue();
            first.close(); // takes effect once the lock has been re-acquired for it
        }
        assertThat(live.get(Threads.BOUND.toSeconds(), TimeUnit.SECONDS))
                .as("the signal the cancelled wait had received reaches the waiter behind it").isTrue();
        second.close();
    }

    /** The blocking form cannot be cancelled once signalled: an interrupt that comes after the signal keeps it. */
    @Test
    void aBlockingWaiterInterruptedAfterItsSignalReturnsSignalledWithItsInterruptStatusSet() throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try (Permit held = lock.acquire(Threads.BOUND)) {
                boolean signalled = notEmpty.await(held, Threads.BOUND);
                result.set(signalled && Thread.interrupted() && lock.isHeldByCurrentThread());
            } catch (Throwable t) {
                result.set(t);
            }
        });
        Threads.awaitTrue("waiter parked on the condition", () -> notEmpty.snapshot().waiting() == 1);
        try (Permit signaller = lock.acquire(Threads.BOUND)) {
            notEmpty.signal();
            waiter.interrupt(); // it is re-acquiring the lock, held here
        }
        assertThat(waiter.join(Threads.BOUND)).isTrue();
        assertThat(result.get()).isEqualTo(true);
    }

    /**
     * One signal, one cancellation, on two threads: either the cancelled wait had already returned
     * with the signal, or the signal reaches the live waiter behind it; never both, never neither.
     */
    @ParameterizedTest
    @EnumSource(Form.class)
    void aCancellationRacingASignalNeitherLosesNorDuplicatesIt(Form form) throws Exception {
        for (int i = 0; i < RACES; i++) {
            AtomicBoolean ready = new AtomicBoolean();
            Permit first = lock.acquire(Threads.BOUND);
            CompletableFuture<Boolean> raced = form.start(notEmpty, first, ready::get);
            Permit second = lock.acquire(Threads.BOUND);
            CompletableFuture<Boolean> live = notEmpty.awaitAsync(second, Durations.FOREVER);
            Thread signaller = startSignaller(ready);

            boolean cancelled = raced.cancel(false);
            assertThat(raced.isCancelled()).isEqualTo(cancelled);
            if (cancelled) {
                first.close();
            } else {
                assertThat(raced.getNow(null)).as("a wait that was not cancelled returned signalled").isTrue();
                assertThat(live).as("one signal wakes one waiter").isNotDone();
                notEmpty.signal(); // the raced wait holds the lock again
                first.close();
            }
            assertThat(live.get(Threads.BOUND.toSeconds(), TimeUnit.SECONDS)).as("race " + i).isTrue();
            second.close();
            awaitSignaller(signaller);
            Threads.awaitTrue("lock free after race " + i, () -> !lock.isLocked());
            assertThat(notEmpty.snapshot().waiting()).isZero();
        }
    }

    /**
     * A cancellation racing a signaller that has yet to take the lock: the lock is often free when
     * the cancellation lands. Either the wait is cancelled, or it returned with the signal.
     */
    @ParameterizedTest
    @EnumSource(Form.class)
    void aCancellationRacingASignallerEitherCancelsTheWaitOrItReturnsSignalled(Form form) throws Exception {
        for (int i = 0; i < RACES; i++) {
            AtomicBoolean ready = new AtomicBoolean();
            Permit held = lock.acquire(Threads.BOUND);
            CompletableFuture<Boolean> raced = form.start(notEmpty, held, ready::get);
            Thread signaller = startSignaller(ready);

            boolean cancelled = raced.cancel(false);
            assertThat(raced.isCancelled()).as("race " + i + ": cancel() returned " + cancelled).isEqualTo(cancelled);
            if (!cancelled) {
                assertThat(raced.get(Threads.BOUND.toSeconds(), TimeUnit.SECONDS))
                        .as("race " + i + ": a wait that was not cancelled returned signalled").isTrue();
            }
            held.close();
            awaitSignaller(signaller);
            Threads.awaitTrue("lock free after race " + i, () -> !lock.isLocked());
            assertThat(notEmpty.snapshot().waiting()).isZero();
        }
    }

    private final AtomicReference<Throwable> signallerFailure = new AtomicReference<>();

    /** Starts a thread that takes the lock, makes the predicate true and signals once. */
    private Thread startSignaller(AtomicBoolean ready) {
        CountDownLatch started = new CountDownLatch(1);
        Thread signaller = Thread.ofPlatform().daemon(true).start(() -> {
            started.countDown();
            try (Permit held = lock.acquire(Threads.BOUND)) {
                ready.set(true);
                notEmpty.signal();
            } catch (Throwable t) {
                signallerFailure.compareAndSet(null, t);
            }
        });
        try {
            started.await(Threads.BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return signaller;
    }

    private void awaitSignaller(Thread signaller) throws InterruptedException {
        assertThat(signaller.join(Threads.BOUND)).as("signaller finished").isTrue();
        assertThat(signallerFailure.get()).isNull();
    }
}

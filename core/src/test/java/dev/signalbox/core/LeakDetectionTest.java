package dev.signalbox.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.signalbox.testing.Threads;

import static org.assertj.core.api.Assertions.assertThat;

class LeakDetectionTest {

    private final List<String> leaks = new CopyOnWriteArrayList<>();

    @BeforeEach
    void trackEveryPermit() {
        LeakDetection.setMode(LeakDetection.Mode.ALL);
        LeakDetection.setLeakListener((name, kind, acquiredAt) -> leaks.add(kind.tag() + " " + name + "\n" + acquiredAt));
    }

    @AfterEach
    void restoreDefaults() {
        LeakDetection.setMode(LeakDetection.Mode.SAMPLED);
        LeakDetection.setLeakListener(null);
    }

    @Test
    void aPermitDroppedWhileHeldIsReportedWithWhereItWasAcquired() throws Exception {
        Lock lock = Lock.create("forgotten");
        acquireAndForget(lock);
        Threads.awaitTrue("leak reported", () -> {
            System.gc();
            return !leaks.isEmpty();
        });
        assertThat(leaks).singleElement().satisfies(report -> {
            assertThat(report).startsWith("lock forgotten");
            assertThat(report).contains("LeakDetectionTest.acquireAndForget");
        });
        assertThat(lock.isLocked()).as("a leak is reported, not silently released").isTrue();
    }

    @Test
    void closedPermitsAreNeverReported() throws Exception {
        Semaphore semaphore = Semaphore.create("tidy", 2);
        for (int i = 0; i < 1_000; i++) {
            semaphore.acquire().close();
            semaphore.acquireAsync().join().close();
        }
        Lock canary = Lock.create("canary");
        acquireAndForget(canary);
        // Once the canary's leak is reported, the collector has processed the earlier permits too.
        Threads.awaitTrue("canary reported", () -> {
            System.gc();
            return !leaks.isEmpty();
        });
        assertThat(leaks).allSatisfy(report -> assertThat(report).startsWith("lock canary"));
    }

    private static void acquireAndForget(Lock lock) throws InterruptedException {
        lock.acquire();
    }
}

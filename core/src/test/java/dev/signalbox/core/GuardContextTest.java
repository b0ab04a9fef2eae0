package dev.signalbox.core;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.signalbox.spi.FencingScope;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class GuardContextTest {

    @Test
    void emptyOutsideAnyFencedBody() {
        assertThat(GuardContext.fencingToken()).isEmpty();
    }

    @Test
    void innermostTokenWinsAndTheOuterOneComesBackAfterIt() {
        try (FencingScope.Frame outer = FencingScope.enter(7)) {
            assertThat(GuardContext.fencingToken()).isEqualTo(OptionalLong.of(7));
            try (FencingScope.Frame inner = FencingScope.enter(42)) {
                assertThat(GuardContext.fencingToken()).isEqualTo(OptionalLong.of(42));
            }
            assertThat(GuardContext.fencingToken()).isEqualTo(OptionalLong.of(7));
        }
        assertThat(GuardContext.fencingToken()).isEmpty();
    }

    @Test
    void anotherThreadDoesNotSeeThisThreadsToken() throws Exception {
        try (FencingScope.Frame frame = FencingScope.enter(3)) {
            OptionalLong elsewhere = CompletableFuture.supplyAsync(GuardContext::fencingToken,
                    r -> Thread.ofVirtual().start(r)).get(5, TimeUnit.SECONDS);
            assertThat(elsewhere).isEmpty();
            assertThat(GuardContext.fencingToken()).isEqualTo(OptionalLong.of(3));
        }
    }
}

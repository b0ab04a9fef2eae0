package dev.signalbox.spring;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.registry.SignalboxRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Publisher;
import org.springframework.context.support.GenericApplicationContext;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guarded methods on plain Spring (no Boot): the post-processor proxies the bean, and reactive
 * return types hold their guard per subscription, through Spring's reactive adapters.
 */
@Timeout(30)
class GuardInterceptorTest {

    private final SignalboxRegistry registry = SignalboxRegistry.uninstrumented();
    private GenericApplicationContext context;
    private Streams streams;

    @BeforeEach
    void start() {
        context = new GenericApplicationContext();
        context.registerBean(SignalboxAnnotationPostProcessor.class, () -> new SignalboxAnnotationPostProcessor(() -> registry,
                () -> AnnotationSettings.withDefaultTimeout(Duration.ofSeconds(5)), () -> null));
        context.registerBean(Streams.class);
        context.refresh();
        streams = context.getBean(Streams.class);
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void aMonoStaysAMonoAndAFluxAFluxAndTheGuardIsHeldOnlyWhileSubscribed() throws Exception {
        Mono<String> mono = streams.mono("one");
        assertThat(lock().isLocked()).as("nothing happens before subscription").isFalse();
        assertThat(mono.block(Duration.ofSeconds(5))).isEqualTo("one");
        Flux<Integer> flux = streams.flux(List.of(1, 2, 3));
        assertThat(flux.collectList().block(Duration.ofSeconds(5))).containsExactly(1, 2, 3);
        assertThat(flux.collectList().block(Duration.ofSeconds(5))).as("each subscription is its own call").containsExactly(1, 2, 3);
        assertThat(streams.calls()).isEqualTo(3);
        assertThat(lock().isLocked()).isFalse();
    }

    @Test
    void aPublisherHoldsTheGuardUntilItTerminatesOrIsCancelled() throws Exception {
        Sinks.Many<Integer> sink = Sinks.many().unicast().onBackpressureBuffer();
        CompletableFuture<List<Integer>> items = Flux.from(streams.publisher(sink)).collectList().toFuture();
        sink.tryEmitNext(1);
        assertThat(lock().isLocked()).as("held while the publisher runs").isTrue();
        assertThatThrownBy(() -> Flux.from(streams.publisher(Sinks.many().unicast().onBackpressureBuffer())).blockLast())
                .as("a second subscriber times out at once").isInstanceOf(GuardTimeoutException.class);
        sink.tryEmitComplete();
        assertThat(items.get(5, TimeUnit.SECONDS)).containsExactly(1);
        assertThat(lock().isLocked()).isFalse();

        Disposable cancelled = Flux.from(streams.publisher(Sinks.many().unicast().onBackpressureBuffer())).subscribe();
        assertThat(lock().isLocked()).isTrue();
        cancelled.dispose();
        assertThat(lock().isLocked()).as("released on cancel").isFalse();
    }

    private dev.signalbox.core.Lock lock() {
        return registry.lock("streams");
    }

    public static class Streams {
        private int calls;

        public int calls() {
            return calls;
        }

        @Guarded(value = "streams", timeout = "0")
        public Mono<String> mono(String value) {
            calls++;
            return Mono.just(value);
        }

        @Guarded(value = "streams", timeout = "0")
        public Flux<Integer> flux(List<Integer> values) {
            calls++;
            return Flux.fromIterable(values);
        }

        @Guarded(value = "streams", timeout = "0")
        public Publisher<Integer> publisher(Sinks.Many<Integer> sink) {
            return sink.asFlux();
        }
    }
}

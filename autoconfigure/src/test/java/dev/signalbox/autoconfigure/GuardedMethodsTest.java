package dev.signalbox.autoconfigure;

import dev.signalbox.registry.Registration;
import dev.signalbox.registry.SignalboxRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.signalbox.annotation.Guarded;
import dev.signalbox.testing.Threads.Call;
import dev.signalbox.testing.Threads;
import dev.signalbox.testing.Threads.Flavor;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static dev.signalbox.testing.Threads.BOUND;
import static dev.signalbox.testing.Threads.await;
import static dev.signalbox.testing.Threads.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code @Guarded} methods on Spring beans, end to end: auto-configuration, proxies, registry, real threads. */
class GuardedMethodsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SignalboxAutoConfiguration.class))
            .withUserConfiguration(Services.class);

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void mutualExclusionKeepsANonAtomicCounterExact(Flavor flavor) {
        int threads = flavor == Flavor.VIRTUAL ? 200 : 16;
        int calls = flavor == Flavor.VIRTUAL ? 50 : 500;
        runner.run(ctx -> {
            Counter counter = ctx.getBean(Counter.class);
            Threads.runConcurrently(flavor, threads, i -> {
                for (int c = 0; c < calls; c++) {
                    counter.increment();
                }
            });
            assertThat(counter.value()).isEqualTo(threads * calls);
            assertThat(snapshot(ctx.getBean(SignalboxRegistry.class), "counter").active()).isZero();
        });
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void permitsAdmitExactlyThatManyAtOnce(Flavor flavor) {
        runner.run(ctx -> {
            Pool pool = ctx.getBean(Pool.class);
            SignalboxRegistry registry = ctx.getBean(SignalboxRegistry.class);
            List<Call> calls = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                calls.add(Threads.call(flavor, x -> pool.work()));
            }
            await(pool.threeInside(), "three callers inside a guard of 3 permits");
            awaitTrue("the other three waiting", () -> snapshot(registry, "pool").waiting() == 3);
            assertThat(pool.inside().get()).isEqualTo(3);
            assertThat(snapshot(registry, "pool").active()).isEqualTo(3);
            pool.release().countDown();
            for (Call call : calls) {
                call.joinSuccessfully();
            }
            assertThat(pool.maxInside().get()).isEqualTo(3);
            assertThat(pool.done().get()).isEqualTo(6);
            assertThat(snapshot(registry, "pool").active()).isZero();
        });
    }

    @Test
    void readersRunTogetherAndAWriterRunsAlone() {
        runner.run(ctx -> {
            Catalog catalog = ctx.getBean(Catalog.class);
            SignalboxRegistry registry = ctx.getBean(SignalboxRegistry.class);
            // Two readers inside at once: each waits (bounded) for the other to be inside too.
            CountDownLatch bothInside = new CountDownLatch(2);
            CountDownLatch releaseReaders = new CountDownLatch(1);
            Call reader1 = Threads.call(Flavor.VIRTUAL, x -> catalog.read(bothInside, releaseReaders));
            Call reader2 = Threads.call(Flavor.PLATFORM, x -> catalog.read(bothInside, releaseReaders));
            await(bothInside, "two readers inside together");
            // A writer waits while readers hold.
            CountDownLatch writerInside = new CountDownLatch(1);
            CountDownLatch releaseWriter = new CountDownLatch(1);
            Call writer = Threads.call(Flavor.VIRTUAL, x -> catalog.write(writerInside, releaseWriter));
            awaitTrue("writer waiting", () -> snapshot(registry, "catalog").waiting() == 1);
            assertThat(writerInside.getCount()).isEqualTo(1);
            releaseReaders.countDown();
            reader1.joinSuccessfully();
            reader2.joinSuccessfully();
            await(writerInside, "writer inside once the readers left");
            // A reader waits while the writer holds.
            CountDownLatch lateReaderInside = new CountDownLatch(1);
            CountDownLatch releaseLateReader = new CountDownLatch(1);
            releaseLateReader.countDown();
            Call lateReader = Threads.call(Flavor.VIRTUAL, x -> {
                lateReaderInside.countDown();
                catalog.read(new CountDownLatch(0), releaseLateReader);
                assertThat(catalog.writerInside().get()).isZero();
            });
            await(lateReaderInside, "late reader started");
            awaitTrue("reader waiting behind the writer", () -> snapshot(registry, "catalog").waiting() == 1);
            assertThat(catalog.readersInside().get()).isZero();
            releaseWriter.countDown();
            writer.joinSuccessfully();
            lateReader.joinSuccessfully();
            assertThat(catalog.maxReadersWithWriter().get()).isZero();
        });
    }

    @Test
    void distinctKeysRunConcurrentlyTheSameKeyExcludesAndIdleKeysAreEvicted() {
        runner.run(ctx -> {
            PerKey perKey = ctx.getBean(PerKey.class);
            SignalboxRegistry registry = ctx.getBean(SignalboxRegistry.class);
            CountDownLatch aInside = new CountDownLatch(1);
            CountDownLatch bInside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Call a = Threads.call(Flavor.VIRTUAL, x -> perKey.hold("a", aInside, release));
            Call b = Threads.call(Flavor.PLATFORM, x -> perKey.hold("b", bInside, release));
            await(aInside, "key a held");
            await(bInside, "key b held while a is held");
            CountDownLatch secondAInside = new CountDownLatch(1);
            CountDownLatch releaseSecondA = new CountDownLatch(1);
            Call secondA = Threads.call(Flavor.VIRTUAL, x -> perKey.hold("a", secondAInside, releaseSecondA));
            awaitTrue("second caller of key a waiting", () -> snapshot(registry, "per-key").waiting() == 1);
            assertThat(secondAInside.getCount()).isEqualTo(1);
            assertThat(keyedSize(registry, "per-key")).isEqualTo(2);
            release.countDown();
            a.joinSuccessfully();
            b.joinSuccessfully();
            await(secondAInside, "second caller of key a inside once the first left");
            releaseSecondA.countDown();
            secondA.joinSuccessfully();
            assertThat(keyedSize(registry, "per-key")).isZero();

            // Many distinct keys through many threads: memory returns to nothing.
            CountDownLatch open = new CountDownLatch(0);
            Threads.runConcurrently(Flavor.VIRTUAL, 500, i -> perKey.hold("k" + (i % 50), new CountDownLatch(1), open));
            assertThat(keyedSize(registry, "per-key")).isZero();
            assertThat(snapshot(registry, "per-key").active()).isZero();
        });
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void oppositeOrderMultiKeyCallsNeitherDeadlockNorLoseUpdates(Flavor flavor) {
        int threads = flavor == Flavor.VIRTUAL ? 64 : 8;
        int transfers = flavor == Flavor.VIRTUAL ? 200 : 1000;
        runner.run(ctx -> {
            Accounts accounts = ctx.getBean(Accounts.class);
            Threads.runConcurrently(flavor, threads, i -> {
                for (int t = 0; t < transfers; t++) {
                    // Half the threads move a->b then b->c, the other half the opposite ways.
                    if (i % 2 == 0) {
                        accounts.transfer("a", "b", 1);
                        accounts.transfer("b", "c", 1);
                    } else {
                        accounts.transfer("b", "a", 1);
                        accounts.transfer("c", "b", 1);
                    }
                }
            });
            assertThat(accounts.balances()).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1_000_000L, "b", 1_000_000L, "c", 1_000_000L));
            // The same key twice is one key, not a wait for itself.
            Call selfTransfer = Threads.call(flavor, x -> accounts.transfer("a", "a", 5));
            selfTransfer.joinSuccessfully();
            assertThat(accounts.balances()).containsEntry("a", 1_000_000L);
            assertThat(keyedSize(ctx.getBean(SignalboxRegistry.class), "accounts")).isZero();
        });
    }

    @Test
    void aTimedOutCallFailsWithoutDisturbingTheHolder() {
        runner.run(ctx -> {
            Slow slow = ctx.getBean(Slow.class);
            SignalboxRegistry registry = ctx.getBean(SignalboxRegistry.class);
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Call holder = Threads.call(Flavor.VIRTUAL, x -> slow.hold(inside, release));
            await(inside, "holder inside");
            assertThatThrownBy(slow::tryBriefly).isInstanceOf(GuardTimeoutException.class);
            assertThat(slow.briefCalls().get()).isZero();
            assertThat(snapshot(registry, "slow").active()).isEqualTo(1);
            assertThat(snapshot(registry, "slow").waiting()).isZero();
            release.countDown();
            holder.joinSuccessfully();
            assertThat(slow.holdsCompleted().get()).isEqualTo(1);
            slow.tryBriefly();
            assertThat(slow.briefCalls().get()).isEqualTo(1);
            assertThat(snapshot(registry, "slow").active()).isZero();
        });
    }

    @Test
    void reEntryThroughAnotherBeanOrSelfInjectionDoesNotDeadlock() {
        runner.run(ctx -> {
            Outer outer = ctx.getBean(Outer.class);
            SignalboxRegistry registry = ctx.getBean(SignalboxRegistry.class);
            // Inner methods time out after 1s: a self-deadlock would surface as GuardTimeoutException.
            Call viaOtherBean = Threads.call(Flavor.VIRTUAL, x -> assertThat(outer.viaInnerBean()).isEqualTo("inner"));
            viaOtherBean.joinSuccessfully();
            Call viaSelf = Threads.call(Flavor.PLATFORM, x -> assertThat(outer.viaSelf("k")).isEqualTo("self:k"));
            viaSelf.joinSuccessfully();
            assertThat(snapshot(registry, "reentrant").active()).isZero();
            assertThat(keyedSize(registry, "reentrant-keyed")).isZero();
            // And the guard is really held by the outer call: another thread cannot get in meanwhile.
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Call holder = Threads.call(Flavor.VIRTUAL, x -> outer.holdThenReenter(inside, release));
            await(inside, "outer holding");
            assertThatThrownBy(() -> ctx.getBean(Inner.class).inner()).isInstanceOf(GuardTimeoutException.class);
            release.countDown();
            holder.joinSuccessfully();
            assertThat(snapshot(registry, "reentrant").active()).isZero();
        });
    }

    @Test
    void aFutureHoldsTheGuardUntilItCompletesAndCancellingAPendingCallWithdrawsIt() {
        runner.run(ctx -> {
            AsyncService async = ctx.getBean(AsyncService.class);
            SignalboxRegistry registry = ctx.getBean(SignalboxRegistry.class);
            CompletableFuture<String> body1 = new CompletableFuture<>();
            CompletableFuture<String> first = async.run("1", body1);
            assertThat(async.started()).containsExactly("1");
            assertThat(snapshot(registry, "async").active()).isEqualTo(1);

            CompletableFuture<String> body2 = new CompletableFuture<>();
            CompletableFuture<String> second = async.run("2", body2);
            assertThat(snapshot(registry, "async").waiting()).isEqualTo(1);
            assertThat(second).isNotDone();
            assertThat(async.started()).containsExactly("1");

            body1.complete("one");
            assertThat(first.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("one");
            awaitTrue("second call started once the first future completed", () -> async.started().size() == 2);
            assertThat(second).isNotDone();

            CompletableFuture<String> third = async.run("3", new CompletableFuture<>());
            awaitTrue("third call waiting", () -> snapshot(registry, "async").waiting() == 1);
            assertThat(third.cancel(true)).isTrue();
            awaitTrue("cancelled call withdrawn", () -> snapshot(registry, "async").waiting() == 0);
            assertThat(snapshot(registry, "async").active()).isEqualTo(1);

            body2.complete("two");
            assertThat(second.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("two");
            awaitTrue("guard free", () -> snapshot(registry, "async").active() == 0);
            assertThat(async.started()).containsExactly("1", "2");
            // The guard is really free: a new call runs at once.
            assertThat(async.run("4", CompletableFuture.completedFuture("four")).get(BOUND.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo("four");
            assertThat(snapshot(registry, "async").active()).isZero();
        });
    }

    @Test
    void aMonoHoldsTheGuardUntilItTerminatesAndReleasesOnCancel() {
        runner.run(ctx -> {
            ReactiveService reactive = ctx.getBean(ReactiveService.class);
            SignalboxRegistry registry = ctx.getBean(SignalboxRegistry.class);
            Sinks.One<String> sink1 = Sinks.one();
            CompletableFuture<String> first = reactive.mono("1", sink1).toFuture();
            awaitTrue("first mono holding", () -> snapshot(registry, "reactive").active() == 1);
            Sinks.One<String> sink2 = Sinks.one();
            CompletableFuture<String> second = reactive.mono("2", sink2).toFuture();
            awaitTrue("second mono waiting", () -> snapshot(registry, "reactive").waiting() == 1);
            assertThat(reactive.started()).containsExactly("1");
            sink1.tryEmitValue("one");
            assertThat(first.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("one");
            awaitTrue("second mono running", () -> reactive.started().size() == 2);
            sink2.tryEmitValue("two");
            assertThat(second.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("two");
            awaitTrue("guard free", () -> snapshot(registry, "reactive").active() == 0);

            // Cancel while holding: the guard is released.
            Disposable holding = reactive.mono("3", Sinks.one()).subscribe();
            awaitTrue("third mono holding", () -> snapshot(registry, "reactive").active() == 1);
            holding.dispose();
            awaitTrue("guard free after cancel", () -> snapshot(registry, "reactive").active() == 0);

            // Cancel while waiting: withdrawn, nothing leaks.
            Sinks.One<String> sink4 = Sinks.one();
            CompletableFuture<String> fourth = reactive.mono("4", sink4).toFuture();
            awaitTrue("fourth holding", () -> snapshot(registry, "reactive").active() == 1);
            Disposable waiting = reactive.mono("5", Sinks.one()).subscribe();
            awaitTrue("fifth waiting", () -> snapshot(registry, "reactive").waiting() == 1);
            waiting.dispose();
            awaitTrue("fifth withdrawn", () -> snapshot(registry, "reactive").waiting() == 0);
            sink4.tryEmitValue("four");
            assertThat(fourth.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("four");
            awaitTrue("guard free", () -> snapshot(registry, "reactive").active() == 0);
            assertThat(reactive.started()).containsExactly("1", "2", "3", "4");
        });
    }

    @Test
    void aFluxHoldsTheGuardUntilItCompletesAndReleasesOnCancel() {
        runner.run(ctx -> {
            ReactiveService reactive = ctx.getBean(ReactiveService.class);
            SignalboxRegistry registry = ctx.getBean(SignalboxRegistry.class);
            Sinks.Many<Integer> sink = Sinks.many().unicast().onBackpressureBuffer();
            CompletableFuture<List<Integer>> items = reactive.flux(sink).collectList().toFuture();
            awaitTrue("flux holding", () -> snapshot(registry, "reactive").active() == 1);
            sink.tryEmitNext(1);
            sink.tryEmitNext(2);
            // Items flowed but the flux has not completed: still held.
            assertThat(snapshot(registry, "reactive").active()).isEqualTo(1);
            Sinks.One<String> blockedSink = Sinks.one();
            CompletableFuture<String> blocked = reactive.mono("blocked", blockedSink).toFuture();
            awaitTrue("mono waiting behind the flux", () -> snapshot(registry, "reactive").waiting() == 1);
            assertThat(blocked).isNotDone();
            assertThat(reactive.started()).doesNotContain("blocked");
            sink.tryEmitComplete();
            assertThat(items.get(BOUND.toSeconds(), TimeUnit.SECONDS)).containsExactly(1, 2);
            awaitTrue("mono got the guard after the flux completed", () -> reactive.started().contains("blocked"));

            // A flux waiting behind the mono is withdrawn by cancelling it.
            Disposable waiting = reactive.flux(Sinks.many().unicast().onBackpressureBuffer()).subscribe();
            awaitTrue("second flux waiting", () -> snapshot(registry, "reactive").waiting() == 1);
            waiting.dispose();
            awaitTrue("second flux withdrawn", () -> snapshot(registry, "reactive").waiting() == 0);
            blockedSink.tryEmitValue("done");
            assertThat(blocked.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("done");
            awaitTrue("guard free", () -> snapshot(registry, "reactive").active() == 0);

            // A flux cancelled while holding (mid-stream) releases the guard.
            Sinks.Many<Integer> endless = Sinks.many().unicast().onBackpressureBuffer();
            List<Integer> received = new java.util.concurrent.CopyOnWriteArrayList<>();
            Disposable holding = reactive.flux(endless).subscribe(received::add);
            awaitTrue("third flux holding", () -> snapshot(registry, "reactive").active() == 1);
            endless.tryEmitNext(7);
            awaitTrue("item received", () -> received.contains(7));
            holding.dispose();
            awaitTrue("guard free after cancelling the flux", () -> snapshot(registry, "reactive").active() == 0);
            assertThat(reactive.started()).containsExactly("flux", "blocked", "flux");
        });
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void cancellingAsyncCallsAtRandomMomentsNeverLeaksTheGuard(Flavor flavor) {
        runner.run(ctx -> {
            AsyncService async = ctx.getBean(AsyncService.class);
            ReactiveService reactive = ctx.getBean(ReactiveService.class);
            SignalboxRegistry registry = ctx.getBean(SignalboxRegistry.class);
            int threads = flavor == Flavor.VIRTUAL ? 32 : 8;
            int rounds = flavor == Flavor.VIRTUAL ? 60 : 200;
            Threads.runConcurrently(flavor, threads, i -> {
                for (int r = 0; r < rounds; r++) {
                    // Each call is cancelled at some point of its life: waiting, just granted, or running.
                    CompletableFuture<String> body = new CompletableFuture<>();
                    CompletableFuture<String> call = async.run("race", body);
                    if ((r + i) % 3 == 0) {
                        Thread.yield();
                    }
                    call.cancel(true);
                    body.complete("x");
                    CompletableFuture<String> keyedBody = new CompletableFuture<>();
                    CompletableFuture<String> keyedCall = (i + r) % 2 == 0 ? async.runKeyed("x", "y", keyedBody)
                            : async.runKeyed("y", "x", keyedBody);
                    if ((r + i) % 3 == 1) {
                        Thread.yield();
                    }
                    keyedCall.cancel(true);
                    keyedBody.complete("x");
                    Sinks.One<String> sink = Sinks.one();
                    Disposable subscription = reactive.mono("race", sink).subscribe();
                    if ((r + i) % 2 == 0) {
                        sink.tryEmitValue("x");
                    }
                    subscription.dispose();
                    sink.tryEmitValue("x");
                }
            });
            awaitTrue("async guard free and nobody waiting",
                    () -> snapshot(registry, "async").active() == 0 && snapshot(registry, "async").waiting() == 0);
            awaitTrue("every key of the multi-key async guard evicted", () -> keyedSize(registry, "async-keyed") == 0);
            awaitTrue("reactive guard free and nobody waiting",
                    () -> snapshot(registry, "reactive").active() == 0 && snapshot(registry, "reactive").waiting() == 0);
            // Still usable: a fresh call of each kind gets in and completes.
            assertThat(async.run("after", CompletableFuture.completedFuture("ok")).get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("ok");
            assertThat(async.runKeyed("x", "y", CompletableFuture.completedFuture("ok")).get(BOUND.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo("ok");
            assertThat(reactive.mono("after", oneOf("ok")).toFuture().get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("ok");
        });
    }

    private static Sinks.One<String> oneOf(String value) {
        Sinks.One<String> sink = Sinks.one();
        sink.tryEmitValue(value);
        return sink;
    }

    @Test
    void propertiesOverrideAnnotationPermitsAndTimeout() {
        runner.withPropertyValues("signalbox.guards.tuned.permits=2", "signalbox.guards.tuned-timeout.timeout=50ms").run(ctx -> {
            SignalboxRegistry registry = ctx.getBean(SignalboxRegistry.class);
            Registration tuned = registry.registration("tuned").orElseThrow();
            assertThat(tuned.kind()).isEqualTo(Kind.SEMAPHORE);
            assertThat(tuned.snapshot().capacity()).isEqualTo(2);
            Tuned service = ctx.getBean(Tuned.class);
            // Two callers inside a guard annotated with 1 permit.
            CountDownLatch bothInside = new CountDownLatch(2);
            Threads.runConcurrently(Flavor.VIRTUAL, 2, i -> assertThat(service.together(bothInside)).isTrue());

            // The annotation says 30s; the property says 50ms: the second call gives up long before 30s.
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Call holder = Threads.call(Flavor.VIRTUAL, x -> service.hold(inside, release));
            await(inside, "holder inside");
            CompletableFuture<Throwable> second = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    service.hold(new CountDownLatch(1), new CountDownLatch(0));
                    second.complete(null);
                } catch (Throwable t) {
                    second.complete(t);
                }
            });
            assertThat(second.get(10, TimeUnit.SECONDS)).isInstanceOf(GuardTimeoutException.class);
            release.countDown();
            holder.joinSuccessfully();
        });
    }

    // ---- helpers ----

    private static Snapshot snapshot(SignalboxRegistry registry, String name) {
        return registry.registration(name).orElseThrow(() -> new AssertionError("no primitive named " + name)).snapshot();
    }

    private static int keyedSize(SignalboxRegistry registry, String name) {
        return registry.registration(name).orElseThrow().keyedRegistry().size();
    }

    private static void awaitLatch(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("latch not released within " + BOUND);
        }
    }

    // ---- the application ----

    @Configuration(proxyBeanMethods = false)
    static class Services {
        @Bean Counter counter() { return new Counter(); }
        @Bean Pool pool() { return new Pool(); }
        @Bean Catalog catalog() { return new Catalog(); }
        @Bean PerKey perKey() { return new PerKey(); }
        @Bean Accounts accounts() { return new Accounts(); }
        @Bean Slow slow() { return new Slow(); }
        @Bean Inner inner() { return new Inner(); }
        @Bean Outer outer() { return new Outer(); }
        @Bean AsyncService asyncService() { return new AsyncService(); }
        @Bean ReactiveService reactiveService() { return new ReactiveService(); }
        @Bean Tuned tuned() { return new Tuned(); }
    }

    public static class Counter {
        int value;

        public int value() {
            return value;
        }

        @Guarded(value = "counter", timeout = "30s")
        public void increment() {
            int read = value;
            Thread.yield();
            value = read + 1;
        }
    }

    public static class Pool {
        public AtomicInteger inside() {
            return inside;
        }

        public AtomicInteger maxInside() {
            return maxInside;
        }

        public AtomicInteger done() {
            return done;
        }

        public CountDownLatch threeInside() {
            return threeInside;
        }

        public CountDownLatch release() {
            return release;
        }

        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final CountDownLatch threeInside = new CountDownLatch(3);
        final CountDownLatch release = new CountDownLatch(1);

        @Guarded(value = "pool", permits = 3, timeout = "30s")
        public void work() throws InterruptedException {
            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            threeInside.countDown();
            awaitLatch(release);
            inside.decrementAndGet();
            done.incrementAndGet();
        }
    }

    public static class Catalog {
        public AtomicInteger readersInside() {
            return readersInside;
        }

        public AtomicInteger writerInside() {
            return writerInside;
        }

        public AtomicInteger maxReadersWithWriter() {
            return maxReadersWithWriter;
        }

        final AtomicInteger readersInside = new AtomicInteger();
        final AtomicInteger writerInside = new AtomicInteger();
        final AtomicInteger maxReadersWithWriter = new AtomicInteger();

        @Guarded(value = "catalog", mode = Guarded.Mode.READ, timeout = "30s")
        public void read(CountDownLatch allReadersInside, CountDownLatch release) throws InterruptedException {
            readersInside.incrementAndGet();
            maxReadersWithWriter.accumulateAndGet(writerInside.get(), Math::max);
            allReadersInside.countDown();
            awaitLatch(allReadersInside);
            awaitLatch(release);
            readersInside.decrementAndGet();
        }

        @Guarded(value = "catalog", mode = Guarded.Mode.WRITE, timeout = "30s")
        public void write(CountDownLatch inside, CountDownLatch release) throws InterruptedException {
            writerInside.incrementAndGet();
            maxReadersWithWriter.accumulateAndGet(readersInside.get(), Math::max);
            inside.countDown();
            awaitLatch(release);
            writerInside.decrementAndGet();
        }
    }

    public static class PerKey {
        @Guarded(value = "per-key", key = "#key", timeout = "30s")
        public void hold(String key, CountDownLatch inside, CountDownLatch release) throws InterruptedException {
            inside.countDown();
            awaitLatch(release);
        }
    }

    public static class Accounts {
        public Map<String, Long> balances() {
            return balances;
        }

        final Map<String, Long> balances = new ConcurrentHashMap<>(Map.of("a", 1_000_000L, "b", 1_000_000L, "c", 1_000_000L));

        @Guarded(value = "accounts", key = {"#from", "#to"}, timeout = "30s")
        public void transfer(String from, String to, long cents) {
            long fromBalance = balances.get(from);
            Thread.yield();
            balances.put(from, fromBalance - cents);
            long toBalance = balances.get(to);
            Thread.yield();
            balances.put(to, toBalance + cents);
        }
    }

    public static class Slow {
        public AtomicInteger holdsCompleted() {
            return holdsCompleted;
        }

        public AtomicInteger briefCalls() {
            return briefCalls;
        }

        final AtomicInteger holdsCompleted = new AtomicInteger();
        final AtomicInteger briefCalls = new AtomicInteger();

        @Guarded(value = "slow", timeout = "30s")
        public void hold(CountDownLatch inside, CountDownLatch release) throws InterruptedException {
            inside.countDown();
            awaitLatch(release);
            holdsCompleted.incrementAndGet();
        }

        @Guarded(value = "slow", timeout = "50ms")
        public void tryBriefly() {
            briefCalls.incrementAndGet();
        }
    }

    public static class Inner {
        @Guarded(value = "reentrant", timeout = "1s")
        public String inner() {
            return "inner";
        }
    }

    public static class Outer {
        @Autowired
        Inner inner;

        @Autowired
        @Lazy
        Outer self;

        @Guarded(value = "reentrant", timeout = "1s")
        public String viaInnerBean() {
            return inner.inner();
        }

        @Guarded(value = "reentrant-keyed", key = "#key", timeout = "1s")
        public String viaSelf(String key) {
            return self.selfInner(key);
        }

        @Guarded(value = "reentrant-keyed", key = "#key", timeout = "1s")
        public String selfInner(String key) {
            return "self:" + key;
        }

        @Guarded(value = "reentrant", timeout = "30s")
        public void holdThenReenter(CountDownLatch inside, CountDownLatch release) throws InterruptedException {
            inside.countDown();
            awaitLatch(release);
            inner.inner();
        }
    }

    public static class AsyncService {
        public List<String> started() {
            return started;
        }

        final List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Guarded(value = "async-keyed", key = {"#a", "#b"}, timeout = "30s")
        public CompletableFuture<String> runKeyed(String a, String b, CompletableFuture<String> body) {
            return body;
        }

        @Guarded(value = "async", timeout = "30s")
        public CompletableFuture<String> run(String id, CompletableFuture<String> body) {
            started.add(id);
            return body;
        }
    }

    public static class ReactiveService {
        public List<String> started() {
            return started;
        }

        final List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Guarded(value = "reactive", timeout = "30s")
        public Mono<String> mono(String id, Sinks.One<String> sink) {
            started.add(id);
            return sink.asMono();
        }

        @Guarded(value = "reactive", timeout = "30s")
        public Flux<Integer> flux(Sinks.Many<Integer> sink) {
            started.add("flux");
            return sink.asFlux();
        }
    }

    public static class Tuned {
        @Guarded(value = "tuned", timeout = "30s")
        public boolean together(CountDownLatch bothInside) throws InterruptedException {
            bothInside.countDown();
            return bothInside.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Guarded(value = "tuned-timeout", timeout = "30s")
        public void hold(CountDownLatch inside, CountDownLatch release) throws InterruptedException {
            inside.countDown();
            awaitLatch(release);
        }
    }
}

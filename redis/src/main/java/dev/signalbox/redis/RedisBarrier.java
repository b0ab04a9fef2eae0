package dev.signalbox.redis;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import org.redisson.api.RScript;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.MessageListener;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalbox.annotation.Scope;
import dev.signalbox.core.Barrier;
import dev.signalbox.core.BarrierBrokenException;
import dev.signalbox.core.Durations;
import dev.signalbox.core.Event;
import dev.signalbox.core.GuardTimeoutException;
import dev.signalbox.core.GuardUnavailableException;
import dev.signalbox.core.Kind;
import dev.signalbox.core.Outcome;
import dev.signalbox.core.PrimitiveListener;
import dev.signalbox.core.Snapshot;
import dev.signalbox.spi.Probe;
import dev.signalbox.spi.WithdrawableFuture;

/**
 * A {@link Barrier} whose parties are counted across every instance that talks to the same Redis: a
 * generation is released when {@code parties} callers have arrived on any instances. An async party
 * that gives up by {@link GiveUp#WITHDRAW} (the default of {@code awaitAsync(timeout)}: its wait is
 * cancelled or its timeout runs out) leaves the generation alone, on every instance, as in asyncio; a
 * blocking party that gives up (times out, is interrupted), an async party of
 * {@link GiveUp#BREAK_GENERATION}, or an {@link #abort()} on any instance breaks the generation for
 * every party waiting in it, on every instance.
 *
 * <p><b>Guarantees across instances:</b> arrival indexes of a released generation are distinct,
 * {@code 0} to {@code parties - 1} without gaps, in the order Redis counted the arrivals (withdrawn
 * parties left out); a generation is decided once, in
 * Redis, as released or broken, and every party of it learns that one verdict, so a generation is
 * released whole or not at all. A party that gives up at the moment the last one arrives elsewhere is
 * released with the others when the arrival was counted first (it then returns its index, a little
 * after its timeout). The next arrival after a verdict starts a fresh generation. <b>Withdrawal:</b> a
 * withdrawing party is taken out of its generation in Redis (one round trip, bounded by one second) by a
 * script that runs only while the generation is still open, so it is ordered with the arrival that would
 * complete the generation: whichever Redis runs first decides. Taken out, the party fails with
 * {@link GuardTimeoutException} (timeout) or is cancelled, and the others keep waiting; when the release
 * came first, it is released with them (a cancel then returns false). When Redis cannot be reached to
 * take it out, its generation is broken instead (the break is owed, as below), so a generation never
 * releases with a party that left. A zero-timeout withdrawing party that does not complete the
 * generation is not counted and fails with {@link GuardTimeoutException}. <b>Timeouts:</b> a
 * party's timeout runs on its own instance; when it runs out, a party that breaks on give-up (blocking,
 * or {@link GiveUp#BREAK_GENERATION}) breaks its generation in Redis
 * (one round trip, bounded by one second) and fails with {@link BarrierBrokenException}, or with
 * {@link GuardUnavailableException} when Redis cannot be reached to break it (its instance keeps
 * trying, so the generation does not later release with a party that left). A zero timeout never waits:
 * unless the caller completes the generation, it breaks it (a withdrawing party: see above).
 * <b>Cancellation:</b> cancelling an async wait (or completing it exceptionally) withdraws the party
 * from its generation in Redis ({@link GiveUp#BREAK_GENERATION}: breaks the generation) and waits for
 * Redis' answer, one round trip (at most two seconds when Redis does not answer): it returns true when
 * the withdrawal (or break) came first (the future is then cancelled), and false when the generation was
 * released first (the future then completes with the party's index), so a generation is released whole
 * or not at all, and never with a party whose cancel returned true. On the {@code signalbox-redis-timer}
 * thread (a callback of another cluster primitive's future), where nothing may wait for Redis, it
 * returns true at once and the withdrawal (or break) follows it; a generation released a moment before
 * is then released for the others. <b>Memory:</b>
 * Redis decides a generation after every arrival of it, so whatever a party did before arriving
 * precedes, in Redis' order, the release of every party of its generation.
 *
 * A timeout shorter than the arrival's own round trip is a timeout too: the party waits for Redis' answer
 * to its arrival (it may have been counted), then breaks its generation like any party that times out.
 *
 * <p><b>Abort and reset:</b> {@link #abort()} breaks the open generation (if anyone waits in it) and
 * leaves the barrier broken on every instance: a field {@code broken} of the barrier's hash holds the
 * abort's reason, and every arrival meanwhile fails at once with {@link BarrierBrokenException};
 * {@link #reset()} deletes it and breaks the open generation (its parties fail: "the barrier was
 * reset"). The field shares the hash's TTL: a broken barrier nobody arrives at for a lease is
 * forgotten, as everything else this barrier wrote is. <b>Give-up rule:</b> as {@link Barrier}'s: an
 * async party withdraws alone by default ({@link GiveUp#WITHDRAW}), one of
 * {@link GiveUp#BREAK_GENERATION} and a blocking party break the generation. A party handed to the local
 * fallback keeps its rule there.
 *
 * <p><b>Redis unreachable:</b> an arrival waits for Redis at most its timeout, but at least one second
 * (an arrival that was sent may have been counted, and its party must learn whether before it leaves),
 * and then fails with {@link GuardUnavailableException}. With
 * {@code settings.localFallback()} it waits for Redis at most one second and then waits at a local
 * barrier of the same parties (counting this instance's parties only). An outage is known to every
 * primitive of the same {@link RedisClusterPrimitives} and logged once: for one second after any of
 * them saw Redis fail, arrivals do not ask Redis (they go to the local barrier, or fail at once
 * without the fallback), then try it again. Parties already
 * waiting when Redis is lost learn their verdict when it is back; if Redis lost the barrier's state
 * (a restart), their generation counts as broken. <b>A party whose process dies</b> while waiting (or
 * stalls, or loses Redis, for longer than a lease) breaks its generation for the others within about
 * one lease: each instance with waiting parties renews its arrival in Redis every third of a lease, and
 * the next check or arrival of any instance that finds another's arrival older than a lease breaks the
 * generation, naming that instance; a dead party never counts towards a release. <b>Limits:</b> every
 * instance must give the barrier the same number of parties (an arrival that disagrees with Redis fails
 * with {@link IllegalStateException}).
 *
 * <h2>Algorithm</h2>
 * One Redis hash at {@code keyPrefix + name} holds the current generation, changed only by atomic
 * scripts: {@code epoch} (a random id chosen when the hash is created, so a generation is never
 * mistaken for one of an earlier life of the hash), {@code seq} (the generation number within the
 * epoch; a generation's id is {@code epoch:seq}), {@code arrived} (parties counted in it),
 * {@code parties}, {@code n} and {@code left} (arrival numbers, see Arrive and Withdraw),
 * {@code broken} (an abort's reason, until a reset), the verdicts of the last 32 generations ({@code v<seq mod 32>}), and, for each
 * instance with parties in the open generation, {@code a:<instance id>}: the Redis time (ms) until
 * which its arrival counts as alive.
 * <ul>
 * <li>Arrive: the script counts the caller and returns its arrival number ({@code n}, arrivals counted
 * in the generation so far, withdrawn ones included). The arrival that makes {@code parties} decides
 * "released", listing in the verdict the arrival numbers withdrawn from the generation ({@code left}),
 * and is index {@code parties - 1}; every other party's index is its arrival number less the withdrawn
 * numbers below it. A zero-timeout arrival that does not complete the generation decides "broken", or,
 * withdrawing, is not counted. Deciding records the verdict, starts the next generation ({@code seq + 1},
 * {@code arrived = 0}) and publishes {@code "epoch:seq verdict"} on the channel
 * {@code keyPrefix + name + ":decided"}.</li>
 * <li>Withdraw: a script takes the party out of the given generation if it is still open
 * ({@code arrived - 1}, its number added to {@code left}, its instance's {@code a:} field gone with the
 * instance's last party in it), and otherwise returns the verdict it already had.</li>
 * <li>Give up or abort: a script breaks the given (or current) generation if it is still open, and
 * otherwise returns the verdict it already had.</li>
 * <li>Wake-ups: each instance subscribes to the channel once, when the barrier is made (an arrival
 * waits for the subscription if it is not there yet, so no verdict on its generations is published
 * before it listens). Its parties of a generation wait for the verdict on one core {@link Event},
 * which gives their timeouts and withdrawals and, once the verdict arrives, wakes them in the order
 * they began waiting: their arrival order, unless the replies to two of this instance's arrivals
 * crossed on their way back from Redis. The answer to an arrival and its generation's verdict come
 * on different connections, so the verdict can come first, many generations ahead: the instance keeps
 * every verdict it heard until each arrival it had sent by then has been answered. Pub/sub drops messages while a connection is
 * down, so while an instance has parties waiting it also asks Redis for their verdicts every third of
 * the lease and whenever its subscription comes back; the same call renews the hash's TTL and the
 * instance's arrival, and breaks the generation if another instance's arrival has lapsed.</li>
 * <li>TTLs: every script sets the hash to expire one lease after it ran, and waiting instances renew
 * it, so a barrier nobody waits at leaves nothing behind one lease later. A waiting party that finds
 * its epoch gone counts its generation as broken.</li>
 * </ul>
 */
final class RedisBarrier implements Barrier {

    private static final Logger log = LoggerFactory.getLogger(RedisBarrier.class);

    private static final String RELEASED = "R";
    private static final String LOST = "L";
    private static final String OPEN = "O";
    /** The leave script's answer: the party was taken out of its open generation. */
    private static final String WITHDRAWN = "W";

    /*
     * The atomic scripts, each barrier-decide.lua followed by its own file; see RedisScripts and the
     * files' headers (src/main/resources/dev/signalbox/redis/barrier-*.lua) for their KEYS, ARGV and returns.
     */
    private static final String ARRIVE = RedisScripts.BARRIER_ARRIVE;
    private static final String SETTLE = RedisScripts.BARRIER_SETTLE;
    private static final String ABORT = RedisScripts.BARRIER_ABORT;
    private static final String RESET = RedisScripts.BARRIER_RESET;
    private static final String LEAVE = RedisScripts.BARRIER_LEAVE;

    private final RedisBackend backend;
    private final RedissonClient client;
    private final RScript script;
    private final String name;
    private final int parties;
    private final String redisKey;
    private final String channel;
    private final String instanceId;
    private final String leaseMillis;
    private final long recheckNanos;
    private final String subject;
    private final Probe probe;
    private final LocalFallbackSwitch<Barrier> fallback;

    private final MessageListener<String> onMessage = (ignoredChannel, message) -> RedisTimer.execute(() -> onMessage(message));
    private final StatusListener onStatus = new StatusListener() {
        @Override
        public void onSubscribe(String subscribed) {
            RedisTimer.execute(RedisBarrier.this::recheck);
        }

        @Override
        public void onUnsubscribe(String unsubscribed) {
        }
    };
    private final Object subscribing = new Object();
    private CompletableFuture<Void> subscription; // guarded by subscribing

    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    /** This instance's waits for the verdicts of generations it has parties in, by generation id. */
    private final Map<String, Round> rounds = new HashMap<>();
    /** Generations this instance must still break (its party gave up while Redis was away), with the reason. */
    private final Map<String, Owed> owed = new HashMap<>();
    /** The verdicts this instance heard, kept while an arrival sent before them may still be answered. */
    private final HeardVerdicts heard = new HeardVerdicts();
    private ScheduledFuture<?> recheckTask;

    /**
     * A barrier that knows by itself whether Redis is down; one from {@link RedisClusterPrimitives}
     * shares that knowledge with the instance's other primitives.
     *
     * @param client   the Redis connection
     * @param settings key prefix, lease (the TTL of the barrier's state), this instance's id, and what
     *                 to do when Redis is unreachable
     * @param name     the barrier's name (the Redis key is {@code keyPrefix + name})
     * @param parties  how many parties, across all instances, make a generation (at least 2)
     * @param listener told of every arrival and of how each wait ended
     */
    RedisBarrier(RedissonClient client, RedisClusterSettings settings, String name, int parties,
            PrimitiveListener listener) {
        this(new RedisBackend(Objects.requireNonNull(client, "client"), Objects.requireNonNull(settings, "settings")), name,
                parties, listener);
    }

    /** One of {@link RedisClusterPrimitives}, sharing its backend (and so its knowledge of Redis' availability). */
    RedisBarrier(RedisBackend backend, String name, int parties, PrimitiveListener listener) {
        this.backend = backend;
        this.client = backend.client;
        RedisClusterSettings settings = backend.settings;
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a primitive needs a non-blank name (it names its metrics, log lines and Redis keys)");
        }
        this.name = name;
        this.subject = "barrier '" + name + "' (cluster)";
        if (parties < 2) {
            throw new IllegalArgumentException(subject + ": parties must be at least 2, was " + parties
                    + "; a barrier synchronizes two or more callers");
        }
        this.parties = parties;
        this.redisKey = settings.keyPrefix() + name;
        this.channel = redisKey + ":decided";
        this.instanceId = settings.instanceId();
        this.leaseMillis = Long.toString(settings.lease().toMillis());
        this.recheckNanos = settings.lease().toNanos() / 3;
        this.script = client.getScript(StringCodec.INSTANCE);
        this.probe = new Probe(this, listener);
        this.fallback = new LocalFallbackSwitch<>(backend, name, subject, this, probe.listener,
                local -> Barrier.create(name, parties, local));
        // Subscribe now, so the first arrival does not spend its timeout on it (it is retried on arrival if this fails).
        subscribed(RedisRoundTrip.boundFor(0L));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Scope scope() {
        return Scope.CLUSTER;
    }

    @Override
    public int parties() {
        return parties;
    }

    /** Parties waiting in the current generation across all instances (one Redis round trip). */
    @Override
    public int waiting() {
        if (fallback.active()) {
            return fallback.local().waiting();
        }
        if (fallback.redisKnownDown()) {
            throw fallback.knownDown("reading the arrivals");
        }
        try {
            String arrived = RedisRoundTrip.await(backend,
                    RedisRoundTrip.start(() -> client.<String, String>getMap(redisKey, StringCodec.INSTANCE).getAsync("arrived")),
                    RedisRoundTrip.boundFor(0L), name, subject, "reading the arrivals");
            return arrived == null ? 0 : Integer.parseInt(arrived);
        } catch (GuardUnavailableException e) {
            if (fallback.enabled()) {
                return fallback.local().waiting();
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuardUnavailableException(name, subject + ": interrupted while reading the arrivals from Redis", e);
        }
    }

    /** True while the barrier's hash in Redis holds an abort's {@code broken} field (one Redis round trip). */
    @Override
    public boolean isBroken() {
        if (fallback.active()) {
            return fallback.local().isBroken();
        }
        if (fallback.redisKnownDown()) {
            throw fallback.knownDown("reading whether it is broken");
        }
        try {
            return RedisRoundTrip.await(backend,
                    RedisRoundTrip.start(() -> client.<String, String>getMap(redisKey, StringCodec.INSTANCE).containsKeyAsync("broken")),
                    RedisRoundTrip.boundFor(0L), name, subject, "reading whether it is broken");
        } catch (GuardUnavailableException e) {
            if (fallback.enabled()) {
                return fallback.local().isBroken();
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuardUnavailableException(name, subject + ": interrupted while reading from Redis whether it is broken", e);
        }
    }

    // ---------------------------------------------------------------- waiting

    @Override
    public int await(Duration timeout) throws InterruptedException {
        long timeoutNanos = RedisRoundTrip.nanos(timeout);
        if (fallback.active()) {
            probe.arrive();
            return fallback.local().await(timeout);
        }
        RedisTimer.refuseBlockingWait(subject);
        Party party = start(timeout, timeoutNanos, GiveUp.BREAK_GENERATION);
        try {
            return party.get();
        } catch (ExecutionException e) {
            throw RedisRoundTrip.rethrow(e.getCause());
        } catch (InterruptedException e) {
            if (!party.giveUp(Outcome.INTERRUPTED, "a party's thread was interrupted (instance " + instanceId + ")")) {
                CompletableFuture<Integer> local = party.delegated();
                if (local != null) {
                    local.cancel(false); // the local barrier breaks its generation
                }
            }
            try {
                // Released just before the give-up reached Redis: this party goes with its generation.
                int index = party.get(2 * RedisRoundTrip.UNTIMED_BOUND.toNanos(), TimeUnit.NANOSECONDS);
                Thread.currentThread().interrupt();
                return index;
            } catch (ExecutionException | TimeoutException | InterruptedException | CancellationException notReleased) {
                throw e;
            }
        }
    }

    @Override
    public CompletableFuture<Integer> awaitAsync(Duration timeout, GiveUp onGiveUp) {
        Objects.requireNonNull(onGiveUp, "onGiveUp");
        long timeoutNanos = RedisRoundTrip.nanos(timeout);
        if (fallback.active()) {
            probe.arrive();
            return fallback.local().awaitAsync(timeout, onGiveUp);
        }
        return start(timeout, timeoutNanos, onGiveUp);
    }

    /** Arrives (asynchronously): subscribes if not yet, runs the arrival script, and hands back the party's future. */
    private Party start(Duration timeout, long timeoutNanos, GiveUp onGiveUp) {
        Party party = new Party(probe.arrive(), timeout, timeoutNanos, onGiveUp);
        if (fallback.redisKnownDown()) {
            // Not asked: handled as a failed arrival (the local barrier takes it, or it fails), on the timer thread.
            GuardUnavailableException down = fallback.knownDown("arriving");
            RedisTimer.execute(() -> party.arrived(null, down));
            return party;
        }
        // Subscribing and arriving together wait for Redis at most the timeout, but at least the untimed bound: an
        // arrival sent may be counted in Redis, so its party must learn whether before it can leave (and a party
        // whose timeout ran out meanwhile then breaks its generation, see Party.waitIn). With the fallback on, the
        // untimed bound, so that the local barrier takes over quickly.
        long redisDeadline = RedisRoundTrip.deadline(System.nanoTime(),
                Math.max(fallback.roundTripBound(timeoutNanos), RedisRoundTrip.boundFor(0L)));
        lock.lock();
        try {
            party.sent = heard.sending();
        } finally {
            lock.unlock();
        }
        subscribed(RedisRoundTrip.remaining(redisDeadline)).thenCompose(ignored -> RedisRoundTrip.async(backend,
                        RedisRoundTrip.start(() -> script.<List<Object>>evalAsync(redisKey, RScript.Mode.READ_WRITE, ARRIVE,
                                RScript.ReturnType.LIST, List.of(redisKey), channel, leaseMillis, Integer.toString(parties),
                                UUID.randomUUID().toString(),
                                timeoutNanos != 0L ? "0" : onGiveUp == GiveUp.WITHDRAW ? "2" : "1",
                                "a party would not wait (timeout 0, instance " + instanceId + ")", instanceId)),
                        Math.max(1L, RedisRoundTrip.remaining(redisDeadline)), name, subject, "arriving"))
                .whenComplete((reply, error) -> {
                    try {
                        party.arrived(reply, error);
                    } catch (RuntimeException | Error e) {
                        log.error("{}: could not handle Redis' answer to an arrival ({}); the party fails", subject, reply, e);
                        party.fail(e);
                    }
                });
        return party;
    }

    /** The channel subscription, made once and again after it failed; bounded by {@code boundNanos}. */
    private CompletableFuture<Void> subscribed(long boundNanos) {
        CompletableFuture<Void> current;
        synchronized (subscribing) {
            current = subscription;
            if (current == null || current.isCompletedExceptionally()) {
                try {
                    RTopic topic = client.getTopic(channel, StringCodec.INSTANCE);
                    current = CompletableFuture.allOf(topic.addListenerAsync(String.class, onMessage).toCompletableFuture(),
                            topic.addListenerAsync(onStatus).toCompletableFuture());
                } catch (RuntimeException e) {
                    current = CompletableFuture.failedFuture(e);
                }
                subscription = current;
            }
        }
        if (current.isDone() && !current.isCompletedExceptionally()) {
            return current;
        }
        return RedisRoundTrip.async(backend, current, boundNanos, name, subject, "subscribing to " + channel);
    }

    @Override
    public void abort() {
        breakInRedis("aborting", ABORT, () -> fallback.local().abort(), "the generation may still be open",
                "the barrier was aborted (instance " + instanceId + ")", UUID.randomUUID().toString());
    }

    @Override
    public void reset() {
        breakInRedis("resetting", RESET, () -> fallback.local().reset(), "it may still be broken",
                "the barrier was reset (instance " + instanceId + ")");
    }

    /**
     * Runs {@code abort} or {@code reset}'s script and waits for Redis' answer; on the local fallback
     * (or when Redis is unreachable and the fallback is enabled) does {@code locally} instead.
     */
    private void breakInRedis(String doing, String lua, Runnable locally, String ifInterrupted, Object... reasonAndId) {
        if (fallback.active()) {
            locally.run();
            return;
        }
        if (fallback.redisKnownDown()) {
            throw fallback.knownDown(doing);
        }
        Object[] args = new Object[2 + reasonAndId.length];
        args[0] = channel;
        args[1] = leaseMillis;
        System.arraycopy(reasonAndId, 0, args, 2, reasonAndId.length);
        try {
            RedisRoundTrip.await(backend, RedisRoundTrip.start(() -> script.evalAsync(redisKey, RScript.Mode.READ_WRITE, lua,
                    RScript.ReturnType.LONG, List.of(redisKey), args)),
                    RedisRoundTrip.boundFor(0L), name, subject, doing);
        } catch (GuardUnavailableException e) {
            if (!fallback.enabled()) {
                throw e;
            }
            locally.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuardUnavailableException(name, subject + ": interrupted while " + doing + " in Redis; "
                    + ifInterrupted, e);
        }
    }

    // ---------------------------------------------------------------- verdicts

    private void onMessage(String message) {
        int space = message.indexOf(' ');
        if (space > 0) {
            onVerdict(message.substring(0, space), message.substring(space + 1));
        }
    }

    /** A generation was decided: its parties on this instance are released or fail, in the order they began waiting here. */
    private void onVerdict(String generation, String verdict) {
        if (OPEN.equals(verdict)) {
            return;
        }
        Round decided;
        lock.lock();
        try {
            heard.put(generation, verdict);
            decided = rounds.remove(generation);
            owed.remove(generation);
            rescheduleLocked();
        } finally {
            lock.unlock();
        }
        if (decided != null) {
            decided.decide(verdict);
        }
    }

    /** Asks Redis for the verdicts of this instance's waiting generations, and retries the breaks it owes. */
    private void recheck() {
        Map<String, Generation> open = new HashMap<>();
        Map<String, Owed> breaks;
        lock.lock();
        try {
            rounds.forEach((id, round) -> open.put(id, round.generation));
            breaks = new HashMap<>(owed);
        } finally {
            lock.unlock();
        }
        breaks.values().forEach(o -> settle(o.generation(), "break", o.reason(), null));
        open.forEach((id, generation) -> {
            if (!breaks.containsKey(id)) {
                settle(generation, "check", "", null);
            }
        });
    }

    /**
     * Runs the settle script for {@code generation} ({@code break} or {@code check}) and delivers the
     * verdict, also to {@code party} (a party that gave up and learns its verdict from its break), if
     * any. When Redis cannot be reached, a break is owed (retried by {@link #recheck()}) and
     * {@code party} fails with {@link GuardUnavailableException}.
     */
    private void settle(Generation generation, String mode, String reason, Party party) {
        RedisRoundTrip.<String>async(backend, RedisRoundTrip.start(() -> script.evalAsync(redisKey, RScript.Mode.READ_WRITE, SETTLE,
                        RScript.ReturnType.STRING, List.of(redisKey), channel, leaseMillis, generation.epoch(),
                        Long.toString(generation.seq()), mode, reason, instanceId)),
                RedisRoundTrip.boundFor(0L), name, subject, "break".equals(mode) ? "breaking a generation" : "checking a generation")
                .whenComplete((verdict, error) -> {
                    if (error == null && verdict == null) {
                        error = new IllegalStateException(subject + ": Redis answered nothing to " + mode);
                    }
                    if (error == null) {
                        onVerdict(generation.id(), verdict);
                        if (party != null) {
                            party.finish(verdict, null);
                        }
                        return;
                    }
                    if ("break".equals(mode)) {
                        lock.lock();
                        try {
                            owed.put(generation.id(), new Owed(generation, reason));
                            rescheduleLocked();
                        } finally {
                            lock.unlock();
                        }
                        if (party != null) {
                            party.finish(null, RedisRoundTrip.unwrap(error));
                        }
                    }
                    log.debug("{}: could not {} generation {} in Redis; retrying in {}", subject, mode, generation.id(),
                            Durations.format(Duration.ofNanos(recheckNanos)), error);
                });
    }

    /**
     * Runs the leave script for {@code party} (a {@link GiveUp#WITHDRAW} party that gave up, counted in
     * {@code generation} with {@code arrival}): withdrawn, it ends as it gave up; when its generation was
     * decided first, it ends with that verdict (released, with its index, when the release came first).
     * When Redis cannot be reached, nobody can know whether it left, and a release must not count a party
     * that left: its generation is then broken instead (owed, like any break).
     */
    private void leave(Generation generation, int arrival, String reason, Party party) {
        RedisRoundTrip.<String>async(backend, RedisRoundTrip.start(() -> script.evalAsync(redisKey, RScript.Mode.READ_WRITE, LEAVE,
                        RScript.ReturnType.STRING, List.of(redisKey), channel, leaseMillis, generation.epoch(),
                        Long.toString(generation.seq()), Integer.toString(arrival), instanceId)),
                RedisRoundTrip.boundFor(0L), name, subject, "withdrawing a party")
                .whenComplete((answer, error) -> {
                    if (error == null && answer == null) {
                        error = new IllegalStateException(subject + ": Redis answered nothing to a withdrawal");
                    }
                    if (error == null) {
                        if (WITHDRAWN.equals(answer)) {
                            party.withdrawn();
                        } else {
                            onVerdict(generation.id(), answer);
                            party.finish(answer, null);
                        }
                        return;
                    }
                    lock.lock();
                    try {
                        owed.put(generation.id(), new Owed(generation, reason));
                        rescheduleLocked();
                    } finally {
                        lock.unlock();
                    }
                    party.finish(null, RedisRoundTrip.unwrap(error));
                    log.debug("{}: could not withdraw a party from generation {} in Redis; breaking it instead, retrying in {}",
                            subject, generation.id(), Durations.format(Duration.ofNanos(recheckNanos)), error);
                });
    }

    /** Under the lock: runs {@link #recheck()} periodically while parties wait or breaks are owed, and not otherwise. */
    private void rescheduleLocked() {
        boolean needed = !rounds.isEmpty() || !owed.isEmpty();
        if (needed && recheckTask == null) {
            recheckTask = RedisTimer.scheduleAtFixedRate(this::recheck, recheckNanos);
        } else if (!needed && recheckTask != null) {
            recheckTask.cancel(false);
            recheckTask = null;
        }
    }

    /** A release's verdict: {@code "R"}, followed by the arrival numbers withdrawn from the generation, if any. */
    private static boolean isReleased(String verdict) {
        return verdict != null && (RELEASED.equals(verdict) || verdict.startsWith(RELEASED + " "));
    }

    /**
     * The index of the party with arrival number {@code arrival} in a generation released with
     * {@code verdict}: its arrival number less the withdrawn parties that arrived before it.
     *
     * <p>Why indices are handed out this way: a party learns its arrival number when Redis counts it, but
     * a withdrawal before the release would leave a gap among the numbers of the parties that stay. The
     * release's verdict lists the withdrawn arrival numbers (usually none, never more than the
     * withdrawals of that one generation), so each party renumbers itself from its own number and the
     * one message every party receives anyway; no per-party state in Redis, no extra round trip. The
     * result is 0 to parties - 1 without gaps, in the order Redis counted the arrivals (the releasing
     * arrival is parties - 1).
     */
    private static int indexIn(String verdict, int arrival) {
        int earlierLeft = 0;
        for (String left : verdict.substring(RELEASED.length()).trim().split(" ")) {
            if (!left.isEmpty() && Integer.parseInt(left) < arrival) {
                earlierLeft++;
            }
        }
        return arrival - earlierLeft;
    }

    private String brokenReason(String verdict) {
        if (verdict == null || LOST.equals(verdict)) {
            return "its state was lost in Redis (it expired, or Redis restarted or failed over)";
        }
        return verdict.startsWith("B ") || verdict.startsWith("A ") ? verdict.substring(2) : verdict;
    }

    // ---------------------------------------------------------------- helpers

    /** This instance's view, without asking Redis: {@code waiting} counts this instance's parties waiting for a verdict. */
    @Override
    public Snapshot snapshot() {
        List<Round> open;
        lock.lock();
        try {
            open = List.copyOf(rounds.values());
        } finally {
            lock.unlock();
        }
        int waiting = 0;
        for (Round round : open) {
            waiting += round.decided.snapshot().waiting();
        }
        return new Snapshot(name, kind(), waiting, 0, parties, List.of());
    }

    @Override
    public String toString() {
        return subject + " (" + parties + " parties, Redis key " + redisKey + ")";
    }

    /** A generation: the epoch of the barrier's hash and its number within it. */
    private record Generation(String epoch, long seq) {

        static Generation parse(String id) {
            int colon = id.lastIndexOf(':');
            return new Generation(id.substring(0, colon), Long.parseLong(id.substring(colon + 1)));
        }

        String id() {
            return epoch + ":" + seq;
        }
    }

    /** A break this instance still owes Redis. */
    private record Owed(Generation generation, String reason) {
    }

    /**
     * This instance's wait for one generation's verdict: its parties wait on a core {@link Event}, which
     * gives their timeouts and the withdrawal of their waits, and which is set once the verdict is known.
     */
    private static final class Round {

        final Generation generation;
        final Event decided;
        /** Written before {@link #decided} is set. */
        volatile String verdict;
        /** This instance's parties registered here and not withdrawn; guarded by the barrier's lock. */
        int members;

        Round(Generation generation, String name) {
            this.generation = generation;
            this.decided = Event.create(name);
        }

        void decide(String verdict) {
            this.verdict = verdict;
            decided.set();
        }
    }

    /**
     * One caller's wait at the barrier on this instance, and its future: it arrives in Redis, then waits
     * for its generation's verdict on the generation's {@link Round}. A party that gives up (times out,
     * is interrupted, is cancelled) withdraws from its generation in Redis ({@link GiveUp#WITHDRAW}, when
     * cancelled or timed out) or breaks it; it then ends as it gave up, unless Redis answers that the
     * release was counted first (then it is released). Its outcome is reported once.
     *
     * <p>It is its own future, as core's waits are, so that {@link #cancel} decides against the verdict
     * under the barrier's lock, reports before the caller can see the outcome, and returns false once the
     * verdict is in.
     */
    private final class Party extends WithdrawableFuture<Integer> {

        private final long arrivedAt;
        private final Duration timeout;
        private final long deadline;
        private final GiveUp onGiveUp;
        // Guarded by lock.
        private Generation generation;
        /** Its index once known to be released, else its arrival number in Redis (see {@link #indexIn}). */
        private int index;
        /** The round it registered in (waitIn), if it did. */
        private Round joined;
        /** Why this party stopped waiting (timeout, interrupt, cancel), or null while it waits. */
        private Outcome gaveUp;
        private String gaveUpReason;
        private boolean finished;
        /** Its wait on the generation's verdict, while it waits there. */
        private CompletableFuture<Void> wait;
        private CompletableFuture<Integer> local;
        /** What a withdrawal ends this party with: null for a cancel, else the caller's exception. */
        private Throwable cancelCause;
        /** Withdrawn on the timer thread: ended at once, its break sent behind it. */
        private boolean cancelledAtOnce;
        /** This party's arrival in {@link #heard} while Redis' answer to it is pending (0: none was sent). */
        private long sent;

        Party(long arrivedAt, Duration timeout, long timeoutNanos, GiveUp onGiveUp) {
            this.arrivedAt = arrivedAt;
            this.timeout = timeout;
            this.onGiveUp = onGiveUp;
            this.deadline = RedisRoundTrip.deadline(System.nanoTime(), timeoutNanos);
        }

        /** The arrival script answered (or failed). Runs on the {@link RedisTimer} thread. */
        void arrived(List<Object> reply, Throwable error) {
            if (error != null || !"W".equals(reply.get(0))) {
                lock.lock();
                try {
                    heard.answered(sent); // a waiting party does this when it registers (waitIn)
                } finally {
                    lock.unlock();
                }
            }
            if (error != null) {
                Throwable cause = RedisRoundTrip.unwrap(error);
                if (fallback.enabled() && RedisRoundTrip.isUnavailable(cause)) {
                    delegate(fallback.local().awaitAsync(remainingTimeout(), onGiveUp));
                } else {
                    finish(null, cause);
                }
                return;
            }
            String status = (String) reply.get(0);
            if ("A".equals(status)) {
                finishRejected(BarrierBrokenException.aborted(name, (String) reply.get(2)), Outcome.BROKEN);
                return;
            }
            int at = Integer.parseInt((String) reply.get(2));
            switch (status) {
                case "R" -> {
                    lock.lock();
                    try {
                        index = at;
                    } finally {
                        lock.unlock();
                    }
                    finish(RELEASED, null);
                }
                case "B" -> finishRejected(new BarrierBrokenException(name, "a party would not wait (timeout 0, instance "
                        + instanceId + ")"), Outcome.REJECTED);
                case "T" -> finishRejected(new GuardTimeoutException(name, Kind.BARRIER, Duration.ZERO), Outcome.REJECTED);
                case "P" -> finishRejected(new IllegalStateException(subject + " has " + at + " parties in Redis (set by the"
                        + " instance that started it) but this instance says " + parties + "; give every instance the same"
                        + " parties"), Outcome.REJECTED);
                default -> waitIn(Generation.parse((String) reply.get(1)), at);
            }
        }

        /** Waits for {@code generation}'s verdict on its round, unless it is already known or this party gave up meanwhile. */
        private void waitIn(Generation generation, int at) {
            String known;
            Outcome gaveUpWith;
            Round round = null;
            lock.lock();
            try {
                this.generation = generation;
                this.index = at;
                known = heard.verdict(generation.id());
                heard.answered(sent);
                gaveUpWith = gaveUp;
                if (known == null && gaveUpWith == null) {
                    round = rounds.computeIfAbsent(generation.id(), id -> new Round(generation, name));
                    round.members++;
                    joined = round;
                    rescheduleLocked();
                }
            } finally {
                lock.unlock();
            }
            if (known != null) {
                finish(known, null);
                return;
            }
            if (gaveUpWith != null) {
                sendGiveUp(generation, at, gaveUpWith);
                return;
            }
            CompletableFuture<Void> verdict = round.decided.awaitAsync(remainingTimeout());
            lock.lock();
            try {
                gaveUpWith = gaveUp;
                if (gaveUpWith == null) {
                    wait = verdict;
                }
            } finally {
                lock.unlock();
            }
            if (gaveUpWith != null) {
                verdict.cancel(false); // the give-up knew the generation: it breaks it
            } else {
                Round waitedOn = round;
                verdict.whenCompleteAsync((ignored, error) -> waited(waitedOn, error), RedisTimer::execute);
            }
        }

        /** The verdict is in, or this party's timeout ran out first (on the {@link RedisTimer} thread). */
        private void waited(Round round, Throwable error) {
            Throwable cause = error == null ? null : RedisRoundTrip.unwrap(error);
            if (cause == null) {
                finish(round.verdict, null);
            } else if (cause instanceof GuardTimeoutException) {
                giveUp(Outcome.TIMEOUT, "a party timed out after " + Durations.format(timeout) + " (instance " + instanceId + ")");
            } else if (!(cause instanceof CancellationException)) { // cancelled: this party gave up
                finish(null, cause);
            }
        }

        private Duration remainingTimeout() {
            return deadline == Long.MAX_VALUE ? Durations.FOREVER : Duration.ofNanos(RedisRoundTrip.remaining(deadline));
        }

        /**
         * This party stops waiting: once its generation is known, it withdraws from it in Redis or breaks
         * it (see {@link #sendGiveUp}), and then ends with what Redis answers: released when the release was
         * counted first, else withdrawn (cancelled, or {@link GuardTimeoutException}) or broken (a cancelled
         * party: cancelled). With {@code atOnce} (a cancel on the timer thread, which cannot wait for that
         * answer) a cancelled party ends at once and its withdrawal or break goes behind it. False
         * when the verdict or another give-up came first, or the party went to the local fallback.
         */
        boolean giveUp(Outcome outcome, String reason, Throwable cancelCause, boolean atOnce) {
            Generation known;
            CompletableFuture<Void> waiting;
            lock.lock();
            try {
                if (finished || gaveUp != null || local != null) {
                    return false;
                }
                gaveUp = outcome;
                gaveUpReason = reason;
                this.cancelCause = cancelCause;
                if (atOnce) {
                    finished = true;
                    cancelledAtOnce = true;
                }
                known = generation;
                waiting = wait;
                wait = null;
            } finally {
                lock.unlock();
            }
            if (waiting != null) {
                waiting.cancel(false);
            }
            if (atOnce) {
                probe.waitEnded(arrivedAt, outcome);
                failByOwner(cancelCause);
            }
            if (known != null) {
                sendGiveUp(known, index(), outcome);
            }
            return true;
        }

        private int index() {
            lock.lock();
            try {
                return index;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Tells Redis this party gave up in {@code generation}: a {@link GiveUp#WITHDRAW} party whose wait
         * was cancelled or timed out leaves it, any other give-up breaks it.
         */
        private void sendGiveUp(Generation generation, int arrival, Outcome outcome) {
            if (withdraws(outcome)) {
                leave(generation, arrival, gaveUpReason, this);
            } else {
                settle(generation, "break", gaveUpReason, cancelledAtOnce ? null : this);
            }
        }

        private boolean withdraws(Outcome outcome) {
            return onGiveUp == GiveUp.WITHDRAW && (outcome == Outcome.CANCELLED || outcome == Outcome.TIMEOUT);
        }

        /**
         * Redis took this party out of its open generation: it leaves its round (which goes when its last
         * party does, so that this instance stops renewing an arrival it no longer has), and ends as it gave
         * up: cancelled, or with {@link GuardTimeoutException}.
         */
        void withdrawn() {
            lock.lock();
            try {
                Round round = joined;
                if (round != null && --round.members == 0 && rounds.get(round.generation.id()) == round) {
                    rounds.remove(round.generation.id());
                    rescheduleLocked();
                }
            } finally {
                lock.unlock();
            }
            finish(null, new GuardTimeoutException(name, Kind.BARRIER, timeout)); // a cancelled party ends cancelled
        }

        boolean giveUp(Outcome outcome, String reason) {
            return giveUp(outcome, reason, null, false);
        }

        /** Ends this party with the generation's verdict, or with {@code error}; only the first call counts. */
        void finish(String verdict, Throwable error) {
            Outcome gaveUpWith;
            lock.lock();
            try {
                if (finished) {
                    return;
                }
                finished = true;
                gaveUpWith = gaveUp;
            } finally {
                lock.unlock();
            }
            try {
                if (isReleased(verdict)) {
                    probe.waitEnded(arrivedAt, Outcome.ACQUIRED);
                    completeByOwner(indexIn(verdict, index()));
                } else if (gaveUpWith == Outcome.CANCELLED) {
                    // Broken by its own break (or by another party), or Redis could not be asked: the break is then owed.
                    probe.waitEnded(arrivedAt, Outcome.CANCELLED);
                    failByOwner(cancelCause);
                } else if (error != null) {
                    probe.waitEnded(arrivedAt, gaveUpWith != null ? gaveUpWith : Outcome.TIMEOUT);
                    fail(error);
                } else {
                    probe.waitEnded(arrivedAt, gaveUpWith != null ? gaveUpWith : Outcome.BROKEN);
                    fail(verdict != null && verdict.startsWith("A ")
                            ? BarrierBrokenException.aborted(name, brokenReason(verdict))
                            : new BarrierBrokenException(name, brokenReason(verdict)));
                }
            } finally {
                // A listener that throws must not leave the party waiting forever.
                fail(new IllegalStateException(subject + ": the party ended without a verdict"));
            }
        }

        private void finishRejected(RuntimeException error, Outcome outcome) {
            lock.lock();
            try {
                if (finished) {
                    return;
                }
                finished = true;
            } finally {
                lock.unlock();
            }
            probe.waitEnded(arrivedAt, outcome);
            fail(error);
        }

        /** Hands this wait to the local fallback's barrier. */
        private void delegate(CompletableFuture<Integer> fallbackFuture) {
            boolean taken;
            lock.lock();
            try {
                taken = !finished;
                if (taken) {
                    finished = true;
                    local = fallbackFuture;
                }
            } finally {
                lock.unlock();
            }
            if (!taken) {
                fallbackFuture.cancel(false);
                return;
            }
            fallbackFuture.whenComplete((index, error) -> {
                if (error == null) {
                    completeByOwner(index);
                } else {
                    fail(RedisRoundTrip.unwrap(error));
                }
            });
        }

        CompletableFuture<Integer> delegated() {
            lock.lock();
            try {
                return local;
            } finally {
                lock.unlock();
            }
        }

        void fail(Throwable error) {
            failByOwner(error);
        }

        /**
         * Withdraws the party (a cancel, or a caller's completeExceptionally): out of its generation, or,
         * for {@link GiveUp#BREAK_GENERATION}, breaking it; false when its verdict came first. A party handed to the local fallback withdraws there.
         */
        @Override
        protected boolean withdraw(Throwable cause, boolean mayInterruptIfRunning) {
            String reason = cause == null ? "a party's async wait was cancelled" : "a party's async wait was completed with " + cause;
            boolean atOnce = RedisTimer.isTimerThread();
            if (giveUp(Outcome.CANCELLED, reason, cause, atOnce)) {
                if (!atOnce) {
                    awaitWithdrawal();
                }
                return isWithdrawnWith(cause);
            }
            // The verdict came first, or the party went to the local fallback (giveUp refuses both).
            CompletableFuture<Integer> delegatedTo = delegated();
            if (delegatedTo == null) {
                return false;
            }
            // The local future's withdrawal also completes this one, through its callback (see delegate).
            boolean withdrawn = cause == null ? delegatedTo.cancel(mayInterruptIfRunning) : delegatedTo.completeExceptionally(cause);
            if (withdrawn) {
                failByOwner(cause);
            }
            return withdrawn;
        }

        /**
         * Waits for Redis' answer to this party's withdrawal or break (after its arrival's, when that is still
         * out): at most two round-trip bounds, after which the party ends cancelled and a break stays owed.
         */
        private void awaitWithdrawal() {
            boolean interrupted = false;
            long deadline = System.nanoTime() + 2 * RedisRoundTrip.UNTIMED_BOUND.toNanos();
            while (!isDone()) {
                long left = deadline - System.nanoTime();
                if (left <= 0L) {
                    break;
                }
                try {
                    get(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException | CancellationException | TimeoutException e) {
                    // done, or the bound is over: see below
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (!isDone()) {
                finish(null, new TimeoutException("no answer from Redis to the break"));
            }
        }

        private boolean isWithdrawnWith(Throwable cause) {
            if (cause == null) {
                return isCancelled();
            }
            try {
                getNow(null);
                return false;
            } catch (CompletionException e) {
                return e.getCause() == cause;
            } catch (CancellationException e) {
                return false;
            }
        }

        @Override
        protected String completedWhen() {
            return "by the barrier when its generation is released";
        }

        @Override
        protected String withdrawnThing() {
            return "the party";
        }
    }
}

package io.connwatch.engine.rules;

import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.MinuteRollup;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import io.connwatch.feeds.IpIndex;
import io.connwatch.feeds.ThreatSnapshot;
import org.kie.api.KieServices;

/**
 * Runs the rules over facts, partitioned by Machine across N single-threaded Drools sessions so
 * every core works and each machine's windows stay in one session.
 *
 * <p><b>Time.</b> Event time is kept per machine: a machine's minute rollups are released to the
 * rules once its own newest TimeGenerated minus the allowed lateness passes their end (or once
 * the fleet is more than the machine lag past them, for machines gone quiet), so one machine's
 * clock never makes another machine's rows late. The sessions' pseudo clocks follow the fleet's
 * watermark: the {@link FleetClock} median of the active machines' newest times minus the allowed
 * lateness, which no single machine or record can move. A row older than its machine's watermark
 * still reaches the per-row rules but no longer counts in windows ({@link EngineStats#lateForWindows}).
 *
 * <p>{@link #submit} may be called from several threads; the sessions are never touched by the
 * caller's thread, and never by a Vert.x event loop.
 */
public final class RuleEngine implements AutoCloseable {
    /**
     * Settings of the engine's time, parallelism and bounds.
     *
     * @param allowedLateness how far behind its own newest row a machine's row may be and still count in windows
     * @param machineLag      how far a machine's event time may trail the fleet's before its open minutes are
     *                        closed anyway; rows of a machine new here further behind are history
     * @param maxMachines     machines tracked at most (per engine); the ones idle longest are evicted beyond it
     * @param maxProcesses    process keys summed per machine-minute at most
     * @param maxFuture       live records more than this ahead of the wall clock are refused by {@link #admit}; zero: no check
     */
    public record Settings(int partitions, Duration allowedLateness, Duration episodeGap, int queuedBatches,
                           Duration retroWindow, int retroMaxAddresses, Duration machineLag, int maxMachines, int maxProcesses,
                           Duration maxFuture) {
        public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofMinutes(2);
        public static final Duration DEFAULT_EPISODE_GAP = Duration.ofMinutes(30);
        public static final int DEFAULT_QUEUED_BATCHES = 16;
        public static final Duration DEFAULT_RETRO_WINDOW = Duration.ofHours(24);
        public static final int DEFAULT_RETRO_MAX_ADDRESSES = 200_000;
        public static final Duration DEFAULT_MACHINE_LAG = Duration.ofMinutes(10);
        public static final int DEFAULT_MAX_MACHINES = 100_000;
        public static final int DEFAULT_MAX_PROCESSES = 1_000;
        public static final Duration DEFAULT_MAX_FUTURE = Duration.ofMinutes(10);

        public Settings(int partitions, Duration allowedLateness, Duration episodeGap, int queuedBatches,
                        Duration retroWindow, int retroMaxAddresses) {
            this(partitions, allowedLateness, episodeGap, queuedBatches, retroWindow, retroMaxAddresses, DEFAULT_MACHINE_LAG,
                DEFAULT_MAX_MACHINES, DEFAULT_MAX_PROCESSES, Duration.ZERO);
        }

        public Settings(int partitions, Duration allowedLateness, Duration episodeGap, int queuedBatches) {
            this(partitions, allowedLateness, episodeGap, queuedBatches, DEFAULT_RETRO_WINDOW, DEFAULT_RETRO_MAX_ADDRESSES);
        }

        /** Every default, one partition per core. */
        public static Settings defaults() {
            return defaults(Runtime.getRuntime().availableProcessors());
        }

        /** Every default but the number of partitions. */
        public static Settings defaults(int partitions) {
            return new Settings(partitions, DEFAULT_ALLOWED_LATENESS, DEFAULT_EPISODE_GAP, DEFAULT_QUEUED_BATCHES);
        }

        /** The same settings with other bounds. */
        public Settings withBounds(Duration lag, int machines, int processes, Duration future) {
            return new Settings(partitions, allowedLateness, episodeGap, queuedBatches, retroWindow, retroMaxAddresses, lag, machines,
                processes, future);
        }

        MinuteRollup.Limits rollupLimits() {
            return new MinuteRollup.Limits(allowedLateness.toMillis(), machineLag.toMillis(), Math.max(1, maxMachines / partitions),
                maxProcesses);
        }
    }

    private final RulePartition[] partitions;
    private final ThreadPoolExecutor[] threads;
    private final long latenessMillis;
    private final EngineStats stats = new EngineStats();
    private final AlertSink sink;
    private final Supplier<ThreatSnapshot> intel;
    /** Written under the engine's lock by {@link #reload}, read without it by {@link #rules}. */
    private volatile CompiledRules compiled;
    /** The rules and data files in force (replaced by a reload). */
    private volatile RuleSet ruleSet;
    private volatile Reload lastReload;
    /** When the rules in force were loaded: at start, then by each successful reload. */
    private volatile java.time.Instant lastLoaded = java.time.Instant.now();
    private final FleetClock fleet;
    private final Clock wallClock;
    private final long maxFutureMillis;
    private final FutureCounts future = new FutureCounts(1_000);
    private volatile Duration skewTolerance = Duration.ofMinutes(5);
    private long maxEventTime = Long.MIN_VALUE;
    /** Written under the engine's lock, read without it (a status page must never wait behind a blocked submit). */
    private volatile long watermark = Long.MIN_VALUE;
    private volatile long lastRecordNanos = System.nanoTime();
    /** Records handed in so far, and how many had been when the open minutes were last closed. */
    private long recordsSeen;
    private long drainedAt = -1;

    public RuleEngine(RuleSet rules, AlertSink sink, Settings settings, Clock wallClock) {
        this(rules, sink, settings, wallClock, () -> ThreatSnapshot.EMPTY);
    }

    /**
     * @param rules the compiled rules and the data files they read, loaded together by {@link RuleSet#load}
     * @param intel the current threat-intelligence snapshot, read once per batch; connections are
     *              enriched with it before rules see them
     */
    public RuleEngine(RuleSet rules, AlertSink sink, Settings settings, Clock wallClock, Supplier<ThreatSnapshot> intel) {
        this(rules, sink, settings, wallClock, intel, RecordTap.NONE);
    }

    /**
     * @param tap sees each partition's share of every batch once enriched (the web console's
     *            workbook store), on the partition's thread
     */
    public RuleEngine(RuleSet rules, AlertSink sink, Settings settings, Clock wallClock, Supplier<ThreatSnapshot> intel,
                      RecordTap tap) {
        this.intel = intel;
        this.compiled = rules.rules();
        this.ruleSet = rules;
        if (settings.partitions() < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        this.sink = sink;
        this.latenessMillis = settings.allowedLateness().toMillis();
        this.fleet = new FleetClock(settings.machineLag().toMillis(), settings.maxMachines());
        this.wallClock = wallClock;
        this.maxFutureMillis = settings.maxFuture().toMillis();
        int n = settings.partitions();
        ConditionGuard.guard(rules.rules().kieBase());
        partitions = new RulePartition[n];
        threads = new ThreadPoolExecutor[n];
        for (int i = 0; i < n; i++) {
            int index = i;
            threads[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, settings.queuedBatches())), r -> {
                    Thread t = new Thread(r, "connwatch-rules-" + index);
                    t.setDaemon(true);
                    return t;
                });
        }
        // Sessions are created on their own thread, the only thread that ever touches them; all at
        // once, since each partition but the first builds a knowledge base of its own.
        int retroPerPartition = settings.retroMaxAddresses() / n;
        List<java.util.concurrent.Future<RulePartition>> created = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            created.add(threads[i].submit(() -> new RulePartition(index, rules, sink, settings.episodeGap(), wallClock, stats,
                settings.retroWindow(), retroPerPartition, settings.rollupLimits(), tap)));
        }
        for (int i = 0; i < n; i++) {
            partitions[i] = await(created.get(i));
        }
    }

    private static <T> T await(java.util.concurrent.Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("partition failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Keeps the machines' learned listening ports in {@code memory} (the service's store), so a
     * restart does not learn afresh; call before records arrive.
     */
    public void usePortMemory(io.connwatch.engine.facts.PortBaseline.Memory memory) {
        for (int i = 0; i < partitions.length; i++) {
            RulePartition p = partitions[i];
            call(threads[i], () -> {
                p.portMemory(memory);
                return null;
            });
        }
    }

    private static <T> T call(ThreadPoolExecutor executor, java.util.concurrent.Callable<T> task) {
        return await(executor.submit(task));
    }

    public int partitionCount() {
        return partitions.length;
    }

    /** The partition a machine's facts go to. */
    public int partitionOf(String machine) {
        // The high bits of the product: its low bit is the hash's own (an odd multiplier keeps parity),
        // so with two partitions the low bits split machines by the parity of String.hashCode alone.
        int h = machine.hashCode() * 0x9E3779B9;
        return Math.floorMod(h ^ (h >>> 16), partitions.length);
    }

    /**
     * Hands records to their partitions, blocking while a partition's queue is full.
     *
     * @return completes when every partition has processed its share and fired its rules
     */
    public CompletableFuture<Void> submit(List<? extends MachineRecord> records) {
        return dispatch(records, true);
    }

    /**
     * Like {@link #submit} but refuses instead of blocking.
     *
     * @return null when some partition's queue is full (the caller should answer 503 or retry)
     */
    public CompletableFuture<Void> offer(List<? extends MachineRecord> records) {
        return dispatch(records, false);
    }

    private synchronized CompletableFuture<Void> dispatch(List<? extends MachineRecord> records, boolean block) {
        if (!block) {
            for (ThreadPoolExecutor t : threads) {
                if (t.getQueue().remainingCapacity() == 0) {
                    return null;
                }
            }
        }
        @SuppressWarnings("unchecked")
        List<MachineRecord>[] split = new List[partitions.length];
        for (MachineRecord r : records) {
            int p = partitionOf(r.getMachine());
            if (split[p] == null) {
                split[p] = new ArrayList<>(records.size() / partitions.length + 16);
            }
            split[p].add(r);
            if (r.getTimestamp() > maxEventTime) {
                maxEventTime = r.getTimestamp();
            }
        }
        stats.records.add(records.size());
        long fleetNewest = records.isEmpty() ? fleet.newest() : fleet.observe(records);
        if (fleetNewest != Long.MIN_VALUE) {
            watermark = Math.max(watermark, fleetNewest - latenessMillis);
        }
        if (!records.isEmpty()) {
            lastRecordNanos = System.nanoTime();
            recordsSeen += records.size();
        }
        long wm = watermark;
        ThreatSnapshot snapshot = intel.get();
        List<CompletableFuture<Void>> done = new ArrayList<>(partitions.length);
        for (int i = 0; i < partitions.length; i++) {
            RulePartition partition = partitions[i];
            List<MachineRecord> batch = split[i] == null ? List.of() : split[i];
            Runnable task = () -> partition.process(batch, wm, snapshot);
            done.add(run(threads[i], task));
        }
        return CompletableFuture.allOf(done.toArray(new CompletableFuture[0]));
    }

    private static CompletableFuture<Void> run(ThreadPoolExecutor executor, Runnable task) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        Runnable wrapped = () -> {
            try {
                task.run();
                f.complete(null);
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        };
        while (true) {
            try {
                executor.execute(wrapped);
                return f;
            } catch (RejectedExecutionException full) {
                if (executor.isShutdown()) {
                    f.completeExceptionally(full);
                    return f;
                }
                // Queue full: wait for room. This is the backpressure that keeps memory bounded.
                try {
                    executor.getQueue().put(wrapped);
                    return f;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    f.completeExceptionally(e);
                    return f;
                }
            }
        }
    }

    /**
     * Ends a finite input: releases every open minute, moves all clocks to the latest event time
     * and fires, so windows that the lateness allowance held open are evaluated.
     */
    public CompletableFuture<Void> drain() {
        long end;
        synchronized (this) {
            if (maxEventTime == Long.MIN_VALUE) {
                return CompletableFuture.completedFuture(null);
            }
            // The fleet's newest time, not the newest record's: one machine ahead must not move every clock.
            watermark = Math.max(watermark, fleet.newest());
            end = watermark;
        }
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < partitions.length; i++) {
            RulePartition p = partitions[i];
            done.add(run(threads[i], () -> p.advance(end, true)));
        }
        return CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).thenRun(sink::flush);
    }

    /**
     * Closes the open minutes when no record has arrived for {@code idle} of wall-clock time, so
     * an always-on engine whose sources went quiet still judges its last minutes instead of
     * waiting for the next record. Rows that arrive later for those minutes count as late.
     *
     * @return true when it drained
     */
    public boolean drainIfIdle(Duration idle) {
        synchronized (this) {
            // Records seen, not the newest event time: after one machine far ahead the newest time no longer moves.
            if (maxEventTime == Long.MIN_VALUE || drainedAt == recordsSeen
                || System.nanoTime() - lastRecordNanos < idle.toNanos()) {
                return false;
            }
            drainedAt = recordsSeen;
        }
        drain().join();
        return true;
    }

    /**
     * Retro-matching: after a feed refresh added indicators, every partition judges again the
     * remembered connections to the added addresses (see {@link io.connwatch.engine.facts.SightingMemory}).
     *
     * @return completes with the number of connections judged again
     */
    public CompletableFuture<Integer> retroMatch(ThreatSnapshot now, IpIndex added) {
        if (added.size() == 0) {
            return CompletableFuture.completedFuture(0);
        }
        List<CompletableFuture<Integer>> done = new ArrayList<>();
        for (int i = 0; i < partitions.length; i++) {
            RulePartition p = partitions[i];
            CompletableFuture<Integer> f = new CompletableFuture<>();
            run(threads[i], () -> f.complete(p.retroMatch(now, added))).whenComplete((v, t) -> {
                if (t != null) {
                    f.completeExceptionally(t);
                }
            });
            done.add(f);
        }
        return CompletableFuture.allOf(done.toArray(new CompletableFuture[0]))
            .thenApply(v -> done.stream().mapToInt(CompletableFuture::join).sum());
    }

    /**
     * The outcome of the last reload attempt.
     *
     * @param at       when it finished
     * @param version  the rules version running afterwards
     * @param rules    the rules running afterwards
     * @param millis   how long the partitions were paused (0 when the new rules did not compile)
     * @param problems why the new rules were refused (empty on success)
     */
    public record Reload(java.time.Instant at, String version, List<String> rules, long millis, List<RuleProblem> problems) {
    }

    /** The rules now running; never waits for the engine's lock (GET /rules runs on an event loop). */
    /** The rules in force with the data files they read. */
    public RuleSet ruleSet() {
        return ruleSet;
    }

    public CompiledRules rules() {
        return compiled;
    }

    /** The last reload attempt, or null before the first. */
    public Reload lastReload() {
        return lastReload;
    }

    /** When the rules in force were loaded: when the engine started, or by the last reload that succeeded. */
    public java.time.Instant lastLoaded() {
        return lastLoaded;
    }

    /**
     * Reloads the rules directory while facts keep flowing: the new rules and data files are
     * first checked in full beside the running ones; if anything is wrong the running rules go on
     * untouched and the problems are returned. Otherwise every partition finishes the batches it
     * was given, pauses, the knowledge base is updated in place (sessions keep their facts and
     * window state; unchanged rules do not fire again on old facts), the new parameters and
     * allowlist are set, and the partitions go on. Each partition but the first has a knowledge
     * base of its own, updated the same way (see {@link RulePartition#update}).
     */
    public Reload reload() {
        CompiledRules current;
        synchronized (this) {
            current = compiled;
        }
        RuleSet checked;
        RuleCompiler.Prepared prepared;
        try {
            checked = RuleSet.load(current.directory(), current.floor());
            prepared = RuleCompiler.prepare(current);
        } catch (RuleCompilationException e) {
            Reload r = new Reload(java.time.Instant.now(), current.releaseId().getVersion(), current.ruleNames(), 0, e.problems());
            lastReload = r;
            return r;
        }
        // The check compiled a knowledge base of its own; only its verdict is needed.
        checked.rules().container().dispose();
        KieServices.get().getRepository().removeKieModule(checked.rules().releaseId());
        synchronized (this) {
            java.util.concurrent.CountDownLatch parked = new java.util.concurrent.CountDownLatch(partitions.length);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            long start = System.nanoTime();
            for (ThreadPoolExecutor t : threads) {
                run(t, () -> {
                    parked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            try {
                parked.await();
                CompiledRules next;
                try {
                    next = RuleCompiler.apply(current, prepared);
                } catch (RuleCompilationException e) {
                    Reload r = new Reload(java.time.Instant.now(), current.releaseId().getVersion(), current.ruleNames(), 0, e.problems());
                    lastReload = r;
                    return r;
                }
                ConditionGuard.guard(next.kieBase());
                RuleSet loaded = new RuleSet(next, checked.params(), checked.allowlist(), checked.countries());
                for (RulePartition p : partitions) {
                    p.update(next, loaded);
                }
                compiled = next;
                ruleSet = loaded;
                Reload r = new Reload(java.time.Instant.now(), next.releaseId().getVersion(), next.ruleNames(),
                    (System.nanoTime() - start) / 1_000_000, List.of());
                lastReload = r;
                lastLoaded = r.at();
                return r;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reloading", e);
            } finally {
                release.countDown();
            }
        }
    }

    /** Runs {@code action} on every partition's session, on the partition's thread (for tests that need Drools' own hooks). */
    void onSessions(java.util.function.Consumer<org.kie.api.runtime.KieSession> action) {
        for (int i = 0; i < partitions.length; i++) {
            RulePartition p = partitions[i];
            call(threads[i], () -> {
                action.accept(p.session());
                return null;
            });
        }
    }

    /** Remote IPs remembered for retro-matching, across partitions. */
    public long rememberedAddresses() {
        long total = 0;
        for (int i = 0; i < partitions.length; i++) {
            RulePartition p = partitions[i];
            total += call(threads[i], () -> (long) p.rememberedAddresses());
        }
        return total;
    }

    /**
     * Checks a live record's time against the wall clock before it is handed in: a record more than
     * the configured max-future ahead (a machine whose clock is wrong, or a forged record) is refused,
     * counted per machine, and never moves any clock.
     *
     * @return why the record is refused, or null when it may be submitted
     */
    public String admit(MachineRecord r) {
        if (maxFutureMillis <= 0) {
            return null;
        }
        long ahead = r.getTimestamp() - wallClock.millis();
        if (ahead <= maxFutureMillis) {
            return null;
        }
        stats.futureRejected.increment();
        future.count(r.getMachine(), r.getTimestamp());
        return "TimeGenerated " + java.time.Instant.ofEpochMilli(r.getTimestamp()) + " is " + Duration.ofMillis(ahead).toSeconds()
            + " s ahead of this server's clock (rules.max-future " + Duration.ofMillis(maxFutureMillis) + ")";
    }

    /**
     * A decoder sink for a live source (HTTP, Kafka): each record goes through {@link #admit}
     * first, and one refused becomes a rejection of its field, placed as "record N (Machine M)".
     */
    public io.connwatch.engine.facts.RecordDecoder.Sink admitting(String source, io.connwatch.engine.facts.RecordDecoder.Sink sink) {
        int[] ordinal = {0};
        return io.connwatch.engine.facts.RecordDecoder.Sink.of(r -> {
            ordinal[0]++;
            String why = admit(r);
            if (why == null) {
                sink.record(r);
            } else {
                sink.rejected(new io.connwatch.engine.facts.Rejection(source, "record " + ordinal[0] + " (Machine " + r.getMachine() + ")",
                    "TimeGenerated", why));
            }
        }, sink::rejected);
    }

    /** Machines whose live records were refused as too far in the future, most refused first. */
    public List<FutureCounts.Machine> futureMachines(int limit) {
        return future.top(limit);
    }

    /** Machines whose newest event time is more than {@code tolerance} ahead of the fleet's, furthest first. */
    public List<FleetClock.Skewed> skewedMachines(Duration tolerance, int limit) {
        return fleet.skewed(tolerance.toMillis(), limit);
    }

    /** The fleet's newest event time (Long.MIN_VALUE before any record). */
    public long fleetNewest() {
        return fleet.newest();
    }

    /** The current watermark in epoch milliseconds (Long.MIN_VALUE before any record). */
    public long watermark() {
        return watermark;
    }

    public EngineStats stats() {
        return stats;
    }

    /** Facts held in all sessions now; flat over an always-on run when expiry works. */
    public long factCount() {
        return sumOverPartitions(RulePartition::factCount);
    }

    /**
     * Rollups the partitions keep for the {@code windows} global beside their sessions (most of them
     * also in the session until a rule no longer holds them); flat over an always-on run like
     * {@link #factCount}.
     */
    public long windowRollups() {
        return sumOverPartitions(RulePartition::windowRollups);
    }

    /** A count added up over the partitions, each read on its own thread. */
    private long sumOverPartitions(java.util.function.ToLongFunction<RulePartition> count) {
        long total = 0;
        for (int i = 0; i < partitions.length; i++) {
            RulePartition p = partitions[i];
            total += call(threads[i], () -> count.applyAsLong(p));
        }
        return total;
    }

    /** Machines whose minutes the partitions track now (bounded by maxMachines); never waits for the partitions. */
    public long trackedMachines() {
        return stats.trackedMachines.sum();
    }

    /** Machines further ahead of the fleet than this are reported as having skewed clocks. */
    public void reportSkewBeyond(Duration tolerance) {
        this.skewTolerance = tolerance;
    }

    /** The tolerance set by {@link #reportSkewBeyond} (5 minutes unless set). */
    public Duration clockSkew() {
        return skewTolerance;
    }

    /** Live dedup episodes across partitions. */
    public long liveEpisodes() {
        return sumOverPartitions(p -> p.alerts().dedup().liveEpisodes());
    }

    @Override
    public void close() {
        for (int i = 0; i < partitions.length; i++) {
            RulePartition p = partitions[i];
            try {
                call(threads[i], () -> {
                    p.dispose();
                    return null;
                });
            } catch (IllegalStateException e) {
                // already failing: still shut the thread down below
            }
            threads[i].shutdown();
        }
        sink.flush();
    }
}

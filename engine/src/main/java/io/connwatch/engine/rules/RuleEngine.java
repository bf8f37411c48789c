package io.connwatch.engine.rules;

import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.facts.MachineRecord;
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

/**
 * Runs the rules over facts, partitioned by Machine across N single-threaded Drools sessions so
 * every core works and each machine's windows stay in one session.
 *
 * <p><b>Time.</b> Each session runs on a pseudo clock driven by event time. The watermark is the
 * largest TimeGenerated seen minus the allowed lateness; a minute's rollups are released to the
 * rules once the watermark passes its end, and sessions' clocks follow the watermark. A row
 * older than the watermark still reaches the per-row rules but no longer counts in windows
 * ({@link EngineStats#lateForWindows}).
 *
 * <p>{@link #submit} may be called from several threads; the sessions are never touched by the
 * caller's thread, and never by a Vert.x event loop.
 */
public final class RuleEngine implements AutoCloseable {
    /**
     * Settings of the engine's time and parallelism; the {@code DEFAULT_*} values are the
     * configuration's defaults too.
     */
    public record Settings(int partitions, Duration allowedLateness, Duration episodeGap, int queuedBatches,
                           Duration retroWindow, int retroMaxAddresses) {
        public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofMinutes(2);
        public static final Duration DEFAULT_EPISODE_GAP = Duration.ofMinutes(30);
        public static final int DEFAULT_QUEUED_BATCHES = 16;
        public static final Duration DEFAULT_RETRO_WINDOW = Duration.ofHours(24);
        public static final int DEFAULT_RETRO_MAX_ADDRESSES = 200_000;

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
    }

    private final RulePartition[] partitions;
    private final ThreadPoolExecutor[] threads;
    private final long latenessMillis;
    private final EngineStats stats = new EngineStats();
    private final AlertSink sink;
    private final Supplier<ThreatSnapshot> intel;
    private CompiledRules compiled;
    private volatile Reload lastReload;
    private long maxEventTime = Long.MIN_VALUE;
    private long watermark = Long.MIN_VALUE;
    private volatile long lastRecordNanos = System.nanoTime();
    private long drainedAt = Long.MIN_VALUE;

    public RuleEngine(RuleSet rules, AlertSink sink, Settings settings, Clock wallClock) {
        this(rules, sink, settings, wallClock, () -> ThreatSnapshot.EMPTY);
    }

    /**
     * @param rules the compiled rules and the data files they read, loaded together by {@link RuleSet#load}
     * @param intel the current threat-intelligence snapshot, read once per batch; connections are
     *              enriched with it before rules see them
     */
    public RuleEngine(RuleSet rules, AlertSink sink, Settings settings, Clock wallClock, Supplier<ThreatSnapshot> intel) {
        this.intel = intel;
        this.compiled = rules.rules();
        if (settings.partitions() < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        this.sink = sink;
        this.latenessMillis = settings.allowedLateness().toMillis();
        int n = settings.partitions();
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
            // Sessions are created on their own thread, the only thread that ever touches them.
            int retroPerPartition = settings.retroMaxAddresses() / n;
            partitions[i] = call(threads[i], () -> new RulePartition(index, rules, sink, settings.episodeGap(), wallClock, stats,
                settings.retroWindow(), retroPerPartition));
        }
    }

    private static <T> T call(ThreadPoolExecutor executor, java.util.concurrent.Callable<T> task) {
        try {
            return executor.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("partition failed: " + e.getCause(), e.getCause());
        }
    }

    public int partitionCount() {
        return partitions.length;
    }

    /** The partition a machine's facts go to. */
    public int partitionOf(String machine) {
        return Math.floorMod(machine.hashCode() * 0x9E3779B9, partitions.length);
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
            stats.records.increment();
        }
        if (maxEventTime != Long.MIN_VALUE) {
            watermark = Math.max(watermark, maxEventTime - latenessMillis);
        }
        if (!records.isEmpty()) {
            lastRecordNanos = System.nanoTime();
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
            watermark = Math.max(watermark, maxEventTime);
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
            if (maxEventTime == Long.MIN_VALUE || drainedAt == maxEventTime
                || System.nanoTime() - lastRecordNanos < idle.toNanos()) {
                return false;
            }
            drainedAt = maxEventTime;
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

    /** The rules now running. */
    public synchronized CompiledRules rules() {
        return compiled;
    }

    /** The last reload attempt, or null before the first. */
    public Reload lastReload() {
        return lastReload;
    }

    /**
     * Reloads the rules directory while facts keep flowing: the new rules and data files are
     * first checked in full beside the running ones; if anything is wrong the running rules go on
     * untouched and the problems are returned. Otherwise every partition finishes the batches it
     * was given, pauses, the knowledge base is updated in place (sessions keep their facts and
     * window state; unchanged rules do not fire again on old facts), the new parameters and
     * allowlist are set, and the partitions go on.
     */
    public Reload reload() {
        CompiledRules current;
        synchronized (this) {
            current = compiled;
        }
        RuleSet checked;
        RuleCompiler.Prepared prepared;
        try {
            checked = RuleSet.load(current.directory(), current.retention());
            prepared = RuleCompiler.prepare(current);
        } catch (RuleCompilationException e) {
            Reload r = new Reload(java.time.Instant.now(), current.releaseId().getVersion(), current.ruleNames(), 0, e.problems());
            lastReload = r;
            return r;
        }
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
                for (RulePartition p : partitions) {
                    p.ruleData(checked);
                }
                compiled = next;
                Reload r = new Reload(java.time.Instant.now(), next.releaseId().getVersion(), next.ruleNames(),
                    (System.nanoTime() - start) / 1_000_000, List.of());
                lastReload = r;
                return r;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reloading", e);
            } finally {
                release.countDown();
            }
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

    /** The current watermark in epoch milliseconds (Long.MIN_VALUE before any record). */
    public synchronized long watermark() {
        return watermark;
    }

    public EngineStats stats() {
        return stats;
    }

    /** Facts held in all sessions now; flat over an always-on run when expiry works. */
    public long factCount() {
        long total = 0;
        for (int i = 0; i < partitions.length; i++) {
            RulePartition p = partitions[i];
            total += call(threads[i], p::factCount);
        }
        return total;
    }

    /** Live dedup episodes across partitions. */
    public long liveEpisodes() {
        long total = 0;
        for (int i = 0; i < partitions.length; i++) {
            RulePartition p = partitions[i];
            total += call(threads[i], () -> (long) p.alerts().dedup().liveEpisodes());
        }
        return total;
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

package io.connwatch.engine.cli;

import io.connwatch.alert.Alert;
import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.devtools.FleetProfile;
import io.connwatch.engine.devtools.bench.BenchInput;
import io.connwatch.engine.devtools.bench.JacksonCeiling;
import io.connwatch.engine.devtools.bench.NaiveDrools;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.ingest.file.FileReplay;
import io.connwatch.engine.rules.RecordTap;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.service.EngineAssembly;
import io.connwatch.engine.workbook.WorkbookStore;
import io.connwatch.feeds.ThreatIntel;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code connwatch bench --profile ...}: the one-thread Jackson parse ceiling, the naive Drools
 * pipeline and connwatch end to end, each in turn on the same input read the same way, round after
 * round, then one table with records/s, machine-minutes/s, heap and the ratios between them.
 */
final class ProfileBench {
    /** The pipelines compared, in the order each round runs them. */
    enum Pipeline {
        CEILING("Jackson parse (ceiling)"), NAIVE("naive Drools"), CONNWATCH("connwatch");

        final String label;

        Pipeline(String label) {
            this.label = label;
        }
    }

    /** One timed pass of one pipeline. */
    record Pass(long records, double seconds, long peakHeap, long liveHeap, String detail) {
        double rate() {
            return records / seconds;
        }
    }

    private final BenchCommand options;
    private final ConnwatchConfig config;
    private final PrintWriter out;
    private final PrintWriter err;
    private NaiveDrools naive;

    ProfileBench(BenchCommand options, ConnwatchConfig config, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.config = config;
        this.out = out;
        this.err = err;
    }

    /** Runs every selected pipeline on {@code warm} (when not null, reported but not tabled), then the rounds on {@code input}. */
    Map<Pipeline, List<Pass>> run(BenchInput warm, BenchInput input, String what) throws Exception {
        List<Pipeline> selected = options.pipelines();
        if (selected.contains(Pipeline.NAIVE)) {
            naive = new NaiveDrools(FleetProfile.incidentAddresses());
        }
        long inputHeap = liveHeap();
        err.printf(Locale.ROOT, "%s: %,d records, %,d machine-minutes, %,.0f bytes per record, %s; %,d MiB of heap live before "
                + "the runs%n", what, input.records(), input.machineMinutes(), (double) input.bytes() / input.records(),
            input.fromDisk() ? "read from disk (" + input.file() + ") inside every timed pass" : "held in memory", inputHeap >> 20);
        err.flush();
        if (warm != null) {
            for (Pipeline p : selected) {
                pass(p, warm, "warm-up");
            }
        }
        Map<Pipeline, List<Pass>> passes = new EnumMap<>(Pipeline.class);
        for (int round = 1; round <= options.rounds; round++) {
            for (Pipeline p : selected) {
                passes.computeIfAbsent(p, k -> new ArrayList<>()).add(pass(p, input, "round " + round));
            }
        }
        table(passes, input, what, inputHeap);
        return passes;
    }

    private Pass pass(Pipeline p, BenchInput input, String label) throws Exception {
        System.gc();
        BenchCommand.resetPeaks();
        Pass pass = switch (p) {
            case CEILING -> ceiling(input);
            case NAIVE -> naive(input);
            case CONNWATCH -> connwatch(input);
        };
        err.printf(Locale.ROOT, "%-8s %-24s %,12d records in %7.2f s = %,10.0f records/s; %s%n", label, p.label, pass.records(),
            pass.seconds(), pass.rate(), pass.detail());
        err.flush();
        return pass;
    }

    private Pass ceiling(BenchInput input) throws Exception {
        long start = System.nanoTime();
        JacksonCeiling.Result r = JacksonCeiling.run(input);
        double secs = (System.nanoTime() - start) / 1e9;
        long peak = BenchCommand.peakHeap();
        return new Pass(r.records(), secs, peak, liveHeap(), String.format(Locale.ROOT, "%,d connections, %,d bound ports",
            r.connections(), r.boundPorts()));
    }

    private Pass naive(BenchInput input) throws Exception {
        long[] end = new long[3];
        long start = System.nanoTime();
        NaiveDrools.Counts c = naive.run(input, held -> {
            end[0] = System.nanoTime();
            end[1] = BenchCommand.peakHeap();
            end[2] = liveHeap();
        });
        return new Pass(c.records, (end[0] - start) / 1e9, end[1], end[2], String.format(Locale.ROOT,
            "firings: %,d failures (%,d machines), %,d bytes (%,d processes), %,d listed; %,d events in windows at the end",
            c.failureFirings, c.failuresByMachine.size(), c.bytesFirings, c.bytesByProcess.size(), c.listedFirings, c.factsAtEnd));
    }

    /** One pass of connwatch end to end (also what the Kafka bench compares itself with). */
    Pass connwatch(BenchInput input) throws Exception {
        LongAdder alerts = new LongAdder();
        AlertSink count = new AlertSink() {
            @Override
            public void publish(Alert alert) {
                alerts.increment();
            }
        };
        WorkbookStore workbooks = options.noConsole || !config.console().enabled() ? null : new WorkbookStore(config.console().store());
        try (ThreatIntel intel = EngineAssembly.feeds(config, new PrintWriter(Writer.nullWriter()));
             RuleEngine engine = EngineAssembly.engine(config, count, options.syntheticIntel != null ? options.syntheticIntel
                 : intel::snapshot, workbooks == null ? RecordTap.NONE : workbooks)) {
            IngestStats ingest = new IngestStats();
            long start = System.nanoTime();
            if (input.fromDisk()) {
                FileReplay replay = new FileReplay(engine, ingest, r -> { }, n -> { });
                replay.replay(input.file());
                replay.await();
            } else {
                RecordDecoder decoder = new RecordDecoder();
                CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
                for (String chunk : input.chunks()) {
                    List<MachineRecord> batch = new ArrayList<>(options.batch);
                    decoder.decode("bench", chunk, RecordDecoder.Sink.of(batch::add, r -> ingest.rejected(IngestStats.Source.FILE, r)));
                    ingest.accepted(IngestStats.Source.FILE, batch);
                    CompletableFuture<Void> done = engine.submit(batch);
                    inFlight.join();
                    inFlight = done;
                }
                inFlight.join();
            }
            engine.drain().join();
            double secs = (System.nanoTime() - start) / 1e9;
            long peak = BenchCommand.peakHeap();
            long live = liveHeap();
            return new Pass(ingest.accepted.sum(), secs, peak, live, String.format(Locale.ROOT,
                "%,d alerts, %,d rejected, %,d rows too late for windows, %,d facts held at the end (%d partitions)", alerts.sum(),
                ingest.rejected.sum(), engine.stats().lateForWindows.sum(), engine.factCount(), engine.partitionCount()));
        }
    }

    private void table(Map<Pipeline, List<Pass>> passes, BenchInput input, String what, long inputHeap) {
        Pass ceiling = best(passes.get(Pipeline.CEILING));
        Pass naiveBest = best(passes.get(Pipeline.NAIVE));
        out.printf(Locale.ROOT, "%n%s: %,d records, %,d machine-minutes, %,.0f bytes per record, %s; %d cores; input %,d MiB of heap%n",
            what, input.records(), input.machineMinutes(), (double) input.bytes() / input.records(),
            input.fromDisk() ? "from disk" : "in memory", Runtime.getRuntime().availableProcessors(), inputHeap >> 20);
        out.println("| pipeline | first round records/s | best records/s | best machine-minutes/s | peak heap MiB | live heap MiB "
            + "after full GC | x ceiling | x naive Drools |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (Map.Entry<Pipeline, List<Pass>> e : passes.entrySet()) {
            Pass b = best(e.getValue());
            Pass first = e.getValue().get(0);
            long peak = e.getValue().stream().mapToLong(Pass::peakHeap).max().orElse(0);
            long live = e.getValue().stream().mapToLong(Pass::liveHeap).max().orElse(0);
            out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %,d | %,d | %s | %s |%n", e.getKey().label, first.rate(), b.rate(),
                input.machineMinutes() / b.seconds(), peak >> 20, live >> 20, ratio(b, ceiling), ratio(b, naiveBest));
        }
        out.flush();
    }

    private static String ratio(Pass a, Pass b) {
        return b == null ? "-" : String.format(Locale.ROOT, "%.2f", a.rate() / b.rate());
    }

    private static Pass best(List<Pass> passes) {
        if (passes == null) {
            return null;
        }
        Pass best = passes.get(0);
        for (Pass p : passes) {
            if (p.rate() > best.rate()) {
                best = p;
            }
        }
        return best;
    }

    /** Heap in use after full collections, repeated until it stops shrinking by more than 1 % (at most 8). */
    static long liveHeap() {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (used >= last - last / 100) {
                return Math.min(used, last);
            }
            last = used;
        }
        return last;
    }
}

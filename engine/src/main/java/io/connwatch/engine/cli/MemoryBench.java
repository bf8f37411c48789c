package io.connwatch.engine.cli;

import io.connwatch.alert.Alert;
import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.rules.RecordTap;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.service.EngineAssembly;
import io.connwatch.engine.workbook.WorkbookStore;
import io.connwatch.feeds.IndexBenchmark;
import io.connwatch.feeds.IpIndex;
import io.connwatch.feeds.ThreatSnapshot;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * {@code connwatch bench --memory}: the live heap of the engine tracking a fleet while enriching
 * from a large feed, and, by differences between runs after full collections, the bytes one tracked
 * machine and one process key cost.
 */
final class MemoryBench {
    private final BenchCommand options;
    private final ConnwatchConfig config;
    private final PrintWriter out;
    private final PrintWriter err;

    MemoryBench(BenchCommand options, ConnwatchConfig config, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.config = config;
        this.out = out;
        this.err = err;
    }

    int run() throws Exception {
        int machines = options.machines != null ? options.machines : 10_000;
        int indicators = options.indicators != null ? options.indicators : 1_000_000;
        int processes = Math.max(2, options.processes);
        if (options.minutes < 1) {
            err.println("bench --memory: --minutes must be at least 1");
            return 2;
        }
        int minutes = options.minutes;
        long base = ProfileBench.liveHeap();
        ThreatSnapshot snapshot = new ThreatSnapshot(IpIndex.build(IndexBenchmark.indicators(indicators, 42)), IpIndex.empty(), 1,
            Instant.now());
        long withFeed = ProfileBench.liveHeap();
        err.printf(Locale.ROOT, "%,d indicators: %,d MiB live (%.1f bytes each)%n", indicators, (withFeed - base) >> 20,
            (double) (withFeed - base) / indicators);
        err.flush();
        long full = tracked(snapshot, machines, processes, minutes) - withFeed;
        long halfMachines = tracked(snapshot, machines / 2, processes, minutes) - withFeed;
        long halfProcesses = tracked(snapshot, machines, processes / 2, minutes) - withFeed;
        double perMachine = (double) (full - halfMachines) / (machines - machines / 2);
        double perProcess = (double) (full - halfProcesses) / ((long) machines * (processes - processes / 2));
        out.printf(Locale.ROOT, "bench --memory: %,d machines x %d processes, %d minutes of data, %,d indicators, console %s: "
                + "live heap %,d MiB after full GC (the feed %,d MiB, the engine's state %,d MiB); %,.0f bytes per tracked machine "
                + "(%,d vs %,d machines), %,.0f bytes per process key (%d vs %d processes a machine); %,.1f bytes per indicator%n",
            machines, processes, minutes, indicators, console() ? "on" : "off", (withFeed - base + full) >> 20, (withFeed - base) >> 20,
            full >> 20, perMachine, machines, machines / 2, perProcess, processes, processes / 2, (double) (withFeed - base) / indicators);
        out.flush();
        java.lang.ref.Reference.reachabilityFence(snapshot);
        return 0;
    }

    private boolean console() {
        return !options.noConsole && config.console().enabled();
    }

    /** Feeds one row per process per machine per minute to a fresh engine; the live heap with the engine holding its state. */
    private long tracked(ThreatSnapshot snapshot, int machines, int processes, int minutes) throws Exception {
        AlertSink none = new AlertSink() {
            @Override
            public void publish(Alert alert) {
            }
        };
        WorkbookStore workbooks = console() ? new WorkbookStore(config.console().store()) : null;
        try (RuleEngine engine = EngineAssembly.engine(config, none, () -> snapshot, workbooks == null ? RecordTap.NONE : workbooks)) {
            RecordDecoder decoder = new RecordDecoder();
            long start = Instant.parse("2024-04-01T00:00:00Z").toEpochMilli();
            StringBuilder sb = new StringBuilder(1 << 20);
            CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
            long records = 0;
            for (int minute = 0; minute < minutes; minute++) {
                String time = Instant.ofEpochMilli(start + minute * 60_000L).toString();
                for (int m = 0; m < machines; m++) {
                    for (int p = 0; p < processes; p++) {
                        row(sb, time, m, p, minute);
                        records++;
                    }
                    if (sb.length() > 1 << 20) {
                        inFlight = submit(engine, decoder, sb, inFlight);
                    }
                }
            }
            inFlight = submit(engine, decoder, sb, inFlight);
            inFlight.join();
            engine.drain().join();
            long live = ProfileBench.liveHeap();
            err.printf(Locale.ROOT, "%,d machines x %d processes: %,d records, %,d facts held, %,d MiB live%n", machines, processes,
                records, engine.factCount(), live >> 20);
            err.flush();
            java.lang.ref.Reference.reachabilityFence(workbooks);
            return live;
        }
    }

    private static CompletableFuture<Void> submit(RuleEngine engine, RecordDecoder decoder, StringBuilder sb,
                                                  CompletableFuture<Void> inFlight) {
        List<MachineRecord> batch = new ArrayList<>();
        decoder.decode("bench", sb.toString(), RecordDecoder.Sink.of(batch::add, r -> {
            throw new IllegalStateException(r.message());
        }));
        sb.setLength(0);
        CompletableFuture<Void> done = engine.submit(batch);
        inFlight.join();
        return done;
    }

    private static void row(StringBuilder sb, String time, int m, int p, int minute) {
        String ip = "10." + (m >> 16 & 255) + "." + (m >> 8 & 255) + "." + (m & 255);
        String remote = "52." + (m % 200) + "." + p + "." + (1 + minute % 4);
        sb.append("{\"Type\":\"VMConnection\",\"TimeGenerated\":\"").append(time)
            .append("\",\"Computer\":\"vm-").append(m).append(".contoso.com\",\"Machine\":\"m-").append(m)
            .append("\",\"Process\":\"p-").append(m).append('-').append(p).append("\",\"ProcessName\":\"proc").append(p)
            .append("\",\"SourceIp\":\"").append(ip).append("\",\"DestinationIp\":\"").append(remote)
            .append("\",\"DestinationPort\":443,\"Protocol\":\"tcp\",\"Direction\":\"outbound\",\"LinksEstablished\":2,")
            .append("\"LinksTerminated\":2,\"LinksFailed\":0,\"LinksLive\":0,\"BytesSent\":").append(1000 + p)
            .append(",\"BytesReceived\":5000,\"Responses\":6,\"RemoteIp\":\"").append(remote).append("\"}\n");
    }
}

package io.connwatch.engine.cli;

import io.connwatch.engine.service.EngineAssembly;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.facts.Rejection;
import io.connwatch.engine.devtools.DataGenerator;
import io.connwatch.engine.rules.RecordTap;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.workbook.WorkbookStore;
import io.connwatch.feeds.ThreatIntel;
import io.connwatch.feeds.IndexBenchmark;
import io.connwatch.feeds.IpIndex;
import io.connwatch.feeds.ThreatSnapshot;
import java.util.function.Supplier;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures end-to-end throughput: JSON text in memory, decoded, through the shipped rules, alerts
 * raised (and counted, not printed). Reports records per second and peak heap.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure throughput and peak heap: generated records through decoding, the rules and alerts.",
        "Generated JSON-lines text held in memory -> decode -> rules -> alerts (or from a Kafka topic with --kafka).",
        "Prints records/s for each timed round and the peak heap. Run with the JVM options you deploy with."})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--machines", defaultValue = "500", description = "Machines in the generated fleet (default: ${DEFAULT-VALUE}).")
    int machines;

    @Option(names = "--records", defaultValue = "2000000", description = "Records per timed round (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--rounds", defaultValue = "3", description = "Timed rounds, each on a fresh engine (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "1000000", description = "Records run first, untimed, to warm the JIT (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--partitions", description = "Rule partitions (default: from the configuration, one per core).")
    Integer partitions;

    @Option(names = "--batch", defaultValue = "4096", description = "Records per text chunk and engine batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--decode-only", description = "Measure decoding alone (one thread), without the rules.")
    boolean decodeOnly;

    @Option(names = "--indicators", description = "Enrich from a synthetic feed of this many mixed IPv4/IPv6 indicators "
        + "instead of the configured feeds.")
    Integer indicators;

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", description = {"Measure consumption from Kafka instead: the records are "
        + "first produced (one per message, keyed by Machine) to a new topic on this broker, then each round a new consumer group "
        + "reads them through the rules, timed from start until every record is judged.", "A local broker: see the README."})
    String kafka;

    @Option(names = "--topic-partitions", defaultValue = "4", description = "Partitions of the --kafka topic (default: ${DEFAULT-VALUE}).")
    int topicPartitions;

    @Option(names = "--no-console", description = "Run the engine without the web console's workbook store (to measure what it costs).")
    boolean noConsole;

    @Option(names = "--workbook-memory", description = "Measure the heap the web console's workbook store keeps per machine-hour "
        + "(the generated records fed to the store alone, no rules), instead of throughput.")
    boolean workbookMemory;

    Supplier<ThreatSnapshot> syntheticIntel;

    @Override
    public Integer call() throws Exception {
        ConnwatchConfig c = config.load();
        if (partitions != null) {
            c = c.withRules(c.rules().withPartitions(partitions));
        }
        if (indicators != null) {
            ThreatSnapshot snapshot = new ThreatSnapshot(IpIndex.build(IndexBenchmark.indicators(indicators, 42)), IpIndex.empty(), 1,
                Instant.now());
            syntheticIntel = () -> snapshot;
            System.err.printf(Locale.ROOT, "enriching from a synthetic feed of %,d indicators%n", indicators);
        }
        if (kafka != null) {
            return new KafkaBench(this, c).run();
        }
        if (workbookMemory) {
            return workbookMemory(c);
        }
        System.err.printf(Locale.ROOT, "generating %,d records for %d machines...%n", warmup + records, machines);
        List<String> chunks = generate(warmup + records);
        int warmChunks = warmup / batch;
        System.gc();
        long baseHeap = usedHeap();
        System.err.printf(Locale.ROOT, "%,d chunks of %d JSON lines in memory (%,d MiB of heap after GC)%n", chunks.size(), batch,
            baseHeap >> 20);
        run(c, chunks.subList(0, warmChunks), "warm-up");
        double best = 0;
        for (int i = 1; i <= rounds; i++) {
            System.gc();
            resetPeaks();
            double rate = run(c, chunks.subList(warmChunks, chunks.size()), "round " + i);
            best = Math.max(best, rate);
        }
        System.out.printf(Locale.ROOT, "bench: best %,.0f records/s over %,d records (%d partitions, %d cores); "
                + "peak heap %,d MiB (%,d MiB of it the input text)%n",
            best, (long) (chunks.size() - warmChunks) * batch, c.rules().engineSettings().partitions(),
            Runtime.getRuntime().availableProcessors(), peakHeap() >> 20, baseHeap >> 20);
        return 0;
    }

    private double run(ConnwatchConfig c, List<String> chunks, String label) throws Exception {
        if (decodeOnly) {
            return decode(chunks, label);
        }
        LongAdder alerts = new LongAdder();
        AlertSink count = new AlertSink() {
            @Override
            public void publish(Alert alert) {
                alerts.increment();
            }
        };
        LongAdder rejected = new LongAdder();
        long n = 0;
        WorkbookStore workbooks = noConsole || !c.console().enabled() ? null : new WorkbookStore(c.console().store());
        try (ThreatIntel intel = EngineAssembly.feeds(c, new java.io.PrintWriter(java.io.Writer.nullWriter()));
             RuleEngine engine = EngineAssembly.engine(c, count, syntheticIntel != null ? syntheticIntel : intel::snapshot,
                 workbooks == null ? RecordTap.NONE : workbooks)) {
            RecordDecoder decoder = new RecordDecoder();
            long start = System.nanoTime();
            CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
            for (String chunk : chunks) {
                List<MachineRecord> batchRecords = new ArrayList<>(batch);
                decoder.decode("bench", chunk, RecordDecoder.Sink.of(batchRecords::add, r -> rejected.increment()));
                n += batchRecords.size();
                CompletableFuture<Void> done = engine.submit(batchRecords);
                inFlight.join();
                inFlight = done;
            }
            inFlight.join();
            engine.drain().join();
            double secs = (System.nanoTime() - start) / 1e9;
            double rate = n / secs;
            System.err.printf(Locale.ROOT, "%-8s %,12d records in %6.2f s = %,10.0f records/s; %,d alerts, %,d rejected, "
                + "%,d facts held at end%n", label, n, secs, rate, alerts.sum(), rejected.sum(), engine.factCount());
            return rate;
        }
    }

    /**
     * Feeds the generated records to a workbook store alone and reports the heap it keeps: the
     * live heap after a full collection with the store held, minus the same without it.
     */
    private int workbookMemory(ConnwatchConfig c) {
        WorkbookStore.Limits limits = c.console().store();
        int total = warmup + records;
        System.err.printf(Locale.ROOT, "generating %,d records for %d machines...%n", total, machines);
        List<String> chunks = generate(total);
        RecordDecoder decoder = new RecordDecoder();
        // The text stays held through both measurements; records are decoded, fed and dropped chunk by chunk.
        long before = liveHeap();
        WorkbookStore store = new WorkbookStore(limits);
        long nanos = 0;
        long cpuNanos = 0;
        long n = 0;
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (String chunk : chunks) {
            List<MachineRecord> b = new ArrayList<>(batch);
            decoder.decode("bench", chunk, RecordDecoder.Sink.of(b::add, r -> { }));
            long cpu = threads.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            store.accepted(b);
            nanos += System.nanoTime() - t;
            cpuNanos += threads.getCurrentThreadCpuTime() - cpu;
            n += b.size();
        }
        double secs = nanos / 1e9;
        System.out.printf(Locale.ROOT, "workbook store: %,.0f ns of this thread's CPU per record (%,.0f ns of wall time, GC included)%n",
            (double) cpuNanos / n, (double) nanos / n);
        long after = liveHeap();
        WorkbookStore.Stats s = store.stats();
        double machineHours = s.minutes() / 60.0;
        System.out.printf(Locale.ROOT, "workbook store: %,d records in %.2f s (%,.0f records/s, one thread); %,d machines, %,d "
                + "machine-minutes (%.1f machine-hours) held in %,d KiB: %,.0f KiB per machine-hour (top-n %d, max-keys %d)%n",
            n, secs, n / secs, s.machines(), s.minutes(), machineHours, (after - before) >> 10,
            (after - before) / 1024.0 / machineHours, limits.topN(), limits.maxKeys());
        java.lang.ref.Reference.reachabilityFence(store);
        java.lang.ref.Reference.reachabilityFence(chunks);
        return 0;
    }

    private static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return usedHeap();
    }

    private double decode(List<String> chunks, String label) {
        RecordDecoder decoder = new RecordDecoder();
        long[] n = {0};
        RecordDecoder.Sink sink = new RecordDecoder.Sink() {
            @Override
            public void record(MachineRecord record) {
                n[0]++;
            }

            @Override
            public void rejected(Rejection rejection) {
                throw new IllegalStateException(rejection.message());
            }
        };
        long start = System.nanoTime();
        for (String chunk : chunks) {
            decoder.decode("bench", chunk, sink);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.err.printf(Locale.ROOT, "%-8s %,12d records decoded in %6.2f s = %,10.0f records/s (one thread)%n", label, n[0],
            secs, n[0] / secs);
        return n[0] / secs;
    }

    List<String> generate(int total) {
        ObjectMapper json = new ObjectMapper();
        double hours = total / (machines * 4.0 * 60); // at least 4 rows per machine-minute: enough, the rest is cut
        DataGenerator gen = new DataGenerator(new DataGenerator.Settings(machines, hours + 0.1,
            Instant.parse("2024-04-01T00:00:00Z"), 7, true));
        List<String> chunks = new ArrayList<>();
        StringBuilder sb = new StringBuilder(batch * 700);
        int[] inChunk = {0};
        int[] produced = {0};
        try {
            gen.generate(row -> {
                if (produced[0] >= total) {
                    throw new Done();
                }
                try {
                    sb.append(json.writeValueAsString(row)).append('\n');
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                produced[0]++;
                if (++inChunk[0] == batch) {
                    chunks.add(sb.toString());
                    sb.setLength(0);
                    inChunk[0] = 0;
                }
            });
        } catch (Done stop) {
            // enough rows
        }
        if (produced[0] < total) {
            throw new IllegalStateException("generator made only " + produced[0] + " rows");
        }
        return chunks;
    }

    private static final class Done extends RuntimeException {
        Done() {
            super(null, null, false, false);
        }
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    static long peakHeap() {
        return ReplayCommand.peakHeapBytes();
    }
}

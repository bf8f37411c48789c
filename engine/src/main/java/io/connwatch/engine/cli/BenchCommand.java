package io.connwatch.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.facts.Rejection;
import io.connwatch.engine.devtools.DataGenerator;
import io.connwatch.engine.devtools.FleetProfile;
import io.connwatch.engine.devtools.bench.BenchInput;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import io.connwatch.engine.workbook.WorkbookStore;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures end-to-end throughput on a profile of fleet data beside two peer baselines run on the
 * same input (a plain Jackson parse, a naive Drools pipeline), and, in its other modes, memory per
 * machine, start-up times, the Kafka path and record-to-alert latency.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure throughput and heap on a profile of fleet data, beside a parse ceiling and a naive Drools pipeline.",
        "A profile of fleet data (generated text held in memory, or a file read from disk) through",
        "the one-thread Jackson parse ceiling, a naive Drools pipeline and connwatch (decode -> enrichment -> all rules",
        "-> alerts), round after round, then a table of records/s, machine-minutes/s, heap and ratios.",
        "Other modes: --memory, --startup, --latency, --kafka, --decode-only, --workbook-memory.",
        "Run with the JVM options you deploy with."})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(names = "--profile", defaultValue = "dense", description = {"dense (the demo generator, 500 machines), sparse (5,000 "
        + "machines, 1-4 rows per machine-minute, 24 processes and 120 remotes each), wide (every column, ~1 KB a row, 40 machines, "
        + "shuffled within 3 minutes) or replay (the --file, read from disk in every timed pass) (default: ${DEFAULT-VALUE})."})
    String profile;

    @Option(names = "--file", paramLabel = "FILE", description = "The JSON-lines file (gzip or not) the replay profile reads.")
    Path file;

    @Option(names = "--pipelines", split = ",", defaultValue = "ceiling,naive,connwatch",
        description = "Which pipelines to run, comma-separated: ceiling, naive, connwatch (default: ${DEFAULT-VALUE}).")
    List<String> pipelineNames;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the generated data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--machines", description = "Machines in the generated fleet (default: the profile's: dense 500, sparse 5000, wide 40).")
    Integer machines;

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

    @Option(names = "--memory", description = "Measure live heap instead: the engine tracking --machines machines (default "
        + "10,000 here) enriching from --indicators (default 1,000,000 here), and bytes per tracked machine and per process key.")
    boolean memory;

    @Option(names = "--processes", defaultValue = "8", description = "With --memory: processes per machine (default: ${DEFAULT-VALUE}).")
    int processes;

    @Option(names = "--minutes", defaultValue = "20", description = "With --memory: minutes of data fed (default: ${DEFAULT-VALUE}); "
        + "past rules.retention.rollups (90m) every machine holds its steady state of rollups.")
    int minutes;

    @Option(names = "--startup", description = "Measure start-up instead: rules compiled, service ready (/ready), validate-rules "
        + "and test-rules, each in fresh JVMs, the median of --rounds runs.")
    boolean startup;

    @Option(names = "--startup-child", hidden = true, description = "Internal: compile the rules once, print the milliseconds.")
    boolean startupChild;

    @Option(names = "--latency", description = "Measure record-to-alert latency instead: the service over HTTP at --load of its "
        + "sustainable rate, from the POST carrying an alert's evidence to the alert's enqueue.")
    boolean latency;

    @Option(names = "--load", defaultValue = "0.7", description = "With --latency: the fraction of the sustainable rate offered (default: ${DEFAULT-VALUE}).")
    double load;

    @Option(names = "--seconds", defaultValue = "30", description = "With --latency: seconds of load (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--post-records", defaultValue = "256", description = "With --latency: records per POST (default: ${DEFAULT-VALUE}).")
    int postRecords;

    Supplier<ThreatSnapshot> syntheticIntel;

    FleetProfile profile() {
        return FleetProfile.parse(profile);
    }

    int machines() {
        return machines != null ? machines : Math.max(1, profile().defaultMachines());
    }

    List<ProfileBench.Pipeline> pipelines() {
        List<ProfileBench.Pipeline> ps = new ArrayList<>();
        for (String name : pipelineNames) {
            ps.add(ProfileBench.Pipeline.valueOf(name.trim().toUpperCase(Locale.ROOT)));
        }
        return ps;
    }

    @Override
    public Integer call() throws Exception {
        if (startupChild) {
            return StartupBench.compileOnce(config.load(), spec.commandLine().getOut());
        }
        if (startup) {
            return new StartupBench(this, spec.commandLine().getOut(), spec.commandLine().getErr()).run();
        }
        if (latency) {
            return new LatencyBench(this, spec.commandLine().getOut(), spec.commandLine().getErr()).run();
        }
        ConnwatchConfig c = config.load();
        if (partitions != null) {
            c = c.withRules(c.rules().withPartitions(partitions));
        }
        if (memory) {
            return new MemoryBench(this, c, spec.commandLine().getOut(), spec.commandLine().getErr()).run();
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
        if (!decodeOnly) {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (profile() == FleetProfile.REPLAY) {
                if (file == null) {
                    err.println("the replay profile needs --file FILE");
                    return 2;
                }
                BenchInput input = BenchInput.file(file);
                new ProfileBench(this, c, out, err).run(warmup > 0 ? input : null, input, "replay " + file.getFileName());
                return 0;
            }
            err.printf(Locale.ROOT, "generating %,d records for %,d machines (%s profile)...%n", warmup + records, machines(), profile);
            err.flush();
            List<String> all = generate(warmup + records);
            int warmChunks = warmup / batch;
            BenchInput warm = warmChunks == 0 ? null : BenchInput.inMemory(all.subList(0, warmChunks));
            BenchInput input = BenchInput.inMemory(all.subList(warmChunks, all.size()));
            new ProfileBench(this, c, out, err).run(warm, input, profile + " profile, " + machines() + " machines");
            return 0;
        }
        System.err.printf(Locale.ROOT, "generating %,d records for %d machines...%n", warmup + records, machines());
        List<String> chunks = generate(warmup + records);
        int warmChunks = warmup / batch;
        System.gc();
        long baseHeap = usedHeap();
        System.err.printf(Locale.ROOT, "%,d chunks of %d JSON lines in memory (%,d MiB of heap after GC)%n", chunks.size(), batch,
            baseHeap >> 20);
        decode(chunks.subList(0, warmChunks), "warm-up");
        double best = 0;
        for (int i = 1; i <= rounds; i++) {
            System.gc();
            resetPeaks();
            double rate = decode(chunks.subList(warmChunks, chunks.size()), "round " + i);
            best = Math.max(best, rate);
        }
        System.out.printf(Locale.ROOT, "bench: best %,.0f records/s over %,d records (%d partitions, %d cores); "
                + "peak heap %,d MiB (%,d MiB of it the input text)%n",
            best, (long) (chunks.size() - warmChunks) * batch, c.rules().engineSettings().partitions(),
            Runtime.getRuntime().availableProcessors(), peakHeap() >> 20, baseHeap >> 20);
        return 0;
    }

    /**
     * Feeds the generated records to a workbook store alone and reports the heap it keeps: the
     * live heap after a full collection with the store held, minus the same without it.
     */
    private int workbookMemory(ConnwatchConfig c) {
        WorkbookStore.Limits limits = c.console().store();
        int total = warmup + records;
        System.err.printf(Locale.ROOT, "generating %,d records for %d machines...%n", total, machines());
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

    /** The profile's generated records as chunks of {@code --batch} JSON lines ({@code total} records in all). */
    List<String> generate(int total) {
        return generate(total, batch);
    }

    /** The same in chunks of {@code linesPerChunk} lines. */
    List<String> generate(int total, int linesPerChunk) {
        ObjectMapper json = new ObjectMapper();
        FleetProfile p = profile();
        if (p == FleetProfile.REPLAY) {
            throw new IllegalStateException("the replay profile reads --file; it generates nothing");
        }
        DataGenerator.Settings settings = new DataGenerator.Settings(machines(), p.hoursFor(total, machines()),
            Instant.parse("2024-04-01T00:00:00Z"), seed, true);
        List<String> chunks = new ArrayList<>();
        StringBuilder sb = new StringBuilder(batch * 700);
        int[] inChunk = {0};
        int[] produced = {0};
        try {
            p.generate(settings, row -> {
                if (produced[0] >= total) {
                    throw new Done();
                }
                try {
                    sb.append(json.writeValueAsString(row)).append('\n');
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                produced[0]++;
                if (++inChunk[0] == linesPerChunk) {
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

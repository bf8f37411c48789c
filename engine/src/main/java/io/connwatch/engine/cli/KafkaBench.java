package io.connwatch.engine.cli;

import io.connwatch.engine.devtools.FleetProfile;
import io.connwatch.engine.devtools.RecordProducer;
import io.connwatch.engine.devtools.bench.BenchInput;
import io.connwatch.engine.service.EngineAssembly;
import io.connwatch.alert.Alert;
import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.config.KafkaSettings;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.ingest.kafka.KafkaIngest;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.feeds.ThreatIntel;
import io.connwatch.kafka.KafkaClientConfig;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code connwatch bench --kafka BOOTSTRAP}: records/s consumed from a real broker through the
 * configured rules. The generated records are produced once to a new topic; each round a fresh
 * engine and a new consumer group read them all, from subscribing until the last batch is judged
 * (group join, fetch, decode, rules, commits included).
 */
final class KafkaBench {
    private final BenchCommand options;
    private final ConnwatchConfig config;

    KafkaBench(BenchCommand options, ConnwatchConfig config) {
        this.options = options;
        this.config = config;
    }

    int run() throws Exception {
        int total = options.records;
        KafkaClientConfig client = KafkaClientConfig.plaintext(options.kafka);
        String topic = "connwatch-bench-" + System.currentTimeMillis();
        List<String> chunks;
        if (options.profile() == FleetProfile.REPLAY) {
            if (options.file == null) {
                System.err.println("the replay profile needs --file FILE");
                return 2;
            }
            chunks = chunks(options.file, options.batch);
        } else {
            System.err.printf(Locale.ROOT, "generating %,d records for %d machines (%s profile)...%n", total, options.machines(),
                options.profile);
            chunks = options.generate(total);
        }
        RecordProducer.createTopic(client, topic, options.topicPartitions);
        long start = System.nanoTime();
        long sent;
        try (RecordProducer producer = new RecordProducer(client, topic)) {
            for (String chunk : chunks) {
                for (String line : chunk.split("\n")) {
                    producer.send(line);
                }
            }
            producer.flush();
            sent = producer.sent();
        }
        double produceSecs = (System.nanoTime() - start) / 1e9;
        System.err.printf(Locale.ROOT, "produced %,d records to %s (%d partitions) in %.2f s = %,.0f records/s%n", sent, topic,
            options.topicPartitions, produceSecs, sent / produceSecs);
        double best = 0;
        int rounds = options.rounds + (options.warmup > 0 ? 1 : 0);
        for (int i = 0; i < rounds; i++) {
            String label = options.warmup > 0 && i == 0 ? "warm-up" : "round " + (options.warmup > 0 ? i : i + 1);
            System.gc();
            BenchCommand.resetPeaks();
            double rate = consume(client, topic, sent, "connwatch-bench-" + System.nanoTime(), label);
            if (!label.equals("warm-up")) {
                best = Math.max(best, rate);
            }
        }
        long kafkaPeak = BenchCommand.peakHeap();
        // The same records from memory, same engine and rules, for the Kafka / in-memory ratio.
        ProfileBench memory = new ProfileBench(options, config, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        BenchInput input = BenchInput.inMemory(chunks);
        double inMemory = 0;
        for (int i = 1; i <= options.rounds; i++) {
            System.gc();
            BenchCommand.resetPeaks();
            ProfileBench.Pass p = memory.connwatch(input);
            System.err.printf(Locale.ROOT, "in memory round %d: %,d records in %.2f s = %,.0f records/s; %s%n", i, p.records(),
                p.seconds(), p.rate(), p.detail());
            inMemory = Math.max(inMemory, p.rate());
        }
        System.out.printf(Locale.ROOT, "bench --kafka (%s): best %,.0f records/s consumed through the rules over %,d records "
                + "(%d topic partitions, %d rule partitions, %d cores); peak heap %,d MiB; the same records from memory: best %,.0f "
                + "records/s; Kafka / in-memory = %.2f%n", options.profile, best, sent, options.topicPartitions,
            config.rules().engineSettings().partitions(), Runtime.getRuntime().availableProcessors(), kafkaPeak >> 20, inMemory,
            best / inMemory);
        return 0;
    }

    /** The file's lines as chunks of {@code batch} lines. */
    static List<String> chunks(java.nio.file.Path file, int batch) throws java.io.IOException {
        List<String> chunks = new java.util.ArrayList<>();
        StringBuilder sb = new StringBuilder();
        int n = 0;
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(BenchInput.open(file),
            java.nio.charset.StandardCharsets.UTF_8), 1 << 16)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                sb.append(line).append('\n');
                if (++n == batch) {
                    chunks.add(sb.toString());
                    sb.setLength(0);
                    n = 0;
                }
            }
        }
        if (sb.length() > 0) {
            chunks.add(sb.toString());
        }
        return chunks;
    }

    private double consume(KafkaClientConfig client, String topic, long total, String group, String label) throws Exception {
        LongAdder alerts = new LongAdder();
        AlertSink count = new AlertSink() {
            @Override
            public void publish(Alert alert) {
                alerts.increment();
            }
        };
        KafkaSettings settings = new KafkaSettings(true, client, group, List.of(new KafkaSettings.Topic(topic, "auto")), null, null,
            "earliest", Duration.ZERO, 2000, Duration.ofMinutes(1));
        IngestStats ingest = new IngestStats();
        Vertx vertx = Vertx.vertx();
        try (ThreatIntel intel = EngineAssembly.feeds(config, new PrintWriter(Writer.nullWriter()));
             RuleEngine engine = EngineAssembly.engine(config, count, options.syntheticIntel != null ? options.syntheticIntel : intel::snapshot)) {
            KafkaIngest consumer = new KafkaIngest(settings, engine, ingest, null, "connwatch-bench");
            long start = System.nanoTime();
            vertx.deployVerticle(consumer, KafkaIngest.DEPLOYMENT).await();
            while (consumer.stats().judged.sum() < total) {
                Thread.sleep(5);
            }
            double secs = (System.nanoTime() - start) / 1e9;
            engine.drain().join();
            double rate = total / secs;
            System.err.printf(Locale.ROOT, "%-8s %,12d records in %6.2f s = %,10.0f records/s; %,d alerts, %,d rejected, "
                + "%,d rows too late for windows%n", label, total, secs, rate, alerts.sum(), ingest.rejected.sum(),
                engine.stats().lateForWindows.sum());
            return rate;
        } finally {
            vertx.close().await();
        }
    }
}

package io.connwatch.engine.ingest.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * A real Kafka broker (4.1.1, KRaft, single node) in its own JVM on loopback, started from the
 * class path the kafka-broker module copied to its target/lib. Free ports are chosen at the first
 * start; a restart reuses the directory and ports, so clients see the same broker come back.
 * One broker is shared by the Kafka tests ({@link #shared()}); each test uses its own topics and group.
 */
public final class LocalKafka implements AutoCloseable {
    private static LocalKafka shared;

    private final Path dir;
    private Process process;
    private String bootstrap;
    private String saslBootstrap;

    private LocalKafka(Path dir) {
        this.dir = dir;
    }

    /** The broker the test classes share; stopped when the test JVM exits. */
    public static synchronized LocalKafka shared() throws IOException {
        if (shared == null) {
            shared = start(Files.createTempDirectory("connwatch-kafka"));
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    static LocalKafka start(Path dir) throws IOException {
        Files.createDirectories(dir);
        LocalKafka k = new LocalKafka(dir);
        k.startProcess();
        return k;
    }

    private void startProcess() throws IOException {
        Path target = Path.of(System.getProperty("connwatch.kafka.broker.dir", "../kafka-broker/target")).toAbsolutePath().normalize();
        if (!Files.isDirectory(target.resolve("lib"))) {
            throw new IllegalStateException("no broker class path in " + target.resolve("lib") + ": build the kafka-broker module first");
        }
        String cp = target.resolve("classes") + java.io.File.pathSeparator + target.resolve("lib") + java.io.File.separator + "*";
        Path log = dir.resolve("broker.log");
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dlog4j2.statusLoggerLevel=OFF",
            "-cp", cp, "io.connwatch.kafkabroker.LocalBroker", "--exit-with-parent", dir.toString())
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Awaitility.await("broker address in " + log).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .until(() -> !process.isAlive() || Files.readString(log).contains("bootstrap="));
        if (!process.isAlive()) {
            throw new IllegalStateException("the broker exited: " + Files.readString(log));
        }
        Awaitility.await("SASL address in " + log).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
            .until(() -> Files.readString(log).contains("sasl-bootstrap="));
        String text = Files.readString(log);
        int at = text.lastIndexOf("\nbootstrap=") + 1;
        bootstrap = text.substring(at + "bootstrap=".length(), text.indexOf('\n', at)).trim();
        int sasl = text.lastIndexOf("sasl-bootstrap=");
        saslBootstrap = text.substring(sasl + "sasl-bootstrap=".length(), text.indexOf('\n', sasl)).trim();
        try (Admin admin = admin()) {
            Awaitility.await("broker at " + bootstrap).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
        }
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** The SASL_PLAINTEXT listener: mechanism PLAIN, user connwatch, password connwatch-secret. */
    String saslBootstrap() {
        return saslBootstrap;
    }

    public Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", "5000", "default.api.timeout.ms", "10000"));
    }

    /** The offsets a consumer group has committed, summed over its partitions (0 when none). */
    public long committed(String group) throws ExecutionException, InterruptedException {
        try (Admin admin = admin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                .mapToLong(o -> o.offset()).sum();
        }
    }

    public void createTopic(String topic, int partitions) throws ExecutionException, InterruptedException {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    /** Sends the values keyed by the given keys and waits for every acknowledgement. */
    public void produce(String topic, List<Map.Entry<String, String>> keyed) throws Exception {
        try (KafkaProducer<String, String> p = producer()) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (Map.Entry<String, String> e : keyed) {
                sent.add(p.send(new ProducerRecord<>(topic, e.getKey(), e.getValue())));
            }
            for (var f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Sends the values to one partition, keyed by {@code key}, and waits for every acknowledgement. */
    public void produceTo(String topic, int partition, String key, List<String> values) throws Exception {
        try (KafkaProducer<String, String> p = producer()) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (String v : values) {
                sent.add(p.send(new ProducerRecord<>(topic, partition, key, v)));
            }
            for (var f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
    }

    public KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all", "linger.ms", "5"),
            new StringSerializer(), new StringSerializer());
    }

    /** Every record of the topic now, read from the beginning. */
    public List<ConsumerRecord<String, String>> readAll(String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    static String header(ConsumerRecord<String, String> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Kills the broker without letting it shut down cleanly. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts the same broker again (same directory, same ports). */
    void restart() throws IOException {
        startProcess();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}

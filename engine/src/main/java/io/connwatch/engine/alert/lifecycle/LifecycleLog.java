package io.connwatch.engine.alert.lifecycle;

import io.connwatch.kafka.KafkaClientConfig;
import io.connwatch.lifecycle.dispatch.GroupDispatcher;
import io.connwatch.lifecycle.silence.Silence;
import io.connwatch.lifecycle.silence.SilenceJson;
import io.connwatch.lifecycle.silence.Silences;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Silences, acknowledgements and the notification log shared by every instance of a consumer
 * group through one compacted topic (Alertmanager gossips the same two things between its
 * peers): keys {@code silence:<id>}, {@code ack:<group key>}, {@code nflog:<receiver> NUL <group
 * key>}, JSON values, a tombstone removes. Each instance writes its own changes as they happen
 * and follows the topic from the start, applying what the others wrote (its own echoes skipped by
 * an origin header): a silence added on one instance holds on all within about a second, an
 * acknowledgement too, and an instance taking over a machine's partition knows what was already
 * sent for its groups, so it does not notify them again.
 */
public final class LifecycleLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LifecycleLog.class);
    private static final String ORIGIN = "connwatch-origin";

    private final String topic;
    private final String origin;
    private final Silences silences;
    private final GroupDispatcher dispatcher;
    private final Admin admin;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> reader;
    private final Thread readerThread;
    private volatile boolean closed;
    public final LongAdder written = new LongAdder();
    public final LongAdder applied = new LongAdder();
    public final LongAdder writeFailures = new LongAdder();

    public LifecycleLog(KafkaClientConfig client, String topic, String clientId, Silences silences, GroupDispatcher dispatcher) {
        this.topic = topic;
        this.origin = clientId + "/" + java.util.UUID.randomUUID();
        this.silences = silences;
        this.dispatcher = dispatcher;
        this.admin = Admin.create(client.with(Map.of("client.id", clientId + "-lifecycle-admin")));
        this.producer = new KafkaProducer<>(client.with(Map.of("acks", "all", "enable.idempotence", "true", "linger.ms", "0",
            "client.id", clientId + "-lifecycle", "delivery.timeout.ms", "30000", "request.timeout.ms", "10000",
            "max.block.ms", "30000")), new StringSerializer(), new StringSerializer());
        this.reader = new KafkaConsumer<>(client.with(Map.of("client.id", clientId + "-lifecycle-reader",
            "enable.auto.commit", "false", "auto.offset.reset", "earliest")), new StringDeserializer(), new StringDeserializer());
        this.readerThread = new Thread(this::follow, "connwatch-lifecycle-log");
        this.readerThread.setDaemon(true);
    }

    /**
     * Creates the topic when missing, reads what it holds, then follows it and starts publishing
     * this instance's changes.
     *
     * @throws IllegalStateException when Kafka does not answer within {@code timeout}
     */
    public void start(Duration timeout) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
                "cleanup.policy", "compact")))).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("created the lifecycle topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                List<PartitionInfo> there = reader.partitionsFor(topic, timeout);
                if (there == null || there.isEmpty()) {
                    throw new IllegalStateException("cannot create the lifecycle topic " + topic + " (" + e.getCause().getMessage()
                        + "): create it yourself (1 partition, cleanup.policy=compact)", e.getCause());
                }
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + timeout + " when creating the lifecycle topic " + topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        List<TopicPartition> tps = List.of(new TopicPartition(topic, 0));
        reader.assign(tps);
        reader.seekToBeginning(tps);
        // Catch up on this thread before anything is published or followed.
        Map<TopicPartition, Long> ends = reader.endOffsets(tps, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (reader.position(tps.get(0), timeout) < ends.getOrDefault(tps.get(0), 0L)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cannot read the lifecycle topic " + topic + " within " + timeout);
            }
            reader.poll(Duration.ofMillis(200)).forEach(this::apply);
        }
        silences.onChange(s -> publish("silence:" + s.id(), SilenceJson.toJson(s)));
        dispatcher.onReplicate(r -> publish(r.kind().equals("acks") ? "ack:" + r.key() : "nflog:" + r.key(), r.json()));
        readerThread.start();
        LOG.info("lifecycle log {}: caught up ({} changes applied)", topic, applied.sum());
    }

    private void publish(String key, String json) {
        ProducerRecord<String, String> rec = new ProducerRecord<>(topic, key, json);
        rec.headers().add(ORIGIN, origin.getBytes(StandardCharsets.UTF_8));
        producer.send(rec, (md, e) -> {
            if (e != null) {
                writeFailures.increment();
                LOG.warn("lifecycle log {}: a change was not written ({}); other instances learn it at the next change", topic,
                    e.toString());
            } else {
                written.increment();
            }
        });
    }

    private void follow() {
        while (!closed) {
            try {
                for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(200))) {
                    Header h = r.headers().lastHeader(ORIGIN);
                    if (h != null && origin.equals(new String(h.value(), StandardCharsets.UTF_8))) {
                        continue;
                    }
                    apply(r);
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.error("lifecycle log {}: reading failed: {}", topic, e.toString());
                }
            }
        }
    }

    private void apply(ConsumerRecord<String, String> r) {
        String key = r.key();
        if (key == null) {
            return;
        }
        try {
            if (key.startsWith("silence:")) {
                if (r.value() != null) {
                    Silence s = SilenceJson.fromJson(r.value());
                    silences.merge(s);
                }
            } else if (key.startsWith("ack:")) {
                dispatcher.applyReplica(new GroupDispatcher.Replica("acks", key.substring(4), r.value()));
            } else if (key.startsWith("nflog:")) {
                dispatcher.applyReplica(new GroupDispatcher.Replica("nflog", key.substring(6), r.value()));
            }
            applied.increment();
        } catch (RuntimeException e) {
            LOG.warn("lifecycle log {}: unreadable change at offset {} ignored: {}", topic, r.offset(), e.getMessage());
        }
    }

    /** Counters for /stats. */
    public Map<String, Long> stats() {
        Map<String, Long> m = new HashMap<>();
        m.put("written", written.sum());
        m.put("applied", applied.sum());
        m.put("writeFailures", writeFailures.sum());
        return m;
    }

    @Override
    public void close() {
        closed = true;
        reader.wakeup();
        try {
            readerThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.close(Duration.ofSeconds(2));
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(2));
    }
}

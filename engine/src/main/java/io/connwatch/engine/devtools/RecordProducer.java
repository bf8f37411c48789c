package io.connwatch.engine.devtools;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.connwatch.kafka.KafkaClientConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes JSON-lines records to a topic the way connwatch expects producers to: one record per
 * message, keyed by its {@code Machine}, so every row of a machine lands on one partition and one
 * instance judges all of that machine's windows. Used by {@code connwatch kafka produce} and the
 * Kafka benchmark.
 */
public final class RecordProducer implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long sent;
    private long unkeyed;

    public RecordProducer(KafkaClientConfig client, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(client.with(Map.of("acks", "all", "linger.ms", "20", "batch.size", "262144",
            "compression.type", "lz4", "client.id", "connwatch-produce")), new StringSerializer(), new StringSerializer());
    }

    /** Creates the topic with this many partitions unless it exists; true when it was created. */
    public static boolean createTopic(KafkaClientConfig client, String topic, int partitions) throws IOException {
        try (Admin admin = Admin.create(client.with(Map.of()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()))).all().get(60, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw new IOException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("Kafka did not answer within 60 s when creating topic " + topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Sends one JSON line (blank lines are skipped), keyed by its Machine (null when it has none). */
    public void send(String line) throws IOException {
        if (line.isBlank()) {
            return;
        }
        Exception f = failure.get();
        if (f != null) {
            throw new IOException("Kafka refused a record: " + f.getMessage(), f);
        }
        String key = machineOf(line);
        if (key == null) {
            unkeyed++;
        }
        producer.send(new ProducerRecord<>(topic, key, line), (md, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            }
        });
        sent++;
    }

    /** Waits until every record sent is acknowledged. */
    public void flush() throws IOException {
        producer.flush();
        Exception f = failure.get();
        if (f != null) {
            throw new IOException("Kafka refused a record: " + f.getMessage(), f);
        }
    }

    public long sent() {
        return sent;
    }

    /** Records without a Machine field (sent without a key: spread over partitions). */
    public long unkeyed() {
        return unkeyed;
    }

    public static String machineOf(String line) {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("Machine") && v == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            // not JSON: sent unkeyed, and the consumer's decoder reports it
        }
        return null;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}

package io.connwatch.engine.ingest.kafka;

import io.connwatch.engine.facts.Rejection;
import io.connwatch.kafka.KafkaClientConfig;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes records that could not (wholly) be decoded to the dead-letter topic, with their original
 * key, value and timestamp, and headers saying why: {@code connwatch-error} (one line per rejection,
 * at most {@value #MAX_REASONS}), {@code connwatch-rejected} and {@code connwatch-accepted} (how many
 * of its records were), {@code connwatch-source-topic}, {@code -partition}, {@code -offset}. A
 * letter counts once the broker acknowledged it.
 */
final class DeadLetters implements AutoCloseable {
    /** At most this many rejection lines go into {@code connwatch-error}. */
    static final int MAX_REASONS = 20;

    private final String topic;
    private final Producer<String, String> producer;
    private final LongAdder acknowledged;

    /**
     * @param acknowledged counts the letters the broker acknowledged
     */
    DeadLetters(String topic, Producer<String, String> producer, LongAdder acknowledged) {
        this.topic = topic;
        this.producer = producer;
        this.acknowledged = acknowledged;
    }

    /** Dead letters to {@code topic} through an idempotent producer of their own. */
    static DeadLetters create(KafkaClientConfig client, String topic, String clientId, LongAdder acknowledged) {
        return new DeadLetters(topic, new KafkaProducer<>(client.with(Map.of("acks", "all", "enable.idempotence", "true",
            "client.id", clientId + "-dead-letters", "linger.ms", "5")), new StringSerializer(), new StringSerializer()),
            acknowledged);
    }

    /** The dead letter of a record: its key, value and timestamp, and the headers saying why and whence. */
    static ProducerRecord<String, String> letter(String topic, KafkaConsumerRecord<String, String> r, List<Rejection> rejected,
                                                 int accepted) {
        ProducerRecord<String, String> out = new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value());
        StringBuilder reasons = new StringBuilder();
        for (int i = 0; i < rejected.size() && i < MAX_REASONS; i++) {
            if (i > 0) {
                reasons.append('\n');
            }
            reasons.append(rejected.get(i).message());
        }
        header(out, "connwatch-error", reasons.toString());
        header(out, "connwatch-rejected", String.valueOf(rejected.size()));
        header(out, "connwatch-accepted", String.valueOf(accepted));
        header(out, "connwatch-source-topic", r.topic());
        header(out, "connwatch-source-partition", String.valueOf(r.partition()));
        header(out, "connwatch-source-offset", String.valueOf(r.offset()));
        return out;
    }

    /**
     * Sends the dead letter of a record.
     *
     * @return completes once the broker acknowledged it; fails when it would not take it
     */
    CompletableFuture<Void> send(KafkaConsumerRecord<String, String> r, List<Rejection> rejected, int accepted) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        producer.send(letter(topic, r, rejected, accepted), (md, e) -> {
            if (e != null) {
                done.completeExceptionally(e);
            } else {
                acknowledged.increment();
                done.complete(null);
            }
        });
        return done;
    }

    private static void header(ProducerRecord<String, String> r, String name, String value) {
        r.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

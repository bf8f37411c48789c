package io.connwatch.notify.kafka;

import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.Notifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The alerts-topic receiver: each alert is published as its JSON (the same shape as the JSON-lines
 * output) keyed by fingerprint, so a consumer sees every episode of one finding on one partition,
 * in order, and a compacted topic keeps the latest. Headers carry rule, severity and machine for
 * consumers that filter without parsing. The producer is idempotent with acks=all; a delivery
 * counts only when the broker acknowledged it. Broker unreachable or a retriable error is
 * temporary (the dispatcher retries from the outbox); authorization, authentication, a bad topic
 * or a record too large is permanent.
 */
public final class KafkaNotifier implements Notifier {
    private final String name;
    private final String topic;
    private final Duration timeout;
    private final int maxBatch;
    private final KafkaProducer<String, String> producer;

    public KafkaNotifier(KafkaNotifierConfig config) {
        this.name = config.name();
        this.topic = config.topic();
        this.timeout = config.timeout();
        this.maxBatch = config.maxBatch();
        this.producer = new KafkaProducer<>(config.client().with(Map.of(
            "acks", "all",
            "enable.idempotence", "true",
            "client.id", "connwatch-alerts-" + name,
            "delivery.timeout.ms", String.valueOf(Math.max(timeout.toMillis(), 1000)),
            "request.timeout.ms", String.valueOf(Math.max(timeout.toMillis() - 1, 999)),
            "max.block.ms", String.valueOf(timeout.toMillis()),
            "linger.ms", "0")), new StringSerializer(), new StringSerializer());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public void deliver(List<Alert> alerts) throws DeliveryException {
        List<Future<RecordMetadata>> sent = new ArrayList<>(alerts.size());
        try {
            for (Alert a : alerts) {
                ProducerRecord<String, String> r = new ProducerRecord<>(topic, a.fingerprint(), AlertJson.toJson(a));
                r.headers().add("connwatch-rule", a.rule().getBytes(StandardCharsets.UTF_8));
                r.headers().add("connwatch-severity", a.severity().label().getBytes(StandardCharsets.UTF_8));
                if (a.machine() != null) {
                    r.headers().add("connwatch-machine", a.machine().getBytes(StandardCharsets.UTF_8));
                }
                sent.add(producer.send(r));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Future<RecordMetadata> f : sent) {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.temporary("interrupted while publishing to topic " + topic);
        } catch (TimeoutException e) {
            throw DeliveryException.temporary("no acknowledgement from Kafka for topic " + topic + " within " + timeout);
        } catch (ExecutionException e) {
            throw classify(e.getCause());
        } catch (org.apache.kafka.common.KafkaException e) {
            throw classify(e);
        }
    }

    private DeliveryException classify(Throwable t) {
        String what = "topic " + topic + ": " + t.getClass().getSimpleName()
            + (t.getMessage() == null ? "" : ": " + t.getMessage());
        if (t instanceof AuthorizationException || t instanceof AuthenticationException || t instanceof InvalidTopicException
            || t instanceof RecordTooLargeException) {
            return DeliveryException.permanent(what);
        }
        // retriable errors, timeouts and anything unknown: the outbox keeps the alert and retries
        return DeliveryException.temporary(what);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

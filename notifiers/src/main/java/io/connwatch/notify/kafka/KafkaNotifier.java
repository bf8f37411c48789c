package io.connwatch.notify.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertFormat;
import io.connwatch.alert.AlertJson;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.ocsf.OcsfFinding;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.NotificationJson;
import io.connwatch.notify.Notifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The alerts-topic receiver: each alert of a notification is one record keyed by fingerprint, so a
 * consumer sees every state of one finding on one partition, in order, and a compacted topic keeps
 * the latest. The value is the alert as the webhook's version 2 payload lists it ({@code id,
 * status, startsAt, endsAt, fingerprint, rule, severity, ...}, see {@link NotificationJson#alert})
 * (its {@code status} the alert's own) plus {@code groupKey} and {@code notificationId}, or with
 * {@code format: ocsf} the alert as an OCSF Detection Finding; headers carry rule, severity,
 * status, machine and notification id for consumers that filter without parsing. The producer is
 * idempotent with acks=all; a delivery counts only when the broker acknowledged every record of
 * the notification (a retry publishes them all again: consumers deduplicate by notification id
 * and fingerprint). Broker unreachable or a retriable error is
 * temporary (the dispatcher retries from the outbox); authorization, authentication, a bad topic
 * or a record too large is permanent.
 */
public final class KafkaNotifier implements Notifier {
    private final String name;
    private final String topic;
    private final Duration timeout;
    private final boolean sendResolved;
    private final AlertFormat format;
    private final KafkaProducer<String, String> producer;

    public KafkaNotifier(KafkaNotifierConfig config) {
        this.name = config.name();
        this.topic = config.topic();
        this.timeout = config.timeout();
        this.sendResolved = config.sendResolved();
        this.format = config.format();
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
    public boolean sendResolved() {
        return sendResolved;
    }

    /** The record values, as published, one JSON document a line. */
    @Override
    public Optional<String> preview(Notification n) {
        return Optional.of(String.join("\n", n.alerts().stream().map(a -> value(format, n, a)).toList()));
    }

    /**
     * The value of an alert's record: with {@code format: ocsf} the alert as an OCSF Detection
     * Finding (its {@code finding_info.uid} the fingerprint, Close when it resolved); natively its
     * version-2 alert object (whose {@code status} is the
     * alert's own: firing or resolved) with the notification's {@code groupKey} and
     * {@code notificationId}.
     */
    public static String value(AlertFormat format, Notification n, NotifiedAlert a) {
        return format == AlertFormat.OCSF ? OcsfFinding.toJson(OcsfFinding.of(a)) : value(n, a);
    }

    /** The native value of an alert's record (see {@link #value(AlertFormat, Notification, NotifiedAlert)}). */
    public static String value(Notification n, NotifiedAlert a) {
        ObjectNode o = NotificationJson.alert(a);
        o.put("groupKey", n.groupKey());
        o.put("notificationId", n.id());
        try {
            return AlertJson.mapper().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void deliver(Notification n) throws DeliveryException {
        List<Future<RecordMetadata>> sent = new ArrayList<>(n.alerts().size());
        try {
            for (NotifiedAlert na : n.alerts()) {
                Alert a = na.alert();
                ProducerRecord<String, String> r = new ProducerRecord<>(topic, a.fingerprint(), value(format, n, na));
                r.headers().add("connwatch-rule", a.rule().getBytes(StandardCharsets.UTF_8));
                r.headers().add("connwatch-severity", a.severity().label().getBytes(StandardCharsets.UTF_8));
                r.headers().add("connwatch-status", na.status().label().getBytes(StandardCharsets.UTF_8));
                r.headers().add("connwatch-notification-id", n.id().getBytes(StandardCharsets.UTF_8));
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

package io.connwatch.notify.kafka;

import io.connwatch.alert.AlertFormat;
import io.connwatch.config.Settings;
import io.connwatch.kafka.KafkaClientConfig;
import io.connwatch.notify.ReceiverConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * An alerts-topic receiver's settings, checked when read: the broker connection (whose password
 * appears in no {@link #toString()}), the topic, and how long to wait for acknowledgements.
 *
 * @param name     the receiver's name
 * @param client   bootstrap servers, TLS and SASL
 * @param topic    the topic alerts are published to
 * @param timeout  how long a delivery waits for the broker's acknowledgements
 * @param maxBatch no longer used, still accepted so that older configuration files load: a delivery publishes the
 *                 alerts of one notification
 * @param sendResolved whether resolved alerts are published ({@code send-resolved}, on by default)
 * @param format   the record value: {@code native} (the alert as the webhook lists it) or {@code ocsf} (an OCSF
 *                 Detection Finding)
 */
public record KafkaNotifierConfig(String name, KafkaClientConfig client, String topic, Duration timeout, int maxBatch,
                                  boolean sendResolved, AlertFormat format)
    implements ReceiverConfig {
    public static final String TYPE = "kafka";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_BATCH = 100;
    /** On: a consumer of the topic (a compacted one keeps the latest per fingerprint) wants to see an alert end. */
    public static final boolean DEFAULT_SEND_RESOLVED = true;

    private static final Set<String> OWN_KEYS = Set.of("type", "name", "topic", "timeout", "max-batch", SEND_RESOLVED, "format");

    public KafkaNotifierConfig {
        format = format == null ? AlertFormat.NATIVE : format;
    }

    /** A receiver publishing the native alert JSON. */
    public KafkaNotifierConfig(String name, KafkaClientConfig client, String topic, Duration timeout, int maxBatch, boolean sendResolved) {
        this(name, client, topic, timeout, maxBatch, sendResolved, AlertFormat.NATIVE);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Reads an alerts-topic receiver's settings; null when they have problems (each added to the settings). */
    public static KafkaNotifierConfig read(String name, Settings s) {
        Set<String> keys = new HashSet<>(OWN_KEYS);
        keys.addAll(KafkaClientConfig.KEYS);
        s.only(keys);
        String topic = s.required("topic");
        Duration timeout = s.duration("timeout", DEFAULT_TIMEOUT);
        int maxBatch = s.integer("max-batch", DEFAULT_MAX_BATCH, 1, 10_000);
        boolean sendResolved = s.bool(SEND_RESOLVED, DEFAULT_SEND_RESOLVED);
        AlertFormat format = AlertFormat.read(s, "format");
        KafkaClientConfig client = KafkaClientConfig.read(s);
        if (topic == null || client == null) {
            return null;
        }
        return new KafkaNotifierConfig(name, client, topic, timeout, maxBatch, sendResolved, format);
    }
}

package io.connwatch.notify.kafka;

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
 * @param maxBatch alerts per delivery
 */
public record KafkaNotifierConfig(String name, KafkaClientConfig client, String topic, Duration timeout, int maxBatch)
    implements ReceiverConfig {
    public static final String TYPE = "kafka";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_BATCH = 100;

    private static final Set<String> OWN_KEYS = Set.of("type", "name", "topic", "timeout", "max-batch");

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
        KafkaClientConfig client = KafkaClientConfig.read(s);
        if (topic == null || client == null) {
            return null;
        }
        return new KafkaNotifierConfig(name, client, topic, timeout, maxBatch);
    }
}

package io.connwatch.notify;

import io.connwatch.alert.Alert;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One configured receiver on one channel. A notifier only delivers and says whether it failed
 * and whether that is worth retrying; retries, backoff, circuit breaking and the outbox live in
 * {@link Dispatcher}, not in each channel.
 */
public interface Notifier extends AutoCloseable {
    /** The receiver's configured name. */
    String name();

    /** Alerts one delivery may carry (Slack combines several into one message); 1 by default. */
    default int maxBatch() {
        return 1;
    }

    /** The least time between two deliveries, for channels with a rate limit (Slack); zero by default. */
    default Duration minInterval() {
        return Duration.ZERO;
    }

    /**
     * What a delivery of these alerts would send, as text (the JSON payload, the email's
     * recipients, subject and parts), for the preview command; empty when the channel has none.
     */
    default Optional<String> preview(List<Alert> alerts) {
        return Optional.empty();
    }

    /**
     * Delivers the alerts (at most {@link #maxBatch()}), blocking until the receiver answered.
     * Called from dispatcher threads, never from an event loop.
     *
     * @throws DeliveryException saying whether a retry can help
     */
    void deliver(List<Alert> alerts) throws DeliveryException;

    @Override
    default void close() {
    }
}

package io.connwatch.notify;

import io.connwatch.alert.Alert;
import java.util.List;

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

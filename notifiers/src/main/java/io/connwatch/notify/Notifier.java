package io.connwatch.notify;

import io.connwatch.alert.Notification;
import java.time.Duration;
import java.util.Optional;

/**
 * One configured receiver on one channel, delivering one {@link Notification} (one alert group)
 * as one message. A notifier only delivers and says whether it failed and whether that is worth
 * retrying; retries, backoff, circuit breaking and the outbox live in {@link Dispatcher}, not in
 * each channel. Delivery is at-least-once: a notification can arrive twice (a receiver that
 * answered after the timeout, a crash between sending and recording), always with the same id.
 */
public interface Notifier extends AutoCloseable {
    /** The receiver's configured name. */
    String name();

    /** Whether this receiver wants notifications about resolved alerts ({@code send-resolved}), as {@link ReceiverConfig#sendResolved()}. */
    boolean sendResolved();

    /**
     * Whether this receiver is sent a group's acknowledgement as it happens, as a notification of
     * kind {@link Notification.Kind#ACKNOWLEDGEMENT} (an incident service that acknowledges its own
     * incident: PagerDuty, Opsgenie); false by default, so chat, mail, webhook and Kafka receivers
     * learn of an acknowledgement only with the group's next notification, as before.
     */
    default boolean acknowledgements() {
        return false;
    }

    /** The least time between two deliveries, for channels with a rate limit (Slack); zero by default. */
    default Duration minInterval() {
        return Duration.ZERO;
    }

    /**
     * What a delivery of this notification would send, as text (the JSON payload, the email's
     * recipients, subject and parts), for the preview command; empty when the channel has none.
     */
    default Optional<String> preview(Notification n) {
        return Optional.empty();
    }

    /**
     * Delivers the notification as one message (the alerts topic: one record per alert), blocking
     * until the receiver answered. Called from dispatcher threads, never from an event loop.
     *
     * @throws DeliveryException saying whether a retry can help
     */
    void deliver(Notification n) throws DeliveryException;

    @Override
    default void close() {
    }
}

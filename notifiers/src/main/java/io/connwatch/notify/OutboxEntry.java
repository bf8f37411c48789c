package io.connwatch.notify;

import io.connwatch.alert.Notification;

/**
 * One notification waiting for its receiver, or given up on (a dead letter).
 *
 * @param id            position in the outbox, increasing: delivery is oldest first
 * @param receiver      the receiver's name (the notification's)
 * @param notification  the notification
 * @param attempts      deliveries tried so far
 * @param nextAttemptAt epoch milliseconds of the next try
 * @param queuedAt      epoch milliseconds when it was queued
 * @param lastError     why the last try failed, or null
 */
public record OutboxEntry(long id, String receiver, Notification notification, int attempts, long nextAttemptAt, long queuedAt,
                          String lastError) {
    OutboxEntry retried(long nextAt, String error) {
        return new OutboxEntry(id, receiver, notification, attempts + 1, nextAt, queuedAt, error);
    }
}

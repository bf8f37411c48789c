package io.connwatch.lifecycle.dispatch;

import io.connwatch.alert.Notification;

/** Where the dispatcher hands a notification it decided to send: the durable outbox, or a console under replay. */
@FunctionalInterface
public interface NotificationOutlet {
    /** Takes the notification; durable when this returns (throws when it could not be stored). */
    void send(Notification notification);
}

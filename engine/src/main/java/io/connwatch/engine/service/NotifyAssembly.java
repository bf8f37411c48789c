package io.connwatch.engine.service;

import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.config.NotifySettings;
import io.connwatch.notify.Delivery;
import io.connwatch.notify.DeliveryObserver;
import io.connwatch.notify.Dispatcher;
import io.connwatch.notify.Notifier;
import io.connwatch.notify.Outbox;
import java.io.IOException;
import java.time.Clock;
import java.util.List;

/** Builds the delivery path (outbox, dispatcher, router) from the configuration. */
public final class NotifyAssembly {
    private NotifyAssembly() {
    }

    /** The started delivery path, or null when no receiver is configured. */
    public static Delivery start(ConnwatchConfig config) throws IOException {
        return start(config, DeliveryObserver.NONE);
    }

    /** The started delivery path telling {@code observer} of every attempt, or null when no receiver is configured. */
    public static Delivery start(ConnwatchConfig config, DeliveryObserver observer) throws IOException {
        NotifySettings n = config.notifications();
        if (!n.enabled()) {
            return null;
        }
        Outbox outbox = openOutbox(n);
        List<Notifier> notifiers = n.notifiers();
        Dispatcher dispatcher = new Dispatcher(outbox, notifiers, n.receiverSettings(notifiers), n.retry(), Clock.systemUTC(), observer);
        dispatcher.start();
        return new Delivery(n.router(), outbox, dispatcher, Clock.systemUTC());
    }

    public static Outbox openOutbox(NotifySettings n) throws IOException {
        try {
            return new Outbox(n.outbox());
        } catch (org.h2.mvstore.MVStoreException | IllegalStateException e) {
            // MVStoreException (a locked file, a corrupt one) is no IllegalStateException in H2 2.x
            throw new IOException("cannot open the outbox in " + n.outbox() + " (is another connwatch using it?): " + e.getMessage(), e);
        }
    }
}

package io.connwatch.notify;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Notification;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery side after the alert lifecycle: queue each notification durably in the outbox
 * and wake its receiver's dispatcher thread. {@link #accept(Notification)} returns once the
 * notification is on disk. For code that still hands bare alerts, {@link #accept(Alert)} routes
 * the alert and queues it as an ungrouped notification for each receiver.
 */
public final class Delivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    private final Router router;
    private final Outbox outbox;
    private final Dispatcher dispatcher;
    private final Clock clock;
    private final Set<String> receivers;

    public Delivery(Router router, Outbox outbox, Dispatcher dispatcher, Clock clock) {
        this.router = router;
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.receivers = Set.copyOf(dispatcher.receivers());
    }

    /**
     * Queues a notification for its receiver; durable when this returns.
     *
     * @throws IllegalArgumentException when no notifier has the notification's receiver name (it would wait forever)
     */
    public void accept(Notification n) {
        accept(List.of(n));
    }

    /**
     * Queues notifications (in this order, with one disk sync) and wakes their receivers; durable
     * when this returns.
     *
     * @throws IllegalArgumentException when no notifier has one's receiver name; none is queued then
     */
    public void accept(List<Notification> notifications) {
        Set<String> unknown = new HashSet<>();
        for (Notification n : notifications) {
            if (!receivers.contains(n.receiver())) {
                unknown.add(n.receiver());
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("no receiver named " + unknown + " (known: " + dispatcher.receivers() + ")");
        }
        if (notifications.isEmpty()) {
            return;
        }
        outbox.enqueue(notifications, clock.millis());
        Set<String> woken = new LinkedHashSet<>();
        notifications.forEach(n -> woken.add(n.receiver()));
        woken.forEach(dispatcher::wake);
    }

    /**
     * Routes an alert with the configured routes and queues it, as an ungrouped firing
     * notification ({@link Notification#of}), for each receiver; durable when this returns. An
     * alert no route and no default take is logged. The path until the lifecycle hands
     * notifications.
     */
    public void accept(Alert alert) {
        List<String> to = router.receiversFor(alert);
        if (to.isEmpty()) {
            LOG.debug("alert {} ({}) matched no route and there is no default receiver", alert.id(), alert.rule());
            return;
        }
        List<Notification> out = new ArrayList<>(to.size());
        for (String r : to) {
            out.add(Notification.of(r, List.of(alert), clock.instant()));
        }
        accept(out);
    }

    public Outbox outbox() {
        return outbox;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    @Override
    public void close() {
        dispatcher.close();
        outbox.close();
    }
}

package io.connwatch.notify;

import io.connwatch.alert.Alert;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert path after the rules: route each alert, queue it durably in the outbox for each
 * receiver, and let the dispatcher deliver. {@link #accept} returns once the alert is on disk.
 */
public final class Delivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    private final Router router;
    private final Outbox outbox;
    private final Dispatcher dispatcher;
    private final Clock clock;

    public Delivery(Router router, Outbox outbox, Dispatcher dispatcher, Clock clock) {
        this.router = router;
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    /** Routes and queues an alert; durable when this returns. An alert no route and no default take is logged. */
    public void accept(Alert alert) {
        List<String> receivers = router.receiversFor(alert);
        if (receivers.isEmpty()) {
            LOG.debug("alert {} ({}) matched no route and there is no default receiver", alert.id(), alert.rule());
            return;
        }
        outbox.enqueue(alert, receivers, clock.millis());
        receivers.forEach(dispatcher::wake);
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

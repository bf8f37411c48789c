package io.connwatch.engine.alert.sink;

import io.connwatch.alert.Alert;
import io.connwatch.notify.Delivery;

/** Hands alerts to the notifiers' durable outbox; returns once the alert is on disk. */
public final class DeliverySink implements AlertSink {
    private final Delivery delivery;

    public DeliverySink(Delivery delivery) {
        this.delivery = delivery;
    }

    @Override
    public void publish(Alert alert) {
        delivery.accept(alert);
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public String name() {
        return "outbox";
    }
}

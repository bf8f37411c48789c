package io.connwatch.notify;

/**
 * Told of every delivery attempt the {@link Dispatcher} makes, as it ends: how long the receiver
 * took and, when it failed, why. Called on the receiver's delivery thread, so it must be quick
 * and must not throw.
 */
@FunctionalInterface
public interface DeliveryObserver {
    /** Observes nothing. */
    DeliveryObserver NONE = (receiver, nanos, failure) -> { };

    /**
     * @param receiver the receiver's name
     * @param nanos    how long the attempt took
     * @param failure  why it failed, or null when it was delivered
     */
    void attempted(String receiver, long nanos, Dispatcher.FailureReason failure);
}

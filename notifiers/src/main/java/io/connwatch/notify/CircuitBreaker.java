package io.connwatch.notify;

import java.time.Duration;

/**
 * Stops hammering a receiver that is down: after {@code failures} failed deliveries in a row the
 * circuit opens for {@code openFor}; then one trial delivery is let through (half-open), and its
 * outcome closes or reopens it. Not thread-safe: one per receiver, used by its dispatcher thread
 * (other threads may read {@link #openUntil} and {@link #isOpen}).
 */
public final class CircuitBreaker {
    private final int threshold;
    private final long openForMillis;
    private int consecutiveFailures;
    /** Volatile: the metrics read it from other threads. */
    private volatile long openUntil;

    public CircuitBreaker(int failures, Duration openFor) {
        this.threshold = failures;
        this.openForMillis = openFor.toMillis();
    }

    /** True when a delivery may be tried at {@code now}. */
    public boolean allows(long now) {
        return now >= openUntil;
    }

    /** When the circuit lets the next trial through. */
    public long openUntil() {
        return openUntil;
    }

    public boolean isOpen(long now) {
        return now < openUntil;
    }

    public void success() {
        consecutiveFailures = 0;
        openUntil = 0;
    }

    public void failure(long now) {
        consecutiveFailures++;
        if (consecutiveFailures >= threshold) {
            openUntil = now + openForMillis;
        }
    }
}

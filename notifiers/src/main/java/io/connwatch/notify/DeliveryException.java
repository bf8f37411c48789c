package io.connwatch.notify;

import java.time.Duration;

/**
 * A delivery that did not succeed, saying whether trying again can help. The message names the
 * receiver and the failure, never a URL, token or password.
 */
public final class DeliveryException extends Exception {
    private final boolean retryable;
    private final Duration retryAfter;

    private DeliveryException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause, false, true);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** I/O errors, timeouts, 408, 429, 5xx: worth trying again later. */
    public static DeliveryException temporary(String message) {
        return new DeliveryException(message, true, null, null);
    }

    /** A temporary failure whose receiver said when to come back (HTTP Retry-After). */
    public static DeliveryException temporary(String message, Duration retryAfter) {
        return new DeliveryException(message, true, retryAfter, null);
    }

    /** Other 4xx, rejected recipients, bad credentials: trying again cannot help. */
    public static DeliveryException permanent(String message) {
        return new DeliveryException(message, false, null, null);
    }

    public boolean retryable() {
        return retryable;
    }

    /** When the receiver asked to be retried, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}

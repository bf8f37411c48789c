package io.connwatch.engine.alert.sink;

import io.connwatch.alert.Alert;

/** Where raised alerts go after dedup. Implementations must be thread-safe: partitions publish concurrently. */
public interface AlertSink {
    void publish(Alert alert);

    /**
     * An alert with this fingerprint was held back as a repeat within its episode: the episode
     * goes on at {@code evidenceMillis}. Sinks that keep episodes beyond the partitions' memory
     * (the Kafka episode log) extend them here.
     */
    default void repeated(String fingerprint, long evidenceMillis) {
    }

    /** Flushes anything buffered; called at the end of a replay and on shutdown. */
    default void flush() {
    }

    /** True when an alert this sink took survives a crash (a synced file, the outbox); the console does not. */
    default boolean durable() {
        return false;
    }

    /** A name for logs and /stats. */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * Thrown by a sink when an alert reached none of the durable outputs: the alert must not be
     * taken as delivered, and whatever brought its evidence must not be acknowledged.
     */
    final class NotDurableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NotDurableException(String message) {
            super(message);
        }

        /** True when {@code t} or one of its causes is a NotDurableException. */
        public static boolean in(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof NotDurableException) {
                    return true;
                }
            }
            return false;
        }
    }
}

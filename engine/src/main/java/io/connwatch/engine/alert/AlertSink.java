package io.connwatch.engine.alert;

import io.connwatch.alert.Alert;

/** Where raised alerts go after dedup. Implementations must be thread-safe: partitions publish concurrently. */
public interface AlertSink {
    void publish(Alert alert);

    /** Flushes anything buffered; called at the end of a replay and on shutdown. */
    default void flush() {
    }
}

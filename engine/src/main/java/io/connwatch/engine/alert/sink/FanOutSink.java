package io.connwatch.engine.alert.sink;

import io.connwatch.alert.Alert;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each alert, repeat and flush to every sink; one failing sink does not keep any of them
 * from the others.
 */
public final class FanOutSink implements AlertSink {
    private static final Logger LOG = LoggerFactory.getLogger(FanOutSink.class);
    private final List<AlertSink> sinks;

    public FanOutSink(List<AlertSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public void publish(Alert alert) {
        for (AlertSink s : sinks) {
            try {
                s.publish(alert);
            } catch (RuntimeException e) {
                LOG.error("alert {} ({}) could not be written to {}: {}", alert.id(), alert.rule(),
                    s.getClass().getSimpleName(), e.toString());
            }
        }
    }

    @Override
    public void repeated(String fingerprint, long evidenceMillis) {
        for (AlertSink s : sinks) {
            try {
                s.repeated(fingerprint, evidenceMillis);
            } catch (RuntimeException e) {
                LOG.error("the repeat of episode {} could not be written to {}: {}", fingerprint, s.getClass().getSimpleName(),
                    e.toString());
            }
        }
    }

    @Override
    public void flush() {
        for (AlertSink s : sinks) {
            try {
                s.flush();
            } catch (RuntimeException e) {
                LOG.error("{} could not be flushed: {}", s.getClass().getSimpleName(), e.toString());
            }
        }
    }
}

package io.connwatch.engine.alert.sink;

import io.connwatch.alert.Alert;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes each alert to every sink; one failing sink does not keep the alert from the others. */
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
            s.repeated(fingerprint, evidenceMillis);
        }
    }

    @Override
    public void flush() {
        sinks.forEach(AlertSink::flush);
    }
}

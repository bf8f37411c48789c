package io.connwatch.engine.alert.sink;

import io.connwatch.alert.Alert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each alert to every sink; one failing sink does not keep the alert from the others,
 * and no call of {@link #repeated} or {@link #flush} stops at a failing sink either. Each sink's
 * failures are counted and its last error kept for /stats and /health. When the durable sinks
 * (file, outbox) all fail for an alert, {@link #publish} throws {@link NotDurableException}: the
 * alert was written nowhere that survives a crash, so its evidence must not be acknowledged.
 */
public final class FanOutSink implements AlertSink {
    private static final Logger LOG = LoggerFactory.getLogger(FanOutSink.class);
    private static final long LOG_EVERY_MILLIS = 60_000;
    private final List<Output> outputs;

    /** One sink and how it fares. */
    public static final class Output {
        private final AlertSink sink;
        private final LongAdder failures = new LongAdder();
        private volatile String lastError;
        private volatile Instant lastFailure;
        private volatile boolean failing;
        private volatile long lastLogged;

        Output(AlertSink sink) {
            this.sink = sink;
        }

        public String name() {
            return sink.name();
        }

        public boolean durable() {
            return sink.durable();
        }

        public long failures() {
            return failures.sum();
        }

        /** The last failure's message, or null. */
        public String lastError() {
            return lastError;
        }

        public Instant lastFailure() {
            return lastFailure;
        }

        /** True when the last call to this sink failed. */
        public boolean failing() {
            return failing;
        }

        private boolean run(String what, Runnable call) {
            try {
                call.run();
                if (failing) {
                    failing = false;
                    LOG.info("{} works again after {} failures", name(), failures.sum());
                }
                return true;
            } catch (RuntimeException e) {
                failures.increment();
                lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                lastFailure = Instant.now();
                long now = System.currentTimeMillis();
                if (!failing || now - lastLogged >= LOG_EVERY_MILLIS) {
                    // once when it starts failing, then once a minute: a full disk must not flood the log
                    lastLogged = now;
                    LOG.error("{} failed ({} so far): {}: {}", name(), failures.sum(), what, e.toString());
                }
                failing = true;
                return false;
            }
        }
    }

    public FanOutSink(List<AlertSink> sinks) {
        List<Output> out = new ArrayList<>();
        for (AlertSink s : sinks) {
            out.add(new Output(s));
        }
        this.outputs = List.copyOf(out);
    }

    @Override
    public void publish(Alert alert) {
        boolean anyDurable = false;
        boolean stored = false;
        for (Output o : outputs) {
            boolean ok = o.run("alert " + alert.id() + " (" + alert.rule() + ")", () -> o.sink.publish(alert));
            if (o.durable()) {
                anyDurable = true;
                stored |= ok;
            }
        }
        if (anyDurable && !stored) {
            throw new NotDurableException("alert " + alert.id() + " (" + alert.rule() + ") could not be written to any durable output: "
                + String.join("; ", outputs.stream().filter(Output::durable).map(o -> o.name() + ": " + o.lastError()).toList()));
        }
    }

    @Override
    public void repeated(String fingerprint, long evidenceMillis) {
        for (Output o : outputs) {
            o.run("repeat of " + fingerprint, () -> o.sink.repeated(fingerprint, evidenceMillis));
        }
    }

    @Override
    public void flush() {
        for (Output o : outputs) {
            o.run("flush", o.sink::flush);
        }
    }

    @Override
    public boolean durable() {
        return outputs.stream().anyMatch(Output::durable);
    }

    /** Every sink with its failures, for /stats and /health. */
    public List<Output> outputs() {
        return outputs;
    }
}

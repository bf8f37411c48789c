package io.connwatch.engine.output;

import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.engine.alert.AlertSink;
import java.io.PrintStream;

/** Prints alerts to a stream as they are raised: one text line each, or one JSON object per line. */
public final class ConsoleSink implements AlertSink {
    private final PrintStream out;
    private final boolean json;

    public ConsoleSink(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    @Override
    public synchronized void publish(Alert alert) {
        out.println(json ? AlertJson.toJson(alert) : AlertText.line(alert));
    }

    @Override
    public synchronized void flush() {
        out.flush();
    }
}

package io.connwatch.engine.alert.sink;

import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import java.io.PrintWriter;

/** Prints alerts to a stream as they are raised: one text line each, or one JSON object per line. */
public final class ConsoleSink implements AlertSink {
    private final PrintWriter out;
    private final boolean json;

    public ConsoleSink(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    @Override
    public synchronized void publish(Alert alert) {
        out.println(json ? AlertJson.toJson(alert) : AlertText.line(alert));
        out.flush();
    }

    @Override
    public synchronized void flush() {
        out.flush();
    }
}

package io.connwatch.engine.alert.sink;

import io.connwatch.alert.Alert;
import java.util.Locale;

/** The one-line text form of an alert that the console shows. */
public final class AlertText {
    private AlertText() {
    }

    public static String line(Alert a) {
        return String.format(Locale.ROOT, "%s %-8s %-34s %s", a.evidenceTime(), a.severity().label().toUpperCase(Locale.ROOT),
            a.rule(), a.summary());
    }
}

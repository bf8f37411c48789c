package io.connwatch.engine.rules;

import io.connwatch.notify.Settings;
import java.time.Duration;

/** Reads durations as people write them in configuration: {@code 90s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 250ms} or ISO-8601. */
public final class Durations {
    private Durations() {
    }

    /**
     * One parser for the whole configuration: the notifiers' settings read durations the same way.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Duration parse(String text) {
        return Settings.parseDuration(text);
    }
}

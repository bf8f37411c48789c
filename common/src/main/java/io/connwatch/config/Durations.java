package io.connwatch.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Reads durations as people write them in configuration: {@code 90s}, {@code 5m}, {@code 2h}, {@code 1d}, {@code 250ms} or ISO-8601. */
public final class Durations {
    private Durations() {
    }

    /**
     * One parser for the whole configuration and the rule data.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1).trim());
            switch (t.charAt(t.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                case 'd':
                    return Duration.ofDays(n);
                default:
                    break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException | ArithmeticException e) {
            // reported below
        }
        throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 250ms, 90s, 5m, 2h, 1d or PT5M)");
    }
}

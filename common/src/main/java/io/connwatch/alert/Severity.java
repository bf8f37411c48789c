package io.connwatch.alert;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How urgently a person should look at an alert, from {@link #INFO} up to {@link #CRITICAL}. */
public enum Severity {
    INFO,
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    /** True when this severity is the same as or more urgent than {@code other}. */
    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }

    /** One level less urgent, never below {@link #INFO}. */
    public Severity lower() {
        return this == INFO ? INFO : values()[ordinal() - 1];
    }

    /** One level more urgent, never above {@link #CRITICAL}. */
    public Severity higher() {
        return this == CRITICAL ? CRITICAL : values()[ordinal() + 1];
    }

    /**
     * Reads {@code info}, {@code low}, {@code medium}, {@code high} or {@code critical}, any case.
     *
     * @throws IllegalArgumentException listing the accepted names
     */
    @JsonCreator
    public static Severity parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "unknown severity '" + text + "' (expected info, low, medium, high or critical)", e);
        }
    }

    /** The lower-case name used in configuration and payloads. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

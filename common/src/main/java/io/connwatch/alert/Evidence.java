package io.connwatch.alert;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One fact or piece of threat data that made a rule fire, kept with its column names so a
 * reader of the alert can see exactly what was observed.
 *
 * @param kind   what the data is, e.g. {@code VMConnection}, {@code VMBoundPort}, {@code MachineMinute}
 * @param time   the event time of the data
 * @param fields the data's columns in a stable order; values are strings, numbers, booleans or lists
 */
public record Evidence(String kind, Instant time, Map<String, Object> fields) {
    public Evidence {
        Objects.requireNonNull(kind, "kind");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
}

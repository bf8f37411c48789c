package io.connwatch.engine.facts;

import java.util.Arrays;
import java.util.List;

/** Column values of one input record as read, before typing: strings, or lists of strings. */
final class RawRecord {
    private final Object[] values = new Object[Column.COUNT];
    /** The first structural problem met while reading (wrong JSON type), reported on build. */
    String problemField;
    String problem;

    void put(Column c, Object value) {
        values[c.ordinal()] = value;
    }

    Object get(Column c) {
        return values[c.ordinal()];
    }

    /** The value as text, or null when absent or blank. */
    String text(Column c) {
        Object v = values[c.ordinal()];
        if (v == null) {
            return null;
        }
        if (v instanceof List<?>) {
            return null;
        }
        if (!(v instanceof String s)) {
            return v.toString();
        }
        return s.isBlank() ? null : s;
    }

    void problem(String field, String reason) {
        if (problem == null) {
            problemField = field;
            problem = reason;
        }
    }

    void clear() {
        Arrays.fill(values, null);
        problemField = null;
        problem = null;
    }
}

package io.connwatch.engine.facts;

import java.util.Locale;

/** Which side opened a VMConnection: {@code inbound} means the process accepted it. */
public enum Direction {
    INBOUND,
    OUTBOUND;

    static Direction parse(String text) {
        if (text.equals("outbound")) {
            return OUTBOUND;
        }
        if (text.equals("inbound")) {
            return INBOUND;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "inbound" -> INBOUND;
            case "outbound" -> OUTBOUND;
            default -> throw new IllegalArgumentException("expected 'inbound' or 'outbound', got '" + text + "'");
        };
    }

    /** Azure's lower-case spelling. */
    public String azureName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

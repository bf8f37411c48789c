package io.connwatch.engine.facts;

import java.util.Locale;

/** Transport protocol of a connection or bound port; the Azure agent reports only {@code tcp}. */
public enum Protocol {
    TCP,
    UDP;

    static Protocol parse(String text) {
        if (text.equals("tcp")) {
            return TCP;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "tcp" -> TCP;
            case "udp" -> UDP;
            default -> throw new IllegalArgumentException("expected 'tcp' or 'udp', got '" + text + "'");
        };
    }

    /** Azure's lower-case spelling. */
    public String azureName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

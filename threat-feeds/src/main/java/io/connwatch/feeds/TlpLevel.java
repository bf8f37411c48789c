package io.connwatch.feeds;

import java.util.Locale;

/** Traffic Light Protocol sharing level of an indicator: who may see it, not how bad it is. */
public enum TlpLevel {
    WHITE("White"),
    GREEN("Green"),
    AMBER("Amber"),
    RED("Red");

    private final String displayName;

    TlpLevel(String displayName) {
        this.displayName = displayName;
    }

    /**
     * Reads {@code White}, {@code TLP:AMBER}, {@code clear} (TLP 2.0's name for white) and similar.
     *
     * @throws IllegalArgumentException listing the accepted names
     */
    public static TlpLevel parse(String text) {
        String key = text.trim().toLowerCase(Locale.ROOT);
        if (key.startsWith("tlp:")) {
            key = key.substring(4);
        }
        switch (key) {
            case "white", "clear" -> {
                return WHITE;
            }
            case "green" -> {
                return GREEN;
            }
            case "amber", "amber+strict" -> {
                return AMBER;
            }
            case "red" -> {
                return RED;
            }
            default -> throw new IllegalArgumentException(
                "unknown TLP level '" + text + "' (expected White, Green, Amber or Red)");
        }
    }

    @Override
    public String toString() {
        return displayName;
    }
}

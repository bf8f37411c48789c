package io.connwatch.feeds.format;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which CSV column holds what, for {@link MappedCsvFormat}. Only {@code ip} is required; the
 * others fall back to the feed's defaults.
 *
 * @param ip          column with the IP or CIDR
 * @param port        column with a port
 * @param threatType  column with a threat type (Azure's vocabulary)
 * @param severity    column with a 0..5 severity
 * @param confidence  column with a 0..100 confidence
 * @param tlp         column with a TLP level
 * @param description column with a description
 * @param reference   column with a link
 * @param firstSeen   column with the first-seen time
 * @param lastSeen    column with the last-seen time
 * @param validUntil  column with the valid-until time
 * @param tags        columns whose values become tags ({@code column:value})
 * @param delimiter   the field separator
 * @param header      true when the first non-comment line names the columns; otherwise
 *                    columns are given as 1-based numbers
 */
public record CsvMapping(String ip, String port, String threatType, String severity, String confidence, String tlp,
                         String description, String reference, String firstSeen, String lastSeen, String validUntil,
                         List<String> tags, char delimiter, boolean header) {
    public CsvMapping {
        Objects.requireNonNull(ip, "ip column");
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** The keys a mapping is written with in configuration and on the command line. */
    public static final List<String> KEYS = List.of("ip", "port", "threat-type", "severity", "confidence", "tlp", "description",
        "reference", "first-seen", "last-seen", "valid-until", "tags", "delimiter", "header");

    /**
     * Reads a mapping from key/value pairs ({@code ip=dst_ip}, {@code tags=malware,status}).
     *
     * @throws IllegalArgumentException naming an unknown key or a missing {@code ip}
     */
    public static CsvMapping of(Map<String, String> m) {
        for (String k : m.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown CSV mapping key '" + k + "' (expected " + String.join(", ", KEYS) + ")");
            }
        }
        if (!m.containsKey("ip")) {
            throw new IllegalArgumentException("a CSV mapping needs ip=<column>");
        }
        String delimiter = m.getOrDefault("delimiter", ",");
        if (delimiter.equals("\\t") || delimiter.equals("tab")) {
            delimiter = "\t";
        }
        if (delimiter.length() != 1) {
            throw new IllegalArgumentException("delimiter must be one character, got '" + delimiter + "'");
        }
        String tags = m.get("tags");
        return new CsvMapping(m.get("ip"), m.get("port"), m.get("threat-type"), m.get("severity"), m.get("confidence"),
            m.get("tlp"), m.get("description"), m.get("reference"), m.get("first-seen"), m.get("last-seen"), m.get("valid-until"),
            tags == null || tags.isBlank() ? List.of() : List.of(tags.split("\\s*,\\s*")), delimiter.charAt(0),
            !"false".equalsIgnoreCase(m.getOrDefault("header", "true")));
    }
}

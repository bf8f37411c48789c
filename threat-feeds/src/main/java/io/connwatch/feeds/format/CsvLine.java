package io.connwatch.feeds.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line (RFC 4180 quoting: {@code "a,b"} and doubled {@code ""}). Feed CSVs keep one
 * record per line, and reading them line by line is what lets a bad line cost only itself and
 * be reported by number.
 */
final class CsvLine {
    private CsvLine() {
    }

    /** The fields of the line, or null when a quote is left open. */
    static List<String> split(String line, char delimiter) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                field.setLength(0);
            } else if (c == delimiter) {
                out.add(wasQuoted ? field.toString() : field.toString().trim());
                field.setLength(0);
                wasQuoted = false;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        out.add(wasQuoted ? field.toString() : field.toString().trim());
        return out;
    }
}

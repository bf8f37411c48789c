package io.connwatch.engine.facts;

/**
 * A record that could not become a fact, with where it was and why.
 *
 * @param source   the file name, {@code http} or topic the record came from
 * @param location where in the source: {@code line 12}, {@code line 3, column 17}, {@code offset 88}
 * @param field    the column at fault, or null when the record as a whole is unreadable
 * @param reason   what is wrong, without echoing long input back
 */
public record Rejection(String source, String location, String field, String reason) {
    /** One line naming source, location, field and reason, as logs and CLI output show it. */
    public String message() {
        return source + ":" + location + ": " + (field == null ? "" : field + ": ") + reason;
    }

    @Override
    public String toString() {
        return message();
    }
}

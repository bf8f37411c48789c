package io.connwatch.text;

/** Text from a request or a record made fit for one log line: it cannot forge lines or flood the log. */
public final class LogText {
    /** Characters of such text kept in a log line; the rest is cut, shown by an ellipsis. */
    public static final int MAX_CHARS = 80;

    private LogText() {
    }

    /**
     * {@code s} shortened to {@value #MAX_CHARS} characters and an ellipsis, "null" for null: for
     * text that is escaped where it goes (a JSON error message) but must not be long.
     */
    public static String shortened(String s) {
        return s == null ? "null" : s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS) + "\u2026";
    }

    /** {@code s} shortened to {@value #MAX_CHARS} characters, control characters (line breaks too) as '?'; "null" for null. */
    public static String printable(String s) {
        return shortened(s).codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}

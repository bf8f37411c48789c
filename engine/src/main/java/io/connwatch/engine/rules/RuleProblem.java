package io.connwatch.engine.rules;

/**
 * One compile error in a rule file.
 *
 * @param file    the DRL file as the user named it (relative to the rules directory's parent when possible)
 * @param line    1-based line, or 0 when Drools gave none
 * @param column  0-based column as Drools counts it, or -1 when unknown
 * @param message Drools' message without its location prefix
 */
public record RuleProblem(String file, int line, int column, String message) {
    /** {@code file:line:column: message}, the form editors and CI logs link to. */
    public String format() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
            if (column >= 0) {
                sb.append(':').append(column);
            }
        }
        return sb.append(": ").append(message).toString();
    }

    @Override
    public String toString() {
        return format();
    }
}

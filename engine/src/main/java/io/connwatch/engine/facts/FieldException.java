package io.connwatch.engine.facts;

/** A column value that is missing, of the wrong type, or out of range. */
final class FieldException extends Exception {
    final String field;

    FieldException(String field, String reason) {
        super(reason, null, false, false);
        this.field = field;
    }
}

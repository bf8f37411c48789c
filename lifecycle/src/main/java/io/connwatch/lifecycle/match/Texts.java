package io.connwatch.lifecycle.match;

/** Operator text shortened for error messages, so hostile input cannot flood a log or a response. */
final class Texts {
    /** The most characters of operator text an error message quotes. */
    static final int SHOWN = 120;

    private Texts() {
    }

    static String shorten(String text) {
        return text.length() <= SHOWN ? text : text.substring(0, SHOWN) + "… (" + text.length() + " characters)";
    }
}

package io.connwatch.engine.facts;

/**
 * A reusable view of a range of a char array as a CharSequence, for parsing a value in a parser's
 * buffer without copying it; valid only until the buffer moves on. Not thread-safe.
 */
final class CharSlice implements CharSequence {
    private char[] chars;
    private int from;
    private int length;

    /** Points this slice at {@code chars[from, from + length)} and returns it. */
    CharSlice of(char[] chars, int from, int length) {
        this.chars = chars;
        this.from = from;
        this.length = length;
        return this;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return chars[from + index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new String(chars, from + start, end - start);
    }

    @Override
    public String toString() {
        return new String(chars, from, length);
    }
}

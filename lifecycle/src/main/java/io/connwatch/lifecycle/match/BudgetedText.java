package io.connwatch.lifecycle.match;

/**
 * A label value that java.util.regex may read only so many characters of: every {@code charAt}
 * spends one, and the one past the budget throws {@link Exhausted}, which ends a catastrophic
 * backtracking match in time proportional to the budget.
 */
final class BudgetedText implements CharSequence {
    private final String text;
    private final int offset;
    private final int length;
    private final long[] left;

    BudgetedText(String text, long budget) {
        this(text, 0, text.length(), new long[] {budget});
    }

    private BudgetedText(String text, int offset, int length, long[] left) {
        this.text = text;
        this.offset = offset;
        this.length = length;
        this.left = left;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (--left[0] < 0) {
            throw Exhausted.INSTANCE;
        }
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return text.charAt(offset + index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        if (start < 0 || end > length || start > end) {
            throw new IndexOutOfBoundsException("[" + start + ", " + end + ") of " + length);
        }
        return new BudgetedText(text, offset + start, end - start, left);
    }

    @Override
    public String toString() {
        return text.substring(offset, offset + length);
    }

    /** The budget is spent; thrown without a stack trace since it only ends a match. */
    static final class Exhausted extends RuntimeException {
        static final Exhausted INSTANCE = new Exhausted();

        private Exhausted() {
            super("regex match budget spent", null, false, false);
        }
    }
}

package io.connwatch.lifecycle.match;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher with Alertmanager's semantics: a missing label reads as the empty string,
 * and a regular expression must match the whole value (as if written {@code ^(?:re)$}).
 *
 * <p>Regular expressions use Java's syntax (close to Go's RE2 for what matchers use: classes,
 * alternation, repetition). Operators type them into an HTTP API, so they are bounded: a value
 * is at most {@value #MAX_VALUE_LENGTH} characters, a regex that does not compile is refused
 * when the matcher is made, and each match may read the label at most
 * {@value #BASE_BUDGET} + {@value #BUDGET_PER_CHAR} × its length characters (backtracking
 * reads the same characters again and again). A match that runs out of that budget counts in
 * {@link #abortedMatches()} and does not match, whatever the operator: a hostile silence or
 * inhibition then fails open and the alert is sent.
 *
 * <p>{@link #toString()} gives the canonical form {@code name="value"} (with {@code \"},
 * {@code \\} and {@code \n} escaped) that {@link #parse} reads back to an equal matcher.
 *
 * @param name  the label name, {@code [a-zA-Z_][a-zA-Z0-9_]*}
 * @param op    how the value is compared
 * @param value the value or regular expression, at most {@value #MAX_VALUE_LENGTH} characters
 */
public record Matcher(String name, Op op, String value) {
    /** The longest value (or regular expression) a matcher takes. */
    public static final int MAX_VALUE_LENGTH = 1024;
    /** The longest label name a matcher takes. */
    public static final int MAX_NAME_LENGTH = 1024;
    /** Characters any regex match may read, however short the label. */
    public static final int BASE_BUDGET = 100_000;
    /** Characters a regex match may read in addition per character of the label. */
    public static final int BUDGET_PER_CHAR = 16;

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final LongAdder ABORTED = new LongAdder();

    /** How a matcher compares the label's value, spelled as in Alertmanager. */
    public enum Op {
        EQ("="), NE("!="), RE("=~"), NRE("!~");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        /** The operator as written: {@code =}, {@code !=}, {@code =~} or {@code !~}. */
        public String symbol() {
            return symbol;
        }

        /** True for {@code =~} and {@code !~}. */
        public boolean isRegex() {
            return this == RE || this == NRE;
        }

        /** True for {@code !=} and {@code !~}. */
        public boolean isNegative() {
            return this == NE || this == NRE;
        }

        /** The operator for its Alertmanager API flags ({@code isRegex}, {@code isEqual}). */
        public static Op of(boolean isRegex, boolean isEqual) {
            return isRegex ? (isEqual ? RE : NRE) : (isEqual ? EQ : NE);
        }

        @Override
        public String toString() {
            return symbol;
        }
    }

    /**
     * @throws IllegalArgumentException for a name that is not a label name, a value that is too
     *                                  long, or a regular expression that does not compile
     */
    public Matcher {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(value, "value");
        if (name.length() > MAX_NAME_LENGTH || !LABEL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + Texts.shorten(name) + "' is not a label name (letters, digits and _, not starting with a digit)");
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("the value of " + name + " is " + value.length()
                + " characters long; the limit is " + MAX_VALUE_LENGTH);
        }
        if (op.isRegex()) {
            Patterns.compile(name, value);
        }
    }

    /** A matcher {@code name="value"}. */
    public static Matcher eq(String name, String value) {
        return new Matcher(name, Op.EQ, value);
    }

    /** A matcher {@code name=~"regex"}. */
    public static Matcher re(String name, String regex) {
        return new Matcher(name, Op.RE, regex);
    }

    /**
     * Reads {@code name="value"}, {@code name=value}, {@code name=~"a|b"}, {@code name!~"x.*"}
     * (spaces allowed around each part; inside quotes {@code \"}, {@code \\} and {@code \n} are
     * escapes and any other backslash stays as written, so {@code "a\.b"} is the regex a\.b).
     * An unquoted value ends at a space, comma, brace or control character.
     *
     * @throws IllegalArgumentException naming the text and the position (from 1) of the problem
     */
    public static Matcher parse(String text) {
        return new MatcherParser(text).single();
    }

    /** True when the labels satisfy this matcher (a missing label reads as the empty string). */
    public boolean matches(Map<String, String> labels) {
        String v = labels.get(name);
        return matchesValue(v == null ? "" : v);
    }

    /** True when a label with this value (null: a missing label, read as the empty string) satisfies the matcher. */
    public boolean matchesValue(String labelValue) {
        String v = labelValue == null ? "" : labelValue;
        return switch (op) {
            case EQ -> value.equals(v);
            case NE -> !value.equals(v);
            case RE -> regexMatches(v) == Boolean.TRUE;
            case NRE -> regexMatches(v) == Boolean.FALSE;
        };
    }

    /** How many regex matches, since start, ran out of their budget (and so did not match). */
    public static long abortedMatches() {
        return ABORTED.sum();
    }

    /** The canonical form {@code name<op>"value"} that {@link #parse} reads back. */
    @Override
    public String toString() {
        return name + op.symbol() + quote(value);
    }

    /** The value in double quotes with {@code "}, {@code \} and new lines escaped. */
    static String quote(String value) {
        StringBuilder b = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** TRUE or FALSE, or null when the match ran out of its budget. */
    private Boolean regexMatches(String v) {
        Pattern p = Patterns.compile(name, value);
        try {
            return p.matcher(new BudgetedText(v, BASE_BUDGET + (long) BUDGET_PER_CHAR * v.length())).matches();
        } catch (BudgetedText.Exhausted | StackOverflowError e) {
            // Deep recursion in java.util.regex on a long label is the same hazard as backtracking.
            ABORTED.increment();
            return null;
        }
    }

    /** Compiled regexes by text, bounded by the total length of their sources. */
    static final class Patterns {
        /** Cached regex sources may add up to this many characters before the cache starts over. */
        static final long MAX_CACHED_CHARS = 1 << 20;
        private static final Map<String, Pattern> CACHE = new ConcurrentHashMap<>();
        private static final AtomicLong CACHED_CHARS = new AtomicLong();

        private Patterns() {
        }

        static Pattern compile(String name, String regex) {
            Pattern p = CACHE.get(regex);
            if (p != null) {
                return p;
            }
            try {
                // matches() anchors the whole alternation, so no ^(?:...)$ wrapper that a value
                // like "a)|(b" could unbalance.
                p = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("the regular expression of " + name + " does not compile: "
                    + e.getDescription() + (e.getIndex() >= regex.length() ? " at the end of"
                        : e.getIndex() >= 0 ? " near character " + (e.getIndex() + 1) + " of" : " in")
                    + " \"" + Texts.shorten(regex) + "\"", e);
            } catch (StackOverflowError e) {
                throw new IllegalArgumentException("the regular expression of " + name + " is nested too deeply", e);
            }
            if (CACHED_CHARS.addAndGet(regex.length() + 16) > MAX_CACHED_CHARS) {
                CACHE.clear();
                CACHED_CHARS.set(regex.length() + 16);
            }
            CACHE.put(regex, p);
            return p;
        }
    }
}

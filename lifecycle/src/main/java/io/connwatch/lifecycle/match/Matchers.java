package io.connwatch.lifecycle.match;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Matchers that must all match, as in a silence or one side of an inhibition rule; no matchers
 * match every label set. {@link #toString()} gives the canonical {@code {a="b", c=~"d"}} that
 * {@link #parse} reads back to equal matchers.
 *
 * @param all the matchers, in the order written
 */
public record Matchers(List<Matcher> all) {
    /** The longest text {@link #parse} reads. */
    public static final int MAX_TEXT_LENGTH = 65_536;
    /** The most matchers {@link #parse} reads from one text. */
    public static final int MAX_MATCHERS = 256;

    public Matchers {
        all = List.copyOf(all);
    }

    /** The given matchers, in order. */
    public static Matchers of(Matcher... matchers) {
        return new Matchers(List.of(matchers));
    }

    /**
     * Reads {@code {a="b", c=~"d.*"}} or {@code a="b",c=~"d"} (commas and braces inside quotes
     * are part of the value; a trailing comma is allowed); empty text or {@code {}} is no matchers.
     *
     * @throws IllegalArgumentException naming the text and the position (from 1) of the problem
     */
    public static Matchers parse(String text) {
        return new Matchers(new MatcherParser(text).list());
    }

    /**
     * Reads one matcher per text, as in Alertmanager's {@code source_matchers: ['a="b"']}.
     *
     * @throws IllegalArgumentException for the first text that is not one matcher, saying which
     */
    public static Matchers of(List<String> texts) {
        if (texts.size() > MAX_MATCHERS) {
            throw new IllegalArgumentException(texts.size() + " matchers; the limit is " + MAX_MATCHERS);
        }
        List<Matcher> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            try {
                out.add(Matcher.parse(texts.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(texts.size() == 1 ? e.getMessage() : "matcher " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new Matchers(out);
    }

    /** True when every matcher matches the labels. */
    public boolean matches(Map<String, String> labels) {
        for (Matcher m : all) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** True when every matcher matches the empty label set, i.e. these matchers match any alert. */
    public boolean matchesEmpty() {
        return matches(Map.of());
    }

    /** True when there are no matchers. */
    public boolean isEmpty() {
        return all.isEmpty();
    }

    /** The canonical form {@code {a="b", c=~"d"}}. */
    @Override
    public String toString() {
        return all.stream().map(Matcher::toString).collect(Collectors.joining(", ", "{", "}"));
    }
}

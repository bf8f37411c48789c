package io.connwatch.lifecycle.match;

import java.util.ArrayList;
import java.util.List;

/** Reads matchers from operator text, reporting problems with the text and a position from 1. */
final class MatcherParser {
    private final String text;
    private int pos;

    MatcherParser(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no matcher given");
        }
        if (text.length() > Matchers.MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException("matchers of " + text.length() + " characters; the limit is " + Matchers.MAX_TEXT_LENGTH);
        }
        this.text = text;
    }

    /** Exactly one matcher and nothing else. */
    Matcher single() {
        Matcher m = matcher();
        skipSpaces();
        if (pos < text.length()) {
            throw error("unexpected " + describe(pos) + " after the matcher (quote a value that has spaces, commas or braces)");
        }
        return m;
    }

    /** {@code {a="b", c=~"d"}} or the same without braces; empty text or {@code {}} is no matchers. */
    List<Matcher> list() {
        List<Matcher> out = new ArrayList<>();
        skipSpaces();
        boolean braced = peek('{');
        if (braced) {
            pos++;
        }
        skipSpaces();
        while (pos < text.length() && !peek('}')) {
            if (out.size() == Matchers.MAX_MATCHERS) {
                throw error("more than " + Matchers.MAX_MATCHERS + " matchers");
            }
            out.add(matcher());
            skipSpaces();
            if (peek(',')) {
                pos++;
                skipSpaces();
            } else if (pos < text.length() && !peek('}')) {
                throw error("expected ',' " + (braced ? "or '}' " : "") + "but found " + describe(pos)
                    + " (quote a value that has spaces, commas or braces)");
            }
        }
        if (braced) {
            if (!peek('}')) {
                throw error("missing the closing '}'");
            }
            pos++;
        } else if (peek('}')) {
            throw error("a '}' without its '{'");
        }
        skipSpaces();
        if (pos < text.length()) {
            throw error("unexpected " + describe(pos) + " after the closing '}'");
        }
        return out;
    }

    private Matcher matcher() {
        skipSpaces();
        int start = pos;
        while (pos < text.length() && isNameChar(text.charAt(pos), pos == start)) {
            pos++;
        }
        if (pos == start) {
            throw error("expected a label name but found " + describe(pos));
        }
        String name = text.substring(start, pos);
        skipSpaces();
        Matcher.Op op;
        if (text.startsWith("=~", pos)) {
            op = Matcher.Op.RE;
        } else if (text.startsWith("!~", pos)) {
            op = Matcher.Op.NRE;
        } else if (text.startsWith("!=", pos)) {
            op = Matcher.Op.NE;
        } else if (text.startsWith("=", pos)) {
            op = Matcher.Op.EQ;
        } else {
            throw error("expected =, !=, =~ or !~ after the label name " + Texts.shorten(name) + " but found " + describe(pos));
        }
        pos += op.symbol().length();
        skipSpaces();
        int valueAt = pos;
        String value = peek('"') ? quoted() : unquoted();
        try {
            return new Matcher(name, op, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (at character " + (valueAt + 1) + " in '" + Texts.shorten(text) + "')", e);
        }
    }

    private String quoted() {
        int open = pos++;
        StringBuilder b = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\' && pos < text.length()) {
                char next = text.charAt(pos++);
                switch (next) {
                    case 'n' -> b.append('\n');
                    case '"', '\\' -> b.append(next);
                    default -> b.append('\\').append(next); // a regex escape such as \. stays as written
                }
            } else {
                b.append(c);
            }
            if (b.length() > Matcher.MAX_VALUE_LENGTH) {
                break; // the constructor says the value is too long; no need to read further
            }
        }
        if (b.length() > Matcher.MAX_VALUE_LENGTH) {
            return b.toString();
        }
        pos = open;
        throw error("the quoted value starting here has no closing '\"'");
    }

    private String unquoted() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"' || c == ',' || c == '{' || c == '}' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                break;
            }
            pos++;
        }
        if (peek('"')) {
            throw error("a '\"' inside an unquoted value (quote the whole value)");
        }
        return text.substring(start, pos);
    }

    private static boolean isNameChar(char c, boolean first) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private String describe(int at) {
        if (at >= text.length()) {
            return "the end";
        }
        char c = text.charAt(at);
        return Character.isISOControl(c) ? String.format("character U+%04X", (int) c) : "'" + c + "'";
    }

    private IllegalArgumentException error(String problem) {
        return new IllegalArgumentException(problem + " at character " + (pos + 1) + " in '" + Texts.shorten(text) + "'");
    }
}

package io.connwatch.engine.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DRL file read as text, before Drools sees it: its comments and string contents blanked out
 * (offsets and line breaks kept), and its rules with where each starts, where {@code when},
 * {@code then} and {@code end} are, and their metadata.
 */
final class DrlText {
    /** A block keyword at the start of a line: what opens a rule, query or declaration, or ends one. */
    private static final Pattern BLOCK = Pattern.compile("^[ \\t]*(rule|query|declare|end)\\b(?![ \\t]*[=.(])", Pattern.MULTILINE);
    private static final Pattern RULE_NAME = Pattern.compile("\\G[ \\t]*(?:\"([^\"\\n]*)\"|'([^'\\n]*)'|([\\w.$-]+))");
    private static final Pattern WHEN = Pattern.compile("^[ \\t]*when\\b", Pattern.MULTILINE);
    private static final Pattern THEN = Pattern.compile("^[ \\t]*then\\b", Pattern.MULTILINE);
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)", Pattern.MULTILINE);

    /** One rule (or query / declaration) block; offsets into the text, -1 when absent. */
    record Block(String kind, String name, int start, int when, int then, int end) {
        boolean isRule() {
            return kind.equals("rule");
        }
    }

    final String text;
    final String masked;
    final String packageName;
    final List<Block> blocks;

    DrlText(String text) {
        this.text = text;
        this.masked = mask(text);
        Matcher pkg = PACKAGE.matcher(masked);
        this.packageName = pkg.find() ? pkg.group(1) : "";
        this.blocks = blocks();
    }

    /** 1-based line of an offset. */
    int line(int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** 0-based column of an offset. */
    int column(int offset) {
        int nl = text.lastIndexOf('\n', Math.max(0, offset - 1));
        return offset - nl - 1;
    }

    /** The rule's header: its name line up to {@code when} (attributes and metadata live here). */
    String header(Block b) {
        int stop = b.when() >= 0 ? b.when() : b.then() >= 0 ? b.then() : b.end() >= 0 ? b.end() : text.length();
        return masked.substring(b.start(), stop);
    }

    /** The rule's conditions, between {@code when} and {@code then} (empty when it has no {@code when}). */
    String lhs(Block b) {
        if (b.when() < 0) {
            return "";
        }
        int stop = b.then() >= 0 ? b.then() : b.end() >= 0 ? b.end() : text.length();
        return masked.substring(b.when(), stop);
    }

    private List<Block> blocks() {
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(masked);
        String kind = null;
        String name = null;
        int start = -1;
        while (m.find()) {
            String word = m.group(1);
            if (word.equals("end")) {
                if (kind != null) {
                    out.add(block(kind, name, start, m.start(1)));
                    kind = null;
                }
                continue;
            }
            if (kind != null) {
                out.add(block(kind, name, start, -1));
            }
            kind = word;
            start = m.start(1);
            Matcher n = RULE_NAME.matcher(text);
            name = n.find(m.end(1)) && n.start() == m.end(1) ? first(n.group(1), n.group(2), n.group(3)) : "";
        }
        if (kind != null) {
            out.add(block(kind, name, start, -1));
        }
        return out;
    }

    private Block block(String kind, String name, int start, int end) {
        int limit = end >= 0 ? end : nextBlockStart(start);
        int when = find(WHEN, start, limit);
        int then = find(THEN, when >= 0 ? when : start, limit);
        return new Block(kind, name, start, when, then, end);
    }

    private int nextBlockStart(int after) {
        Matcher m = BLOCK.matcher(masked);
        return m.find(after + 1) ? m.start(1) : masked.length();
    }

    private int find(Pattern p, int from, int to) {
        Matcher m = p.matcher(masked).region(from, to);
        return m.find() ? m.end() - (m.group().trim().length()) : -1;
    }

    private static String first(String... s) {
        for (String x : s) {
            if (x != null) {
                return x;
            }
        }
        return "";
    }

    /** The text with comments and the insides of string and character literals replaced by spaces. */
    static String mask(String text) {
        StringBuilder sb = new StringBuilder(text);
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                while (i < n && text.charAt(i) != '\n') {
                    sb.setCharAt(i++, ' ');
                }
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                while (i < n && !(text.charAt(i) == '*' && i + 1 < n && text.charAt(i + 1) == '/')) {
                    blank(sb, i++);
                }
                if (i < n) {
                    blank(sb, i++);
                    blank(sb, i++);
                }
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && text.charAt(i) != c && text.charAt(i) != '\n') {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        blank(sb, i++);
                    }
                    blank(sb, i++);
                }
                i++;
            } else {
                i++;
            }
        }
        return sb.toString();
    }

    private static void blank(StringBuilder sb, int i) {
        if (i < sb.length() && sb.charAt(i) != '\n') {
            sb.setCharAt(i, ' ');
        }
    }
}

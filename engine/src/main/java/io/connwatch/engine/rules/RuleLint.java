package io.connwatch.engine.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Warnings for rules that compile but hurt an always-on engine, found by reading the DRL:
 * <ul>
 *   <li>an {@code accumulate} or {@code collect} over an event type with neither a sliding window
 *       nor a {@code timestamp} bound (it grows with everything the engine keeps);</li>
 *   <li>a {@code not} / {@code exists} over an event type without a time bound (Drools cannot
 *       expire what it may need to see);</li>
 *   <li>a window or temporal operator over raw rows ({@code Connection}, {@code BoundPort}) while
 *       rows are judged once and dropped ({@code rules.retention.records: 0s}): it would only ever
 *       see the current batch.</li>
 * </ul>
 * Unknown fields are not a warning: Drools refuses to compile them, with file and line.
 */
public final class RuleLint {
    private static final String EVENTS = "(Connection|BoundPort|MachineMinute|ProcessMinute|AdminMinute|FanOutMinute|RemoteMinute)";
    private static final Pattern RULE = Pattern.compile("^\\s*rule\\s+\"([^\"]+)\"", Pattern.MULTILINE);
    private static final Pattern ACCUMULATE = Pattern.compile("\\b(accumulate|collect)\\s*\\(\\s*" + EVENTS + "\\s*\\(");
    private static final Pattern NEGATION = Pattern.compile("\\b(not|exists)\\s*\\(?\\s*" + EVENTS + "\\s*\\(");
    private static final Pattern ROW = Pattern.compile("\\b(Connection|BoundPort)\\s*\\(");
    private static final Pattern TEMPORAL = Pattern.compile("\\b(after|before|meets|metby|overlaps|overlappedby|during|includes|"
        + "coincides|starts|startedby|finishes|finishedby)\\b");
    /** A sliding window right after a pattern's closing parenthesis. */
    private static final Pattern WINDOW = Pattern.compile("\\s*over\\s+window\\s*:");

    private RuleLint() {
    }

    public static List<RuleProblem> check(List<Path> files, EventRetention retention) {
        List<RuleProblem> warnings = new ArrayList<>();
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f);
            } catch (IOException e) {
                continue;
            }
            Matcher rule = RULE.matcher(text);
            List<int[]> spans = new ArrayList<>();
            List<String> names = new ArrayList<>();
            while (rule.find()) {
                spans.add(new int[] {rule.start()});
                names.add(rule.group(1));
            }
            for (int i = 0; i < spans.size(); i++) {
                int start = spans.get(i)[0];
                int end = i + 1 < spans.size() ? spans.get(i + 1)[0] : text.length();
                String body = text.substring(start, end);
                int then = body.indexOf("then");
                String lhs = then < 0 ? body : body.substring(0, then);
                check(f, text, start, lhs, names.get(i), retention, warnings);
            }
        }
        return warnings;
    }

    private static void check(Path f, String text, int offset, String lhs, String rule, EventRetention retention, List<RuleProblem> out) {
        Matcher acc = ACCUMULATE.matcher(lhs);
        while (acc.find()) {
            String rest = lhs.substring(acc.start(), Math.min(lhs.length(), closing(lhs, acc.end() - 1) + 40));
            if (!rest.contains("over window") && !rest.contains("timestamp")) {
                out.add(warning(f, text, offset + acc.start(), "rule \"" + rule + "\": " + acc.group(1) + " over " + acc.group(2)
                    + " with no window and no timestamp bound: it grows with everything kept; add `over window:time(..)` or a "
                    + "`timestamp >` constraint"));
            }
        }
        Matcher neg = NEGATION.matcher(lhs);
        while (neg.find()) {
            int close = closing(lhs, neg.end() - 1);
            String pattern = lhs.substring(neg.end() - 1, close + 1);
            if (!pattern.contains("timestamp") && !pattern.matches("(?s).*\\b(after|before|during|coincides)\\b.*")
                && !windowAfter(lhs, close)) {
                out.add(warning(f, text, offset + neg.start(), "rule \"" + rule + "\": `" + neg.group(1) + " " + neg.group(2)
                    + "` with no time bound: Drools keeps what it may need to see; bound it by `timestamp`, a temporal operator "
                    + "or a window"));
            }
        }
        if (retention.rowsJudgedOnce()) {
            // Each row pattern alone, to its closing parenthesis: an operator in a later rollup pattern is not about rows.
            Matcher row = ROW.matcher(lhs);
            while (row.find()) {
                int close = closing(lhs, row.end() - 1);
                if (TEMPORAL.matcher(lhs.substring(row.end(), close)).find() || windowAfter(lhs, close)) {
                    out.add(warning(f, text, offset + row.start(), "rule \"" + rule + "\": a window or temporal operator over raw rows, "
                        + "but rows are judged once and dropped (rules.retention.records: 0s): it only sees the current batch; use the "
                        + "MachineMinute / ProcessMinute rollups or raise rules.retention.records"));
                    break;
                }
            }
        }
    }

    /** True when the pattern whose parenthesis closes at {@code close} is followed by a sliding window. */
    private static boolean windowAfter(String lhs, int close) {
        return WINDOW.matcher(lhs).region(close + 1, lhs.length()).lookingAt();
    }

    /** Index of the parenthesis closing the one at {@code open}. */
    private static int closing(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return s.length() - 1;
    }

    private static RuleProblem warning(Path f, String text, int at, String message) {
        int line = 1;
        int col = 0;
        for (int i = 0; i < at && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 0;
            } else {
                col++;
            }
        }
        return new RuleProblem(f.toString(), line, col, "warning: " + message);
    }
}

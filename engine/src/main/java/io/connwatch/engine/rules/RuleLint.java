package io.connwatch.engine.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 *   <li>a window, temporal operator or {@code timestamp} bound over raw rows ({@code Connection},
 *       {@code BoundPort}) reaching further back than the rule keeps rows (its own
 *       {@code @retain("40m")}, or the configured {@code rules.retention.records}): it would only
 *       see the rows still kept.</li>
 * </ul>
 * Unknown fields are not a warning: Drools refuses to compile them, with file and line.
 */
public final class RuleLint {
    private static final String EVENTS = "(Connection|BoundPort|MachineMinute|ProcessMinute|AdminMinute|FanOutMinute|RemoteMinute)";
    private static final Pattern RULE = Pattern.compile("^\\s*rule\\s+\"([^\"]+)\"", Pattern.MULTILINE);
    private static final Pattern ACCUMULATE = Pattern.compile("\\b(accumulate|collect)\\s*\\(\\s*" + EVENTS + "\\s*\\(");
    private static final Pattern NEGATION = Pattern.compile("\\b(not|exists)\\s*\\(?\\s*" + EVENTS + "\\s*\\(");
    private static final Pattern ROW = Pattern.compile("\\b(Connection|BoundPort)\\s*\\(");
    private static final Pattern WINDOW_TIME = Pattern.compile("\\s*over\\s+window\\s*:\\s*time\\s*\\(\\s*([\\w]+)\\s*\\)");
    /** {@code timestamp > ($ts - 2100000)}: how far back a row pattern looks, in milliseconds. */
    private static final Pattern TIMESTAMP_BOUND = Pattern.compile("\\btimestamp\\s*>=?\\s*\\(?\\s*\\$?[\\w.]+\\s*-\\s*(\\d+)L?\\s*\\)?");
    private static final Pattern TEMPORAL_INTERVAL = Pattern.compile("\\b(?:after|before|meets|metby|overlaps|overlappedby|during|"
        + "includes|coincides|starts|startedby|finishes|finishedby)\\s*\\[([^\\]]*)\\]");
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
            DrlText drl = new DrlText(text);
            for (int i = 0; i < spans.size(); i++) {
                int start = spans.get(i)[0];
                int end = i + 1 < spans.size() ? spans.get(i + 1)[0] : text.length();
                String body = text.substring(start, end);
                int then = body.indexOf("then");
                String lhs = then < 0 ? body : body.substring(0, then);
                Duration declared = null;
                for (DrlText.Block b : drl.blocks) {
                    // the match may begin on the blank lines before the rule's own line
                    if (b.isRule() && b.start() >= start) {
                        declared = DeclaredRetention.of(f, drl, b, new ArrayList<>());
                        break;
                    }
                }
                check(f, text, start, lhs, names.get(i), retention, declared, warnings);
            }
        }
        return warnings;
    }

    private static void check(Path f, String text, int offset, String lhs, String rule, EventRetention retention, Duration declared,
                              List<RuleProblem> out) {
        Duration keptFor = declared != null && declared.compareTo(retention.records()) > 0 ? declared : retention.records();
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
        // Rows in a window, a temporal operator or a timestamp bound: the rule's own retention (its @retain, or the
        // configured floor) must cover how far back it looks. Each row pattern alone, to its closing parenthesis:
        // an operator in a later rollup pattern is not about rows.
        Matcher row = ROW.matcher(lhs);
        while (row.find()) {
            int close = closing(lhs, row.end() - 1);
            String inside = lhs.substring(row.end(), close);
            Matcher window = WINDOW_TIME.matcher(lhs).region(close + 1, lhs.length());
            boolean sliding = windowAfter(lhs, close);
            Matcher bound = TIMESTAMP_BOUND.matcher(inside);
            boolean bounded = bound.find();
            if (!TEMPORAL.matcher(inside).find() && !sliding && !bounded) {
                continue;
            }
            Duration reach = null;
            if (sliding && window.lookingAt()) {
                reach = droolsTime(window.group(1));
            } else if (bounded) {
                reach = Duration.ofMillis(Long.parseLong(bound.group(1)));
            } else {
                reach = temporalReach(inside);
            }
            Duration kept = keptFor;
            if (reach != null ? kept.compareTo(reach) < 0 : kept.isZero()) {
                String over = reach == null ? "" : " (" + row.group(1) + " rows over " + human(reach) + ")";
                out.add(warning(f, text, offset + row.start(), "rule \"" + rule + "\": a window or temporal operator over raw rows"
                    + over + ", but rows are kept " + human(kept) + " for it (" + (declared != null ? "its @retain" : "rules.retention.records")
                    + "): it only sees " + (kept.isZero() ? "the current batch" : "the last " + human(kept)) + "; declare "
                    + "@retain(\"" + (reach == null ? "<how far back it looks>" : human(reach)) + "\") after the rule's name, "
                    + "or use the MachineMinute / ProcessMinute rollups"));
                break;
            }
        }
    }

    /** The longest upper bound of a temporal operator's interval ({@code after[0, 35m]}), or null when it has none. */
    private static Duration temporalReach(String pattern) {
        Matcher m = TEMPORAL_INTERVAL.matcher(pattern);
        Duration max = null;
        while (m.find()) {
            for (String part : m.group(1).split(",")) {
                Duration d = droolsTime(part.trim());
                if (d == null) {
                    return null;
                }
                max = max == null || d.compareTo(max) > 0 ? d : max;
            }
        }
        return max;
    }

    /** A time as Drools writes it: {@code 35m}, {@code 1h30m}, {@code 2d}, {@code 500ms} or milliseconds; null when it is something else. */
    static Duration droolsTime(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.matches("-?\\d+")) {
            return Duration.ofMillis(Math.abs(Long.parseLong(t)));
        }
        Matcher m = Pattern.compile("(\\d+)(ms|d|h|m|s)").matcher(t);
        Duration d = Duration.ZERO;
        int at = 0;
        while (m.find() && m.start() == at) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            at = m.end();
        }
        return at == t.length() && at > 0 ? d : null;
    }

    /** 40m, 1h30m, 0s: a duration as people write it in @retain. */
    private static String human(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long days = d.toDays();
        if (days > 0) {
            sb.append(days).append('d');
        }
        if (d.toHoursPart() > 0) {
            sb.append(d.toHoursPart()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            sb.append(d.toSecondsPart()).append('s');
        }
        if (d.toMillisPart() > 0) {
            sb.append(d.toMillisPart()).append("ms");
        }
        return sb.toString();
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

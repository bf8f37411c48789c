package io.connwatch.engine.rules;

import io.connwatch.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long the rules themselves say raw rows (Connection, BoundPort) must be kept: a rule that
 * needs rows beyond the batch they arrive in declares it in its header with
 * {@code @retain("40m")}; the engine keeps rows as long as the longest declaration, and never less
 * than {@code rules.retention.records}.
 */
final class DeclaredRetention {
    /** {@code @retain("40m")}, {@code @retain(40m)} or {@code @retain(value = "40m")}, in a rule's header. */
    private static final Pattern RETAIN = Pattern.compile("@retain\\s*\\(\\s*(?:value\\s*=\\s*)?(\"[^\"\\n]*\"|[^)\\s]*)\\s*\\)");

    /** One rule's declaration: where it is and how long. */
    record Declaration(Path file, int line, String rule, Duration rows) {
    }

    private DeclaredRetention() {
    }

    /** Every {@code @retain} of the files; a value that is no duration is a problem with file:line. */
    static List<Declaration> read(Map<Path, DrlText> files, List<RuleProblem> problems) {
        List<Declaration> out = new ArrayList<>();
        for (Map.Entry<Path, DrlText> e : files.entrySet()) {
            DrlText drl = e.getValue();
            for (DrlText.Block b : drl.blocks) {
                if (!b.isRule()) {
                    continue;
                }
                Duration d = of(e.getKey(), drl, b, problems);
                if (d != null) {
                    out.add(new Declaration(e.getKey(), drl.line(b.start()), b.name(), d));
                }
            }
        }
        return out;
    }

    /** The rule's own declaration, or null when it has none (or a wrong one, added to {@code problems}). */
    static Duration of(Path file, DrlText drl, DrlText.Block b, List<RuleProblem> problems) {
        String header = drl.header(b);
        // the header is masked (string contents blanked): find the annotation there, read its value from the text
        Matcher m = RETAIN.matcher(drl.text).region(b.start(), b.start() + header.length());
        if (!m.find() || !header.substring(m.start() - b.start()).startsWith("@retain")) {
            return null;
        }
        String value = m.group(1);
        if (value.startsWith("\"")) {
            value = value.substring(1, value.length() - 1);
        }
        try {
            Duration d = Durations.parse(value);
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return d;
        } catch (IllegalArgumentException ex) {
            problems.add(new RuleProblem(file.toString(), drl.line(m.start()), drl.column(m.start()), "rule \"" + b.name()
                + "\": @retain(\"" + value + "\") is not a duration; write how long this rule needs raw rows kept, e.g. "
                + "@retain(\"40m\")"));
            return null;
        }
    }

    /** The longest declaration, or zero when no rule declares one. */
    static Duration longest(List<Declaration> declarations) {
        Duration max = Duration.ZERO;
        for (Declaration d : declarations) {
            if (d.rows().compareTo(max) > 0) {
                max = d.rows();
            }
        }
        return max;
    }
}

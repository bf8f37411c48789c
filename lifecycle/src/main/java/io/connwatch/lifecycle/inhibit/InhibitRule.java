package io.connwatch.lifecycle.inhibit;

import io.connwatch.config.Settings;
import io.connwatch.lifecycle.match.Matcher;
import io.connwatch.lifecycle.match.Matchers;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One inhibition rule with Alertmanager's semantics: while an alert matching {@code source}
 * fires, alerts matching {@code target} with the same values of every {@code equal} label (a
 * label missing on both counts as equal) are muted.
 *
 * @param source matchers the inhibiting alert satisfies
 * @param target matchers the muted alert satisfies
 * @param equal  labels whose values must be the same on both
 */
public record InhibitRule(Matchers source, Matchers target, List<String> equal) {
    /** The configuration key {@link #list} reads. */
    public static final String KEY = "inhibit-rules";

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> KEYS = Set.of("source-matchers", "target-matchers", "equal");

    public InhibitRule {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        equal = List.copyOf(new LinkedHashSet<>(equal));
        for (String label : equal) {
            if (!LABEL_NAME.matcher(label).matches()) {
                throw new IllegalArgumentException("'" + label + "' is not a label name");
            }
        }
    }

    /**
     * Reads {@code inhibit-rules} from a section, Alertmanager's keys with dashes:
     *
     * <pre>{@code
     * inhibit-rules:
     *   - source-matchers: ['rule="connection-failure-spike-machine"']
     *     target-matchers: ['rule=~"connection-failure-spike-process|connection-failure-ratio-machine"']
     *     equal: [computer]
     * }</pre>
     *
     * When the key is absent the {@linkplain Inhibitor#defaults() shipped rules} apply; an empty list means
     * none. Each matcher is one string as {@link Matcher#parse} reads it. Both sides need at least
     * one matcher (an empty target would mute every alert sharing the equal labels; Alertmanager
     * allows it, but it is far more often a slip than a wish). Problems go to the settings as
     * {@code <section>.inhibit-rules[0].source-matchers[1]: ...}; a rule with a problem is left out.
     */
    public static List<InhibitRule> list(Settings section) {
        if (!section.has(KEY)) {
            return Inhibitor.defaults();
        }
        List<InhibitRule> rules = new ArrayList<>();
        for (Settings r : section.list(KEY)) {
            int before = r.problemCount();
            r.only(KEYS);
            Matchers source = matchers(r, "source-matchers");
            Matchers target = matchers(r, "target-matchers");
            List<String> equal = r.strings("equal");
            for (int i = 0; i < equal.size(); i++) {
                if (!LABEL_NAME.matcher(equal.get(i)).matches()) {
                    r.problem("equal[" + i + "]", "'" + shorten(equal.get(i)) + "' is not a label name (letters, digits and _, not starting with a digit)");
                }
            }
            if (r.problemCount() == before) {
                rules.add(new InhibitRule(source, target, equal));
            }
        }
        return rules;
    }

    private static Matchers matchers(Settings r, String key) {
        int before = r.problemCount();
        List<String> texts = r.strings(key);
        if (texts.isEmpty() && r.problemCount() == before) {
            if (!r.has(key)) {
                r.problem(key, "missing (at least one matcher such as 'rule=\"port-scan\"')");
            } else {
                r.problem(key, "needs at least one matcher such as 'rule=\"port-scan\"'");
            }
            return new Matchers(List.of());
        }
        List<Matcher> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            if (i == Matchers.MAX_MATCHERS) {
                r.problem(key, "more than " + Matchers.MAX_MATCHERS + " matchers");
                break;
            }
            try {
                out.add(Matcher.parse(texts.get(i)));
            } catch (IllegalArgumentException e) {
                r.problem(key + "[" + i + "]", e.getMessage());
            }
        }
        return new Matchers(out);
    }

    private static String shorten(String t) {
        return t.length() <= 60 ? t : t.substring(0, 60) + "…";
    }
}

package io.connwatch.lifecycle.inhibit;

import io.connwatch.lifecycle.inhibit.Inhibitor.Candidate;
import io.connwatch.lifecycle.match.Matcher;
import io.connwatch.lifecycle.match.Matchers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Assertions;

/** Both ways of asking agree with Alertmanager's definition, written out plainly, on random alerts and rules. */
class InhibitorPropertiesTest {
    private static final List<String> NAMES = List.of("a", "b", "c");
    private static final List<String> VALUES = List.of("", "x", "y");

    @Property(tries = 500)
    void agreesWithTheDefinition(@ForAll("rules") List<InhibitRule> rules, @ForAll("alerts") List<Map<String, String>> labelSets) {
        List<Candidate> firing = new ArrayList<>();
        for (int i = 0; i < labelSets.size(); i++) {
            firing.add(new Candidate("fp" + i, labelSets.get(i)));
        }
        Inhibitor inhibitor = new Inhibitor(rules);
        Inhibitor.Index index = inhibitor.index(firing);
        for (Candidate target : firing) {
            List<String> expected = reference(rules, target, firing);
            Assertions.assertEquals(expected, inhibitor.inhibitedBy(target.labels(), target.fingerprint(), firing));
            Assertions.assertEquals(expected, index.inhibitedBy(target.labels(), target.fingerprint()));
            Statistics.collect(expected.isEmpty() ? "not inhibited" : "inhibited");
        }
        Statistics.coverage(c -> c.check("inhibited").percentage(p -> p > 10));
    }

    /** Alertmanager's inhibit.go: for each rule the target matches, any other source with equal labels, not two-sided twice. */
    private static List<String> reference(List<InhibitRule> rules, Candidate target, List<Candidate> firing) {
        TreeSet<String> out = new TreeSet<>();
        for (InhibitRule r : rules) {
            if (!all(r.target(), target.labels())) {
                continue;
            }
            boolean targetTwoSided = all(r.source(), target.labels());
            for (Candidate s : firing) {
                boolean equal = r.equal().stream().allMatch(n -> Objects.equals(value(s.labels(), n), value(target.labels(), n)));
                boolean sourceTwoSided = all(r.target(), s.labels());
                if (!s.fingerprint().equals(target.fingerprint()) && all(r.source(), s.labels()) && equal
                    && !(targetTwoSided && sourceTwoSided)) {
                    out.add(s.fingerprint());
                }
            }
        }
        return List.copyOf(out);
    }

    private static boolean all(Matchers ms, Map<String, String> labels) {
        return ms.all().stream().allMatch(m -> m.matchesValue(value(labels, m.name())));
    }

    private static String value(Map<String, String> labels, String name) {
        String v = labels.get(name);
        return v == null ? "" : v;
    }

    @Provide
    Arbitrary<List<InhibitRule>> rules() {
        Arbitrary<Matcher> matcher = Combinators.combine(Arbitraries.of(NAMES), Arbitraries.of(Matcher.Op.class),
            Arbitraries.of("", "x", "y", "x|y", ".*", ".+")).as((n, op, v) -> op.isRegex() || !v.contains("|") && !v.contains(".")
                ? new Matcher(n, op, v) : new Matcher(n, op, "x"));
        Arbitrary<Matchers> matchers = matcher.list().ofMaxSize(2).map(Matchers::new);
        Arbitrary<List<String>> equal = Arbitraries.of(NAMES).list().ofMaxSize(2);
        return Combinators.combine(matchers, matchers, equal).as(InhibitRule::new).list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<List<Map<String, String>>> alerts() {
        Arbitrary<Map<String, String>> labels = Combinators.combine(Arbitraries.of(VALUES).injectNull(0.3),
            Arbitraries.of(VALUES).injectNull(0.3), Arbitraries.of(VALUES).injectNull(0.3)).as((a, b, c) -> {
                Map<String, String> m = new HashMap<>();
                if (a != null) {
                    m.put("a", a);
                }
                if (b != null) {
                    m.put("b", b);
                }
                if (c != null) {
                    m.put("c", c);
                }
                return m;
            });
        return labels.list().ofMaxSize(8);
    }
}

package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Attack;
import io.connwatch.engine.rules.fixtures.RuleFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;

/**
 * The ATT&CK ids rules declare ({@code @tactic}, {@code @technique}): every shipped rule declares
 * well-formed, known ids whose techniques come with their tactics; every alert the shipped rule
 * fixtures raise carries them as labels; and validate-rules' check names malformed ids, a
 * technique without its tactic (errors, which refuse the rules) and unknown ids (warnings) with
 * file:line:column.
 */
class AttackIdsTest {
    @TempDir
    Path tmp;

    /** Writes one rule file whose rule "r" carries these metadata lines (from line 4). */
    private Path rule(String... metadata) throws IOException {
        StringBuilder drl = new StringBuilder("package t;\nimport io.connwatch.engine.facts.*;\nrule \"r\"\n");
        for (String m : metadata) {
            drl.append("    ").append(m).append('\n');
        }
        drl.append("when\n    Connection( )\nthen\nend\n");
        Path f = tmp.resolve("r.drl");
        Files.writeString(f, drl.toString());
        return f;
    }

    private static List<String> formatted(List<RuleProblem> problems) {
        return problems.stream().map(RuleProblem::format).toList();
    }

    @Test
    void malformedIdsAreErrorsWithTheirPlace() throws IOException {
        Path f = rule("@tactic(\"TA11, command-and-control\")", "@technique(\"T1071.1,t1046\")");
        AttackIds.Check c = AttackIds.check(List.of(f));
        assertEquals(List.of(
            f + ":4:4: rule \"r\": @tactic 'TA11' is not a tactic id (TA and four digits, e.g. TA0011)",
            f + ":4:4: rule \"r\": @tactic 'command-and-control' is not a tactic id (TA and four digits, e.g. TA0011)",
            f + ":5:4: rule \"r\": @technique 'T1071.1' is not a technique id (T and four digits, a sub-technique with .three digits, "
                + "e.g. T1071 or T1071.001)",
            f + ":5:4: rule \"r\": @technique 't1046' is not a technique id (T and four digits, a sub-technique with .three digits, "
                + "e.g. T1071 or T1071.001)"), formatted(c.errors()));
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void aTechniqueNeedsOneOfItsTacticsDeclared() throws IOException {
        Path wrong = rule("@tactic(\"TA0007\")", "@technique(\"T1071\")");
        assertEquals(List.of(wrong + ":5:4: rule \"r\": technique T1071 (Application Layer Protocol) belongs to TA0011 Command and "
            + "Control, which @tactic does not declare"), formatted(AttackIds.check(List.of(wrong)).errors()));

        Path none = rule("@technique(\"T1021.002\")");
        assertEquals(List.of(none + ":4:4: rule \"r\": @technique T1021.002 without @tactic: declare the tactic it serves (TA0008 "
            + "Lateral Movement)"), formatted(AttackIds.check(List.of(none)).errors()));

        // an unlisted sub-technique is checked against its parent's tactics
        Path sub = rule("@tactic(\"TA0008\")", "@technique(\"T1021.003\")");
        AttackIds.Check c = AttackIds.check(List.of(sub));
        assertEquals(List.of(), c.errors());
        assertEquals(List.of(), c.warnings());

        // several tactics: one that fits is enough
        Path several = rule("@tactic(\"TA0003, TA0011\")", "@technique(\"T1571\")");
        assertEquals(List.of(), AttackIds.check(List.of(several)).errors());
    }

    @Test
    void unknownIdsAreWarningsNotErrors() throws IOException {
        Path f = rule("@tactic(\"TA0011,TA0099\")", "@technique(\"T1071,T1999\")");
        AttackIds.Check c = AttackIds.check(List.of(f));
        assertEquals(List.of(), c.errors());
        assertEquals(List.of(
            f + ":4:4: warning: rule \"r\": TA0099 is not an ATT&CK Enterprise tactic",
            f + ":5:4: warning: rule \"r\": T1999 is not in connwatch's ATT&CK technique table, so its tactic is not checked"),
            formatted(c.warnings()));
    }

    @Test
    void aRuleWithMalformedIdsIsRefusedWhenLoaded() throws IOException {
        rule("@tactic(\"TA0007\")", "@technique(\"T1071\")");
        RuleCompilationException e = assertThrows(RuleCompilationException.class, () -> RuleSet.load(tmp, EventRetention.DEFAULT));
        assertTrue(e.problems().stream().anyMatch(p -> p.line() == 5 && p.message().contains("T1071")), e.problems().toString());
    }

    @Test
    void theShippedRulesDeclareKnownIdsEveryOne() throws Exception {
        List<Path> files = RuleCompiler.ruleFiles(RuleHarness.SHIPPED_RULES);
        AttackIds.Check c = AttackIds.check(files);
        assertEquals(List.of(), c.errors());
        assertEquals(List.of(), c.warnings());
        Map<String, Map<String, String>> declared = declared();
        assertEquals(16, declared.size(), declared.toString());
        declared.forEach((rule, labels) -> {
            assertTrue(Attack.TACTIC_ID.matcher(labels.get("tactic").split(",")[0]).matches(), rule + " " + labels);
            assertTrue(Attack.TECHNIQUE_ID.matcher(labels.get("technique").split(",")[0]).matches(), rule + " " + labels);
        });
        assertEquals(Map.of("tactic", "TA0011", "technique", "T1071"), declared.get("malicious-remote-ip-outbound"));
        assertEquals(Map.of("tactic", "TA0010", "technique", "T1041,T1048"), declared.get("exfiltration-volume"));
        assertEquals(Map.of("tactic", "TA0007", "technique", "T1046"), declared.get("port-scan-fan-out"));
    }

    @Test
    void everyAlertOfTheShippedFixturesCarriesItsRulesIds() throws Exception {
        Map<String, Map<String, String>> declared = declared();
        RuleFixtures fixtures = new RuleFixtures(RuleSet.load(RuleHarness.SHIPPED_RULES, EventRetention.DEFAULT));
        Map<String, Integer> alertsByRule = new TreeMap<>();
        for (Path file : RuleFixtures.files(List.of(RuleHarness.SHIPPED_RULES.resolve("tests")))) {
            for (RuleFixtures.Result r : fixtures.run(file)) {
                for (Alert a : r.alerts()) {
                    Map<String, String> ids = declared.get(a.rule());
                    assertEquals(ids.get("tactic"), a.labels().get("tactic"), a.toString());
                    assertEquals(ids.get("technique"), a.labels().get("technique"), a.toString());
                    alertsByRule.merge(a.rule(), 1, Integer::sum);
                }
            }
        }
        assertEquals(declared.keySet(), alertsByRule.keySet(), "every shipped rule raised an alert in its fixtures");
    }

    /** Each shipped rule's ATT&CK labels as the compiled rules declare them. */
    private static Map<String, Map<String, String>> declared() throws RuleCompilationException {
        RuleSet set = RuleSet.load(RuleHarness.SHIPPED_RULES, EventRetention.DEFAULT);
        Map<String, Map<String, String>> out = new HashMap<>();
        for (KiePackage p : set.rules().kieBase().getKiePackages()) {
            for (Rule r : p.getRules()) {
                Map<String, String> labels = Attack.labels(r.getMetaData().get("tactic"), r.getMetaData().get("technique"));
                assertFalse(labels.isEmpty(), r.getName() + " declares no ATT&CK ids");
                out.put(r.getName(), labels);
            }
        }
        return out;
    }
}

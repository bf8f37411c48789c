package io.connwatch.lifecycle.inhibit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.connwatch.config.Settings;
import io.connwatch.lifecycle.match.Matchers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** inhibit-rules in the configuration: Alertmanager's keys with dashes, the shipped defaults, and errors with their path. */
class InhibitRuleSettingsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final List<String> problems = new ArrayList<>();

    private List<InhibitRule> read(String yaml) throws Exception {
        Settings root = Settings.root(YAML.readTree(yaml), problems);
        return InhibitRule.list(root.child("lifecycle"));
    }

    @Test
    void readsAlertmanagersShapeWithDashes() throws Exception {
        List<InhibitRule> rules = read("""
            lifecycle:
              inhibit-rules:
                - source-matchers: ['rule="x"']
                  target-matchers: ['rule=~"y|z"', 'severity!=critical']
                  equal: [computer, team]
                - source-matchers: ['a="b, c"']
                  target-matchers: [d=e]
            """);
        assertEquals(List.of(), problems);
        assertEquals(List.of(
            new InhibitRule(Matchers.parse("rule=\"x\""), Matchers.parse("{rule=~\"y|z\", severity!=\"critical\"}"), List.of("computer", "team")),
            new InhibitRule(Matchers.parse("a=\"b, c\""), Matchers.parse("d=e"), List.of())), rules);
    }

    @Test
    void absentMeansTheShippedRulesAndAnEmptyListMeansNone() throws Exception {
        assertEquals(Inhibitor.defaults(), read("lifecycle: {}"));
        assertEquals(Inhibitor.defaults(), read("lifecycle: {inhibit-rules: null}"));
        assertEquals(List.of(), read("lifecycle: {inhibit-rules: []}"));
        assertEquals(List.of(), problems);
    }

    @Test
    void aSingleMatcherWithoutCommasMayBeGivenAsOneValue() throws Exception {
        List<InhibitRule> rules = read("lifecycle: {inhibit-rules: [{source-matchers: 'rule=x', target-matchers: 'severity=low', equal: computer}]}");
        assertEquals(List.of(), problems);
        assertEquals(List.of(new InhibitRule(Matchers.parse("rule=x"), Matchers.parse("severity=low"), List.of("computer"))), rules);
    }

    @Test
    void everyProblemWithItsPath() throws Exception {
        List<InhibitRule> rules = read("""
            lifecycle:
              inhibit-rules:
                - source-matchers: ['rule="x"', 'rule~"y"']
                  target-matchers: ['severity=~"(low"']
                  equal: [computer, 'bad-label']
                - source-matchers: []
                  target_matchers: ['rule=y']
                - source-matchers: {rule: x}
                  target-matchers: ['rule=y', ['nested']]
                - not-a-rule
                - source-matchers: [rule=ok]
                  target-matchers: [rule=fine]
            """);
        assertEquals(List.of(
            "lifecycle.inhibit-rules[3]: expected a section of settings",
            "lifecycle.inhibit-rules[0].source-matchers[1]: expected =, !=, =~ or !~ after the label name rule but found '~'"
                + " at character 5 in 'rule~\"y\"'",
            "lifecycle.inhibit-rules[0].target-matchers[0]: the regular expression of severity does not compile: Unclosed group"
                + " at the end of \"(low\" (at character 11 in 'severity=~\"(low\"')",
            "lifecycle.inhibit-rules[0].equal[1]: 'bad-label' is not a label name (letters, digits and _, not starting with a digit)",
            "lifecycle.inhibit-rules[1].target_matchers: unknown setting (expected one of equal, source-matchers, target-matchers)",
            "lifecycle.inhibit-rules[1].source-matchers: needs at least one matcher such as 'rule=\"port-scan\"'",
            "lifecycle.inhibit-rules[1].target-matchers: missing (at least one matcher such as 'rule=\"port-scan\"')",
            "lifecycle.inhibit-rules[2].source-matchers: expected a list",
            "lifecycle.inhibit-rules[2].target-matchers[1]: expected a single value"), problems);
        assertEquals(List.of(new InhibitRule(Matchers.parse("rule=ok"), Matchers.parse("rule=fine"), List.of())), rules,
            "rules with problems are left out");
    }
}

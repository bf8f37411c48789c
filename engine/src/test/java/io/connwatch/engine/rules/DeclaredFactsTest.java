package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What rules/README.md says about state of a rule's own (a declared type, {@code insert},
 * {@code @expires}): measured here, not assumed. A remembered fact lives in the session only: it
 * survives a reload (the knowledge base is updated in place) and is gone after a restart.
 */
class DeclaredFactsTest {
    /** The worked example of rules/README.md, section "State of your own", as written there. */
    private static String remember() throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`rules/remember-ssh.drl`:\\n\\n```java\\n(.*?)```",
            java.util.regex.Pattern.DOTALL).matcher(Files.readString(RuleHarness.SHIPPED_RULES.resolve("README.md")));
        org.junit.jupiter.api.Assertions.assertTrue(m.find(), "the example is in rules/README.md");
        return m.group(1);
    }

    private String remember;

    @TempDir
    Path tmp;
    private Path rules;

    @BeforeEach
    void writeRules() throws IOException {
        remember = remember();
        rules = Files.createDirectories(tmp.resolve("rules"));
        Files.copy(RuleHarness.SHIPPED_RULES.resolve("parameters.yaml"), rules.resolve("parameters.yaml"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(rules.resolve("remember.drl"), remember);
    }

    private static Rows out(String time, int port) {
        return Rows.connection(time, "m-1").set("DestinationPort", port);
    }

    @Test
    void aRememberedFactMatchesLaterBatches() throws Exception {
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(out("2024-05-01T08:00:00Z", 22));
            h.feed(out("2024-05-01T09:00:00Z", 443));
            h.feed(out("2024-05-01T10:00:00Z", 3389));
            assertEquals(1, h.alerts("rdp-after-ssh").size(), h.alerts().toString());
        }
    }

    @Test
    void aRememberedFactSurvivesAReloadEvenWhenItsFileChanged() throws Exception {
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(out("2024-05-01T08:00:00Z", 22));
            Files.writeString(rules.resolve("remember.drl"), remember.replace("in the last 24 hours", "within a day"));
            RuleEngine.Reload r = h.engine().reload();
            assertEquals(List.of(), r.problems());
            h.feed(out("2024-05-01T10:00:00Z", 3389));
            assertEquals(1, h.alerts("rdp-after-ssh").size(), h.alerts().toString());
            assertEquals(true, h.alerts("rdp-after-ssh").get(0).summary().endsWith("within a day"), h.alerts().toString());
        }
    }

    @Test
    void aRememberedFactIsGoneAfterARestart() throws Exception {
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(out("2024-05-01T08:00:00Z", 22));
        }
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(out("2024-05-01T10:00:00Z", 3389));
            assertEquals(0, h.alerts("rdp-after-ssh").size(), "declared facts live in the session's memory only: " + h.alerts());
        }
    }

    @Test
    void expiresCannotReadParameters() throws IOException {
        Files.writeString(rules.resolve("remember.drl"), remember.replace("@expires( 24h )", "@expires( params.millis(\"x\") )"));
        List<RuleProblem> p = org.junit.jupiter.api.Assertions.assertThrows(RuleCompilationException.class,
            () -> RuleCompiler.compile(rules, EventRetention.DEFAULT)).problems();
        assertEquals(1, p.size(), p.toString());
        assertEquals(11, p.get(0).line(), p.toString());
        org.junit.jupiter.api.Assertions.assertTrue(p.get(0).message().contains("it cannot read params"), p.toString());
    }
}

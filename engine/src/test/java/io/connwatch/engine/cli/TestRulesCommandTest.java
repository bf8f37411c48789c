package io.connwatch.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped rules' fixtures run through `connwatch test-rules`, in CI, and a wrong fixture fails readably. */
class TestRulesCommandTest {
    private static final Path RULES = Path.of("..", "rules");

    @TempDir
    Path tmp;

    private static CliTest.Result run(String... args) {
        return CliTest.run(args);
    }

    @Test
    void everyShippedFixturePassesAndEveryShippedRuleRaisesAnAlertInOne() {
        CliTest.Result r = run("test-rules", "--rules", RULES.toString(), "--coverage");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("coverage: every rule raises an alert in some fixture"), r.out());
        assertTrue(r.out().matches("(?s).*test-rules: \\d+ passed, 0 failed\\s*"), r.out());
        assertTrue(!r.out().contains("FAIL"), r.out());
    }

    @Test
    void theWorkedExampleInTheRuleReferenceWorksAsWritten() throws Exception {
        String guide = Files.readString(RULES.resolve("README.md"));
        java.util.regex.Matcher drl = java.util.regex.Pattern.compile("`rules/telnet.drl`:\\n\\n```java\\n(.*?)```",
            java.util.regex.Pattern.DOTALL).matcher(guide);
        java.util.regex.Matcher yaml = java.util.regex.Pattern.compile("`rules/tests/telnet.yaml`:\\n\\n```yaml\\n(.*?)```",
            java.util.regex.Pattern.DOTALL).matcher(guide);
        assertTrue(drl.find() && yaml.find(), "the example is in rules/README.md");
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.copy(RULES.resolve("parameters.yaml"), rules.resolve("parameters.yaml"));
        Files.writeString(rules.resolve("telnet.drl"), drl.group(1));
        Path fixture = Files.createDirectories(rules.resolve("tests")).resolve("telnet.yaml");
        Files.writeString(fixture, yaml.group(1));
        CliTest.Result ok = run("test-rules", "--rules", rules.toString());
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().contains("test-rules: 1 passed, 0 failed"), ok.out());
        Files.writeString(fixture, yaml.group(1).replace("severity: high", "severity: critical"));
        CliTest.Result wrong = run("test-rules", "--rules", rules.toString());
        assertEquals(1, wrong.exit());
        assertTrue(wrong.out().contains("  - unexpected alert: telnet-outbound high machine=m-1 process=telnet"), wrong.out());
    }

    @Test
    void aWrongFixtureFailsWithADiffOfExpectedAndRaisedAlerts() throws Exception {
        Path f = tmp.resolve("wrong.yaml");
        Files.writeString(f, """
            fixtures:
              - name: expects the wrong severity and forbids what fires
                defaults: {Type: VMBoundPort, Machine: m-1, ProcessName: node, Protocol: tcp}
                records:
                  - {TimeGenerated: "2024-04-01T08:10:00Z", Ip: 0.0.0.0, Port: 9229}
                expect:
                  - {rule: unexpected-wildcard-bind, severity: critical}
                expect-not:
                  - {rule: "unexpected-*"}
              - name: a bad record is a failure, not a crash
                records:
                  - {TimeGenerated: "yesterday", Machine: m-1, Ip: 0.0.0.0, Port: 1}
            """);
        CliTest.Result r = run("test-rules", "--rules", RULES.toString(), f.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("FAIL " + f + ": expects the wrong severity and forbids what fires"), r.out());
        assertTrue(r.out().contains("  - expected 1 alert(s) matching {\"rule\":\"unexpected-wildcard-bind\",\"severity\":\"critical\"}, got 0"),
            r.out());
        assertTrue(r.out().contains("  - expected no alert matching {\"rule\":\"unexpected-*\"}, got 1"), r.out());
        assertTrue(r.out().contains("    unexpected-wildcard-bind medium machine=m-1 process=node"), r.out());
        assertTrue(r.out().contains("bad record: records:line 1: TimeGenerated: not a date-time"), r.out());
        assertTrue(r.out().contains("test-rules: 0 passed, 2 failed"), r.out());
    }
}

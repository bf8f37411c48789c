package io.connwatch.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes in fixtures are reported with the fixture's file:line and the run goes on; fixtures are
 * fed one batch per event-time minute, as agents send them; coverage means "raised an alert".
 */
class FixtureMistakesTest {
    private static final Path RULES = Path.of("..", "rules");

    /** A fixture of the shipped wildcard-bind rule that passes, to show the run went on. */
    private static final String PASSING = """
          - name: passes
            defaults: {Type: VMBoundPort, Machine: m-1, ProcessName: node, Protocol: tcp}
            records:
              - {TimeGenerated: "2024-04-01T08:10:00Z", Ip: 0.0.0.0, Port: 9229}
            expect:
              - {rule: unexpected-wildcard-bind, severity: medium}
        """;

    @TempDir
    Path tmp;

    private CliTest.Result testRules(Path rules, String fixture) throws IOException {
        Path f = tmp.resolve("f.yaml");
        Files.writeString(f, fixture);
        return CliTest.run("test-rules", "--rules", rules.toString(), f.toString());
    }

    @Test
    void aMisspelledSeverityIsAnErrorAtItsLineAndTheOtherFixturesStillRun() throws IOException {
        CliTest.Result r = testRules(RULES, """
            fixtures:
              - name: misspelled severity
                defaults: {Type: VMBoundPort, Machine: m-1, ProcessName: node, Protocol: tcp}
                records:
                  - {TimeGenerated: "2024-04-01T08:10:00Z", Ip: 0.0.0.0, Port: 9229}
                expect:
                  - rule: unexpected-wildcard-bind
                    severity: hgih
            """ + PASSING);
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains(tmp.resolve("f.yaml") + ":8: unknown severity 'hgih' (expected info, low, medium, high or critical)"
            + " (did you mean high?)"), r.out());
        assertTrue(r.out().contains("PASS " + tmp.resolve("f.yaml") + ": passes"), r.out());
        assertTrue(r.out().contains("test-rules: 1 passed, 1 failed"), r.out());
    }

    @Test
    void anExpectedRuleThatDoesNotExistIsNamedWithTheClosestRule() throws IOException {
        CliTest.Result r = testRules(RULES, """
            fixtures:
              - name: no such rule
                records:
                  - {Type: VMBoundPort, TimeGenerated: "2024-04-01T08:10:00Z", Machine: m-1, Ip: 0.0.0.0, Port: 9229}
                expect-not:
                  - {rule: unexpected-wildcard-bnd}
            """);
        assertEquals(1, r.exit());
        assertTrue(r.out().contains(tmp.resolve("f.yaml") + ":6: no rule named unexpected-wildcard-bnd (did you mean "
            + "unexpected-wildcard-bind?)"), r.out());
    }

    @Test
    void aMisspelledOptionalColumnIsAnErrorNamingIt() throws IOException {
        CliTest.Result r = testRules(RULES, """
            fixtures:
              - name: misspelled column
                defaults: {Type: VMBoundPort, Machine: m-1, ProcessName: node}
                records:
                  - {TimeGenerated: "2024-04-01T08:10:00Z", Ip: 0.0.0.0, Port: 9229,
                     IsWildcardBnd: true}
                expect:
                  - {rule: unexpected-wildcard-bind}
            """);
        assertEquals(1, r.exit());
        assertTrue(r.out().contains(tmp.resolve("f.yaml") + ":6: unknown column 'IsWildcardBnd' (did you mean IsWildcardBind?)"), r.out());
    }

    @Test
    void aDuplicateYamlKeyIsRejectedWithItsLine() throws IOException {
        CliTest.Result r = testRules(RULES, """
            fixtures:
              - name: duplicate key
                records:
                  - {Type: VMBoundPort, TimeGenerated: "2024-04-01T08:10:00Z", Machine: m-1, Ip: 0.0.0.0, Port: 9229}
                expect:
                  - rule: unexpected-wildcard-bind
                    severity: medium
                    severity: high
            """);
        assertEquals(1, r.exit());
        assertTrue(r.out().contains(tmp.resolve("f.yaml") + ":8: duplicate key 'severity'"), r.out());
    }

    /** A rules directory with a rule counting ssh rows over 35 minutes, and a helper rule that never raises. */
    private Path windowedRules(String retain) throws IOException {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.copy(RULES.resolve("parameters.yaml"), rules.resolve("parameters.yaml"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(rules.resolve("ssh.drl"), """
            package t;
            import io.connwatch.alert.Severity;
            import io.connwatch.engine.facts.*;
            global io.connwatch.engine.alert.Alerts alerts;

            rule "ssh-rows"%s
            when
                $c : Connection( destinationPort == 22 )
                accumulate( Connection( machine == $c.machine, destinationPort == 22 ) over window:time( 35m ); $n : count(); $n >= 5 )
            then
                alerts.raise(kcontext, Severity.HIGH).on($c).summary("five ssh rows in 35 minutes").emit();
            end

            rule "ssh-helper"
            when
                Connection( destinationPort == 22 )
            then
            end
            """.formatted(retain));
        return rules;
    }

    private static final String FIVE_MINUTES_OF_SSH = """
        fixtures:
          - name: five minutes of ssh, written as one list
            defaults: {Type: VMConnection, Machine: m-1, Computer: a.contoso.com, ProcessName: ssh, SourceIp: 10.0.0.5,
                       DestinationIp: 10.0.0.9, Direction: outbound, DestinationPort: 22, LinksEstablished: 1}
            records:
              - {TimeGenerated: "2024-04-01T08:00:00Z"}
              - {TimeGenerated: "2024-04-01T08:01:00Z"}
              - {TimeGenerated: "2024-04-01T08:02:00Z"}
              - {TimeGenerated: "2024-04-01T08:03:00Z"}
              - {TimeGenerated: "2024-04-01T08:04:00Z"}
            expect:
              - {rule: ssh-rows}
        """;

    @Test
    void recordsAreFedMinuteByMinuteSoAWindowOverRowsNeedsItsRetention() throws IOException {
        CliTest.Result lucky = testRules(windowedRules(""), FIVE_MINUTES_OF_SSH);
        assertEquals(1, lucky.exit(), "rows are dropped after their minute's batch: the window sees one at a time\n" + lucky.out());
        assertTrue(lucky.out().contains("expected 1 alert(s) matching {\"rule\":\"ssh-rows\"}, got 0"), lucky.out());

        CliTest.Result kept = testRules(windowedRules(" @retain(\"40m\")"), FIVE_MINUTES_OF_SSH);
        assertEquals(0, kept.exit(), kept.out() + kept.err());
    }

    @Test
    void coverageCountsARuleOnlyWhenItRaisedAnAlert() throws IOException {
        Path rules = windowedRules(" @retain(\"40m\")");
        Path f = tmp.resolve("f.yaml");
        Files.writeString(f, FIVE_MINUTES_OF_SSH);
        CliTest.Result r = CliTest.run("test-rules", "--rules", rules.toString(), "--coverage", f.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("coverage: these rules fire but raise no alert in any fixture (helper rules, or an alert never "
            + "reached): ssh-helper"), r.out());
        assertFalse(r.out().contains("every rule"), r.out());
    }
}

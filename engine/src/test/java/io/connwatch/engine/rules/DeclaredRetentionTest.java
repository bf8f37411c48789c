package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule declares how long it needs raw rows kept ({@code @retain("40m")}); validate-rules checks
 * its windows against that, and the engine keeps rows as long as the longest declaration, with
 * {@code rules.retention.records} as the floor.
 */
class DeclaredRetentionTest {
    private static final EventRetention ROWS_DROPPED = EventRetention.DEFAULT;

    @TempDir
    Path tmp;

    private Path rule(String header, String lhs) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("rules"));
        Path f = dir.resolve("r.drl");
        Files.writeString(f, "package t;\nimport io.connwatch.engine.facts.*;\n\nrule \"ssh-rows\"" + header + "\nwhen\n"
            + lhs.indent(4) + "then\nend\n");
        return f;
    }

    private static final String THIRTY_FIVE_MINUTES = """
        $c : Connection( destinationPort == 22 )
        accumulate( Connection( machine == $c.machine, destinationPort == 22 ) over window:time( 35m ); $n : count(); $n >= 5 )""";

    @Test
    void countingRowsOverThirtyFiveMinutesWhileRowsAreKeptLessIsReportedWithFileAndLine() throws IOException {
        Path f = rule("", THIRTY_FIVE_MINUTES);
        List<RuleProblem> w = RuleLint.check(List.of(f), ROWS_DROPPED);
        assertEquals(1, w.size(), w.toString());
        assertEquals(f + ":7:16", w.get(0).file() + ":" + w.get(0).line() + ":" + w.get(0).column());
        assertTrue(w.get(0).message().contains("(Connection rows over 35m), but rows are kept 0s for it"), w.get(0).message());
        assertTrue(w.get(0).message().contains("declare @retain(\"35m\")"), w.get(0).message());

        List<RuleProblem> shortFloor = RuleLint.check(List.of(f), new EventRetention(Duration.ofMinutes(15), Duration.ofMinutes(90)));
        assertEquals(1, shortFloor.size(), "a floor shorter than the window is no cover: " + shortFloor);
        assertTrue(shortFloor.get(0).message().contains("kept 15m for it (rules.retention.records)"), shortFloor.get(0).message());
    }

    @Test
    void aRetentionDeclaredShorterThanTheWindowIsReportedLongEnoughIsNot() throws IOException {
        Path f = rule(" @retain(\"20m\")", THIRTY_FIVE_MINUTES);
        List<RuleProblem> w = RuleLint.check(List.of(f), ROWS_DROPPED);
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).message().contains("kept 20m for it (its @retain)"), w.get(0).message());

        assertEquals(List.of(), RuleLint.check(List.of(rule(" @retain(\"40m\")", THIRTY_FIVE_MINUTES)), ROWS_DROPPED));
        assertEquals(List.of(), RuleLint.check(List.of(rule("", THIRTY_FIVE_MINUTES)),
            new EventRetention(Duration.ofMinutes(40), Duration.ofMinutes(90))), "the configured floor covers it");
    }

    @Test
    void aTimestampBoundOnRowsIsAWindowToo() throws IOException {
        Path f = rule(" @retain(\"10m\")", """
            $c : Connection( destinationPort == 22, $ts : timestamp )
            accumulate( Connection( machine == $c.machine, timestamp > ($ts - 2100000) ); $n : count() )""");
        List<RuleProblem> w = RuleLint.check(List.of(f), ROWS_DROPPED);
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).message().contains("over 35m"), w.get(0).message());
    }

    @Test
    void theEngineKeepsRowsAsLongAsTheLongestDeclarationWithTheSettingAsFloor() throws Exception {
        Path dir = rule(" @retain(\"40m\")", THIRTY_FIVE_MINUTES).getParent();
        assertEquals(Duration.ofMinutes(40), RuleCompiler.compile(dir, ROWS_DROPPED).retention().records());
        EventRetention longer = new EventRetention(Duration.ofHours(1), Duration.ofMinutes(90));
        assertEquals(Duration.ofHours(1), RuleCompiler.compile(dir, longer).retention().records(), "the setting is a floor");
        Files.writeString(dir.resolve("other.drl"), "package u;\nimport io.connwatch.engine.facts.*;\n\n"
            + "rule \"longest\" @retain(\"2h\")\nwhen\n    Connection()\nthen\nend\n");
        assertEquals(Duration.ofHours(2), RuleCompiler.compile(dir, ROWS_DROPPED).retention().records());
        assertTrue(RuleCompiler.declarations(RuleCompiler.compile(dir, ROWS_DROPPED).retention())
            .contains("@expires( value = " + Duration.ofHours(2).toMillis() + "ms"));
    }

    @Test
    void aRetentionThatIsNoDurationIsACompileErrorWithItsLine() throws IOException {
        Path dir = rule(" @retain(\"forty minutes\")", THIRTY_FIVE_MINUTES).getParent();
        List<RuleProblem> p = assertThrows(RuleCompilationException.class, () -> RuleCompiler.compile(dir, ROWS_DROPPED)).problems();
        assertEquals(1, p.size(), p.toString());
        assertEquals(4, p.get(0).line());
        assertTrue(p.get(0).message().contains("@retain(\"forty minutes\") is not a duration"), p.get(0).message());
    }

    @Test
    void aReloadThatDeclaresARetentionKeepsRowsFromThenOn() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rules"));
        Files.copy(RuleHarness.SHIPPED_RULES.resolve("parameters.yaml"), dir.resolve("parameters.yaml"));
        String drl = """
            package t;
            import io.connwatch.alert.Severity;
            import io.connwatch.engine.facts.*;
            global io.connwatch.engine.alert.Alerts alerts;

            rule "ssh-rows"
            when
            %s
            then
                alerts.raise(kcontext, Severity.HIGH).on($c).summary("five ssh rows in 35 minutes").emit();
            end
            """.formatted(THIRTY_FIVE_MINUTES.indent(4));
        Files.writeString(dir.resolve("ssh.drl"), drl);
        try (RuleHarness h = RuleHarness.of(dir, 1)) {
            for (int m = 0; m < 5; m++) {
                h.feed(Rows.connection("2024-05-01T08:0" + m + ":00Z", "m-1").set("DestinationPort", 22));
            }
            assertEquals(0, h.alerts("ssh-rows").size(), "rows are judged once and dropped: " + h.alerts());
            Files.writeString(dir.resolve("ssh.drl"), drl.replace("rule \"ssh-rows\"", "rule \"ssh-rows\" @retain(\"40m\")"));
            assertEquals(List.of(), h.engine().reload().problems());
            for (int m = 0; m < 5; m++) {
                h.feed(Rows.connection("2024-05-01T08:1" + m + ":00Z", "m-1").set("DestinationPort", 22));
            }
            assertEquals(1, h.alerts("ssh-rows").size(), "rows are kept from the reload on: " + h.alerts());
            h.feed(Rows.connection("2024-05-01T10:30:00Z", "m-1"));
            h.feed(Rows.connection("2024-05-01T10:31:00Z", "m-1"));
            assertTrue(h.engine().factCount() <= 4, "rows kept by the reloaded @retain still expire 40m after their time: "
                + h.engine().factCount() + " facts");
        }
    }
}

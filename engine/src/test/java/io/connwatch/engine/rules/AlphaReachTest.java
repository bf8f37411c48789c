package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Alert;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows and rollups that no pattern's alpha conditions pass are not inserted, and that changes
 * nothing a rule sees: a row that passes one still matches, a rollup that passes one only once
 * judged still matches then, a condition that throws is still reported once per fact, and the
 * shipped rules plus rules written to catch the corner cases fire the same with and without it.
 */
class AlphaReachTest {
    @TempDir
    Path tmp;

    private static long count(Map<String, LongAdder> m, String rule) {
        LongAdder n = m.get(rule);
        return n == null ? 0 : n.sum();
    }

    @Test
    void factsNoPatternPassesAreSkippedAndTheRestMatchAsBefore() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.writeString(rules.resolve("t.drl"), """
            package t;
            import io.connwatch.engine.facts.Connection;
            import io.connwatch.engine.facts.MachineMinute;

            rule "port-4444"
            when
                Connection( destinationPort == 4444 )
            then
            end

            rule "failed-minutes-once-judged"
            when
                MachineMinute( current == false, linksFailed > 0 )
            then
            end

            rule "throws-on-backup"
            when
                Connection( processName == "backup", processName.substring(100) == "x" )
            then
            end
            """);
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            for (int minute = 0; minute < 5; minute++) {
                String t = "2024-05-01T10:0" + minute + ":00Z";
                h.feed(Rows.connection(t, "m-1").set("DestinationPort", 443).set("LinksFailed", 0),
                    Rows.connection(t, "m-1").set("DestinationPort", 4444).set("LinksFailed", 0).set("Process", "p-2"),
                    Rows.connection(t, "m-2").set("DestinationPort", 443).set("LinksFailed", minute == 2 ? 3 : 0),
                    Rows.connection(t, "m-3").set("DestinationPort", 443).set("LinksFailed", 0)
                        .set("Process", "p-b").set("ProcessName", "backup"));
            }
            h.drain();
            EngineStats s = h.engine().stats();
            assertEquals(5, count(s.firesByRule, "port-4444"), "every row to 4444 matched");
            assertEquals(1, count(s.firesByRule, "failed-minutes-once-judged"), "m-2's minute with failures matched once judged");
            // the backup rows reach the throwing constraint: inserted (the insert reports the failure), once each
            assertEquals(5, count(s.errorsByRule, "throws-on-backup"), "one failure per backup row, not two");
            assertEquals(5 * 4 - 5 - 5, s.rowsSkipped.sum(), "the rows to 443 of m-1 and m-2 were not inserted");
            assertTrue(s.rollupsSkipped.sum() > 0, "the minutes without failures were not inserted: " + s.rollupsSkipped.sum());
            assertTrue(s.rollupsSkipped.sum() < s.rollups.sum(), s.rollupsSkipped.sum() + " of " + s.rollups.sum());
        }
    }

    /** Rules beside the shipped ones that a skipped fact could get wrong, were skipping not exact. */
    private static final String CORNER_CASES = """
        package t;
        import io.connwatch.engine.facts.Connection;
        import io.connwatch.engine.facts.MachineMinute;
        import io.connwatch.engine.facts.ProcessMinute;
        import io.connwatch.engine.facts.RemoteMinute;

        // judged minutes, through an update that this pattern does not listen to: never told (the
        // minutes without failures pass no shipped pattern while current: they are the skipped ones)
        rule "judged-unwatched"
        when
            ProcessMinute( current == false, linksEstablished > 0 ) @watch( !current )
        then
        end

        // judged minutes the update does reach
        rule "judged-watched"
        when
            ProcessMinute( current == false, linksEstablished > 0 )
        then
        end

        // a join with a judged rollup on its right
        rule "judged-join"
        when
            $m : MachineMinute( current == true, linksFailed > 0 )
            RemoteMinute( current == false, machine == $m.machine, remotePort == 445 )
        then
        end

        // hashed alpha nodes: three literals on one field
        rule "port-22"
        when
            Connection( destinationPort == 22 )
        then
        end

        rule "port-3389"
        when
            Connection( destinationPort == 3389 )
        then
        end

        rule "port-445"
        when
            Connection( destinationPort == 445 )
        then
        end

        // range-indexable alpha nodes
        rule "big-sent"
        when
            Connection( bytesSent > 100000 )
        then
        end

        rule "bigger-sent"
        when
            Connection( bytesSent > 1000000 )
        then
        end
        """;

    private Map<String, Long> run(Path rules, List<String> lines, List<String> alerts) throws Exception {
        Map<String, Long> fires = new TreeMap<>();
        try (RuleHarness h = RuleHarness.of(rules, 2)) {
            for (int i = 0; i < lines.size(); i += 500) {
                h.feed(lines.subList(i, Math.min(lines.size(), i + 500)).toArray());
            }
            h.drain();
            h.engine().stats().firesByRule.forEach((rule, n) -> fires.put(rule, n.sum()));
            for (Alert a : h.alerts()) {
                alerts.add(a.rule() + " " + a.severity() + " " + a.fingerprint() + " " + a.evidenceTime() + " " + a.summary());
            }
            alerts.sort(null);
            fires.put("(rows skipped)", h.engine().stats().rowsSkipped.sum());
        }
        return fires;
    }

    @Test
    void theShippedRulesAndTheCornerCasesFireTheSameAsWhenEveryFactIsInserted() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        try (Stream<Path> files = Files.list(RuleHarness.SHIPPED_RULES)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, rules.resolve(f.getFileName().toString()));
            }
        }
        Files.writeString(rules.resolve("corner-cases.drl"), CORNER_CASES);
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
            new GZIPInputStream(Files.newInputStream(Path.of("..", "samples", "demo.jsonl.gz"))), StandardCharsets.UTF_8))) {
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                if (!l.isBlank()) {
                    lines.add(l);
                }
            }
        }
        List<String> alertsSkipping = new ArrayList<>();
        Map<String, Long> skipping = run(rules, lines, alertsSkipping);
        List<String> alertsInserting = new ArrayList<>();
        Map<String, Long> inserting;
        AlphaReach.enabled = false;
        try {
            inserting = run(rules, lines, alertsInserting);
        } finally {
            AlphaReach.enabled = true;
        }
        assertTrue(skipping.get("(rows skipped)") > lines.size() / 4, "rows no pattern passes were not inserted: " + skipping);
        assertEquals(0L, inserting.get("(rows skipped)"));
        skipping.remove("(rows skipped)");
        inserting.remove("(rows skipped)");
        assertEquals(inserting, skipping, "the same rules fired as often");
        assertEquals(alertsInserting, alertsSkipping);
        assertEquals(0L, skipping.getOrDefault("judged-unwatched", 0L), "an update the pattern does not listen to tells it nothing");
        for (String rule : List.of("judged-watched", "judged-join", "port-22", "port-445", "big-sent")) {
            assertTrue(skipping.getOrDefault(rule, 0L) > 0, rule + " fired on the demo: " + skipping);
        }
        assertTrue(alertsSkipping.size() >= 10, alertsSkipping.toString());
    }
}

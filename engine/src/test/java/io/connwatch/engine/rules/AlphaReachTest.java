package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows and rollups that no pattern's alpha conditions pass are not inserted, and that changes
 * nothing a rule sees: a row that passes one still matches, a rollup that passes one only once
 * judged still matches then, and a condition that throws is still reported once per fact.
 */
class AlphaReachTest {
    @TempDir
    Path tmp;

    private static long fires(EngineStats s, String rule) {
        LongAdder n = s.firesByRule.get(rule);
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
            assertEquals(5, fires(s, "port-4444"), "every row to 4444 matched");
            assertEquals(1, fires(s, "failed-minutes-once-judged"), "m-2's minute with failures matched once judged");
            // the backup rows reach the throwing constraint: inserted (the insert reports the failure), once each
            assertEquals(5, s.errorsByRule.get("throws-on-backup").sum(), "one failure per backup row, not two");
            assertEquals(5 * 4 - 5 - 5, s.rowsSkipped.sum(), "the rows to 443 of m-1 and m-2 were not inserted");
            assertTrue(s.rollupsSkipped.sum() > 0, "the minutes without failures were not inserted: " + s.rollupsSkipped.sum());
            assertTrue(s.rollupsSkipped.sum() < s.rollups.sum(), s.rollupsSkipped.sum() + " of " + s.rollups.sum());
        }
    }
}

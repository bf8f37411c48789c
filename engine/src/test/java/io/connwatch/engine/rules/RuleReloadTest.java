package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading rules while the engine runs: state kept, broken edits refused, new rules live. */
class RuleReloadTest {
    private static final String SPIKE = "connection-failure-spike-machine";
    @TempDir
    Path tmp;
    private Path rules;
    private RuleHarness h;

    @BeforeEach
    void copyShippedRules() throws Exception {
        rules = Files.createDirectories(tmp.resolve("rules"));
        try (Stream<Path> s = Files.list(RuleHarness.SHIPPED_RULES)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.copy(p, rules.resolve(p.getFileName()));
            }
        }
        h = RuleHarness.of(rules, 2);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private void minute(int m, int failed) {
        h.feed(Rows.connection(Instant.parse("2024-05-01T10:00:00Z").plusSeconds(60L * m).toString(), "m-1")
            .set("LinksEstablished", 100).set("LinksFailed", failed));
    }

    private void edit(String file, String from, String to) throws IOException {
        Path p = rules.resolve(file);
        String text = Files.readString(p);
        assertTrue(text.contains(from), from);
        Files.writeString(p, text.replace(from, to));
    }

    @Test
    void aLoweredThresholdCountsTheFailuresAlreadyInTheWindow() throws Exception {
        for (int m = 0; m < 15; m++) {
            minute(m, 0);
        }
        for (int m = 15; m < 19; m++) {
            minute(m, 15); // 45 failures in the window by minute 17: under the floor of 50
        }
        assertEquals(0, h.alerts(SPIKE).size());
        edit("parameters.yaml", "machine-floor: 50", "machine-floor: 40");
        RuleEngine.Reload r = h.engine().reload();
        assertEquals(java.util.List.of(), r.problems());
        assertEquals("2", r.version());
        minute(19, 15);
        minute(20, 15);
        assertEquals(1, h.alerts(SPIKE).size(), "the window kept the minutes before the reload: " + h.alerts());
    }

    @Test
    void aBrokenEditKeepsTheRunningRulesAndSaysWhereItIsBroken() throws Exception {
        edit("wildcard-bind.drl", "BoundPort( openOnAllInterfaces == true", "BoundPort( openOnAllInterfaces == ");
        RuleEngine.Reload r = h.engine().reload();
        assertEquals(1, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).format().startsWith(rules.resolve("wildcard-bind.drl") + ":"), r.problems().toString());
        assertEquals("1", r.version());
        h.feed(Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "0.0.0.0")).drain();
        assertEquals(1, h.alerts("unexpected-wildcard-bind").size(), "the old rule still runs");
    }

    @Test
    void newRulesGoLiveRemovedRulesStopAndUnchangedRulesDoNotFireAgain() throws Exception {
        h.feed(Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "0.0.0.0"));
        long firedBefore = h.engine().stats().rulesFired.sum();
        Files.writeString(rules.resolve("telnet.drl"), """
            package custom;
            import io.connwatch.alert.Severity;
            import io.connwatch.engine.facts.Connection;
            global io.connwatch.engine.alert.Alerts alerts;
            rule "telnet-outbound"
            when
                $c : Connection( destinationPort == 23 )
            then
                alerts.raise(kcontext, Severity.HIGH).on($c).summary("telnet").emit();
            end
            """);
        Files.delete(rules.resolve("wildcard-bind.drl"));
        RuleEngine.Reload r = h.engine().reload();
        assertEquals(java.util.List.of(), r.problems());
        assertTrue(r.rules().contains("telnet-outbound"));
        assertTrue(!r.rules().contains("unexpected-wildcard-bind"));
        assertEquals(firedBefore, h.engine().stats().rulesFired.sum(), "nothing fired again on old facts");
        h.feed(Rows.connection("2024-05-01T10:01:00Z", "m-2").set("DestinationPort", 23),
            Rows.boundPort("2024-05-01T10:01:00Z", "m-3").set("Ip", "0.0.0.0")).drain();
        assertEquals(1, h.alerts("telnet-outbound").size());
        assertEquals(1, h.alerts("unexpected-wildcard-bind").size(), "only the one from before the reload");
    }
}

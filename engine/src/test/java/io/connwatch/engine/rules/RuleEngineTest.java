package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Alert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleEngineTest {
    @TempDir
    Path tmp;

    private static List<Object> fleetWithIncidents() {
        List<Object> rows = new ArrayList<>();
        for (int m = 0; m < 40; m++) {
            String machine = "m-" + m;
            rows.add(Rows.boundPort("2024-05-01T10:00:00Z", machine).set("Ip", m % 3 == 0 ? "0.0.0.0" : "10.0.0.4"));
            if (m % 4 == 0) {
                rows.add(Rows.connection("2024-05-01T10:00:00Z", machine).set("DestinationIp", "192.9.135.73").malicious("C2", 4, 90));
            }
        }
        return rows;
    }

    private static List<String> keys(List<Alert> alerts) {
        return alerts.stream().map(a -> a.rule() + "@" + a.machine() + "/" + a.fingerprint()).sorted().toList();
    }

    @Test
    void partitioningByMachineGivesTheSameAlertsAsOneSession() throws Exception {
        List<String> one;
        try (RuleHarness h = RuleHarness.of(RuleHarness.SHIPPED_RULES, 1)) {
            one = keys(h.feed(fleetWithIncidents().toArray()).drain().alerts());
        }
        try (RuleHarness h = RuleHarness.of(RuleHarness.SHIPPED_RULES, 3)) {
            assertEquals(one, keys(h.feed(fleetWithIncidents().toArray()).drain().alerts()));
        }
        assertEquals(14 + 10, one.size());
    }

    @Test
    void anIdleEngineClosesItsOpenMinutesOnce() throws Exception {
        try (RuleHarness h = RuleHarness.shipped()) {
            for (int m = 0; m < 20; m++) {
                h.feed(Rows.connection(String.format("2024-05-01T10:%02d:00Z", m), "m-1"));
            }
            for (int m = 20; m < 24; m++) {
                h.feed(Rows.connection(String.format("2024-05-01T10:%02d:00Z", m), "m-1").set("LinksFailed", 30));
            }
            // The last two minutes are within the allowed lateness: not judged yet.
            assertEquals(0, h.alerts("connection-failure-spike-machine").size());
            assertFalse(h.engine().drainIfIdle(Duration.ofHours(1)), "busy: a record arrived less than an hour ago");
            assertEquals(0, h.alerts("connection-failure-spike-machine").size(), "a busy engine keeps its minutes open");

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> h.engine().drainIfIdle(Duration.ofMillis(200)));
            assertEquals(1, h.alerts("connection-failure-spike-machine").size(), "idle for 200 ms: its minutes were closed");
            assertFalse(h.engine().drainIfIdle(Duration.ZERO), "nothing new since the last close");

            // Something new arrives: busy again, so an hour's idle is not reached, though there is now something to close.
            h.feed(Rows.connection("2024-05-01T10:24:00Z", "m-1"));
            assertFalse(h.engine().drainIfIdle(Duration.ofHours(1)), "busy: a record just arrived");
            assertTrue(h.engine().drainIfIdle(Duration.ZERO), "the new minute is still open: only the idle time held it");
        }
    }

    @Test
    void aFailingConsequenceIsCountedAndTheOtherRulesGoOn() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        Files.copy(RuleHarness.SHIPPED_RULES.resolve("wildcard-bind.drl"), rules.resolve("wildcard-bind.drl"));
        Files.writeString(rules.resolve("broken-at-runtime.drl"), """
            package t;
            import io.connwatch.engine.facts.BoundPort;
            rule "throws"
            when
                BoundPort( port == 6379 )
            then
                throw new IllegalStateException("boom");
            end
            """);
        try (RuleHarness h = RuleHarness.of(rules, 1)) {
            h.feed(Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "0.0.0.0"),
                Rows.boundPort("2024-05-01T10:00:00Z", "m-2").set("Ip", "0.0.0.0").set("Port", 8080)).drain();
            assertTrue(h.engine().stats().ruleErrors.sum() >= 1);
            assertEquals(2, h.alerts("unexpected-wildcard-bind").size(), h.alerts().toString());
        }
    }
}

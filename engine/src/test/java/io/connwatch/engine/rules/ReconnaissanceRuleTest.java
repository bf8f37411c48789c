package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the scan and lateral-movement alerts tell beyond their counts: the remotes that contributed most. */
class ReconnaissanceRuleTest {
    private static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
    private RuleHarness h;

    @BeforeEach
    void start() throws Exception {
        h = RuleHarness.shipped();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static String at(int minute) {
        return START.plusSeconds(60L * minute).toString();
    }

    private static Map<String, Object> evidence(Alert a, String kind) {
        return a.evidence().stream().filter(e -> e.kind().equals(kind)).map(Evidence::fields).findFirst()
            .orElseThrow(() -> new AssertionError("no " + kind + " in " + a.evidence()));
    }

    @Test
    void aScansEvidenceNamesTheRemoteItHammeredFirst() {
        for (int m = 0; m < 3; m++) {
            List<Object> rows = new ArrayList<>();
            // 15 new addresses a minute, one failed link each, and one address tried 10 times a minute
            for (int i = 1; i <= 15; i++) {
                rows.add(Rows.connection(at(m), "m-1").set("ProcessName", "masscan").set("Process", "p-s")
                    .set("DestinationIp", "203.0.113." + (m * 15 + i)).set("DestinationPort", 445)
                    .set("LinksEstablished", 0).set("LinksTerminated", 0).set("LinksFailed", 1));
            }
            rows.add(Rows.connection(at(m), "m-1").set("ProcessName", "masscan").set("Process", "p-s")
                .set("DestinationIp", "198.51.100.7").set("DestinationPort", 445)
                .set("LinksEstablished", 0).set("LinksTerminated", 0).set("LinksFailed", 10));
            h.feed(rows.toArray());
        }
        h.drain();
        List<Alert> scans = h.alerts("port-scan-fan-out");
        assertEquals(1, scans.size(), h.alerts().toString());
        @SuppressWarnings("unchecked")
        List<String> top = (List<String>) evidence(scans.get(0), "FanOut").get("TopRemotes");
        assertEquals(5, top.size(), top.toString());
        // 16 remotes a minute do not fit the minute's slots: counts are lower bounds, and say so
        assertEquals("198.51.100.7:445 (at least 30 failed)", top.get(0));
    }

    @Test
    void lateralMovementsEvidenceNamesTheHostsAndPortsWithTheMostLinks() {
        for (int m = 0; m < 2; m++) {
            List<Object> rows = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                rows.add(Rows.connection(at(m), "m-1").set("ProcessName", "psexec").set("Process", "p-x")
                    .set("DestinationIp", "10.0.5." + (m * 5 + i)).set("DestinationPort", 445).set("LinksEstablished", 1));
            }
            rows.add(Rows.connection(at(m), "m-1").set("ProcessName", "mstsc").set("Process", "p-r")
                .set("DestinationIp", "10.0.5.99").set("DestinationPort", 3389).set("LinksEstablished", 2).set("LinksFailed", 4));
            h.feed(rows.toArray());
        }
        h.drain();
        List<Alert> moves = h.alerts("lateral-movement-admin-ports");
        assertEquals(1, moves.size(), h.alerts().toString());
        // 6 endpoints a minute fit the minute's slots: exact counts; equal ones in address order
        assertEquals(List.of("10.0.5.99:3389 (12 links)", "10.0.5.1:445 (1 link)", "10.0.5.2:445 (1 link)",
            "10.0.5.3:445 (1 link)", "10.0.5.4:445 (1 link)"), evidence(moves.get(0), "AdminFanOut").get("TopRemotes"));
    }
}

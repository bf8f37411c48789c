package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectionFailureRuleTest {
    private static final String SPIKE_MACHINE = "connection-failure-spike-machine";
    private static final String SPIKE_PROCESS = "connection-failure-spike-process";
    private static final String RATIO = "connection-failure-ratio-machine";
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

    /** One minute of traffic for a machine: {@code established} good links and {@code failed} failed ones over two processes. */
    private void minute(int minute, String machine, int established, int failedA, int failedB) {
        String t = START.plusSeconds(60L * minute).toString();
        List<Object> rows = new ArrayList<>();
        rows.add(Rows.connection(t, machine).set("LinksEstablished", established).set("LinksFailed", failedA)
            .set("Process", "p-a").set("ProcessName", "app"));
        rows.add(Rows.connection(t, machine).set("LinksEstablished", 0).set("LinksTerminated", 0).set("LinksFailed", failedB)
            .set("Process", "p-b").set("ProcessName", "backup").set("DestinationIp", "10.0.0.9").set("DestinationPort", 445));
        h.feed(rows.toArray());
    }

    @Test
    void aSpikeWellAboveTheMachinesBaselineAlertsOncePerEpisode() {
        for (int m = 0; m < 60; m++) {
            minute(m, "m-1", 100, 1, 0); // a steady 1 failure a minute: baseline 5 per 5-minute window
        }
        for (int m = 60; m < 66; m++) {
            minute(m, "m-1", 100, 0, 20); // 20 a minute in backup: 100 per window
        }
        h.drain();
        List<Alert> spikes = h.alerts(SPIKE_MACHINE);
        assertEquals(1, spikes.size(), h.alerts().toString());
        Alert a = spikes.get(0);
        assertEquals(Severity.HIGH, a.severity());
        assertEquals(null, a.process());
        assertTrue(a.evidenceTime().isAfter(START.plusSeconds(60 * 60 - 1)), a.evidenceTime().toString());
        List<Alert> processSpikes = h.alerts(SPIKE_PROCESS);
        assertEquals(1, processSpikes.size(), processSpikes.toString());
        assertEquals("backup", processSpikes.get(0).process());
    }

    /** The fields of the alert's evidence of that kind. */
    private static Map<String, Object> evidence(Alert a, String kind) {
        return a.evidence().stream().filter(e -> e.kind().equals(kind)).map(Evidence::fields).findFirst()
            .orElseThrow(() -> new AssertionError("no " + kind + " in " + a.evidence()));
    }

    @Test
    void aSpikesEvidenceNamesTheRemoteThatFailedMostFirst() {
        for (int m = 0; m < 60; m++) {
            minute(m, "m-1", 100, 1, 0); // app: 1 failed link a minute to 93.184.216.34:443
        }
        for (int m = 60; m < 66; m++) {
            minute(m, "m-1", 100, 1, 20); // and now backup: 20 a minute to 10.0.0.9:445
        }
        h.drain();
        List<Alert> spikes = h.alerts(SPIKE_MACHINE);
        assertEquals(1, spikes.size(), h.alerts().toString());
        Map<String, Object> window = evidence(spikes.get(0), "FailureWindow");
        long failed = ((Number) window.get("FailedInWindow")).longValue();
        // the 5-minute window holds app's 5 and backup's 20 a minute since the spike began
        assertEquals(List.of("10.0.0.9:445 (" + (failed - 5) + " failed)", "93.184.216.34:443 (5 failed)"), window.get("TopRemotes"));
        assertEquals(0, (failed - 5) % 20, "whole minutes of backup's failures: " + failed);
        List<Alert> processSpikes = h.alerts(SPIKE_PROCESS);
        assertEquals(1, processSpikes.size(), processSpikes.toString());
        Map<String, Object> processWindow = evidence(processSpikes.get(0), "FailureWindow");
        assertEquals(List.of("10.0.0.9:445 (" + processWindow.get("FailedInWindow") + " failed)"), processWindow.get("TopRemotes"));
    }

    @Test
    void aRatioAlertNamesTheFailingRemotes() {
        for (int m = 0; m < 10; m++) {
            minute(m, "m-1", 2, 3, 1); // 3 a minute to 93.184.216.34:443, 1 to 10.0.0.9:445
        }
        h.drain();
        List<Alert> ratio = h.alerts(RATIO);
        assertEquals(1, ratio.size(), ratio.toString());
        Map<String, Object> fields = evidence(ratio.get(0), "FailureRatio");
        long minutes = ((Number) fields.get("Failed")).longValue() / 4;
        assertEquals(List.of("93.184.216.34:443 (" + 3 * minutes + " failed)", "10.0.0.9:445 (" + minutes + " failed)"),
            fields.get("TopRemotes"));
    }

    @Test
    void aHighButSteadyFailureRateIsNotASpike() {
        for (int m = 0; m < 90; m++) {
            minute(m, "m-1", 100, 20, 0); // 100 failures per window, every window
        }
        h.drain();
        assertEquals(0, h.alerts(SPIKE_MACHINE).size(), h.alerts().toString());
        assertEquals(0, h.alerts(SPIKE_PROCESS).size(), h.alerts().toString());
    }

    @Test
    void failuresBelowTheFloorDoNotAlertEvenOnAZeroBaseline() {
        for (int m = 0; m < 20; m++) {
            minute(m, "m-1", 100, 0, 0);
        }
        for (int m = 20; m < 25; m++) {
            minute(m, "m-1", 100, 0, 5); // 25 per window: floor is 50 per machine, 25 per process
        }
        h.drain();
        assertEquals(0, h.alerts(SPIKE_MACHINE).size());
        assertEquals(1, h.alerts(SPIKE_PROCESS).size(), "process floor is 25");
    }

    @Test
    void aKeyWithoutEnoughHistoryCannotSpike() {
        for (int m = 0; m < 9; m++) {
            minute(m, "m-1", 100, 0, 0);
        }
        for (int m = 9; m < 14; m++) {
            minute(m, "m-1", 100, 0, 30); // would be a spike, but only 4..8 minutes of baseline exist
        }
        h.drain();
        assertEquals(0, h.alerts(SPIKE_MACHINE).size(), h.alerts().toString());
    }

    @Test
    void spikesOnOneMachineDoNotLeakIntoAnother() {
        for (int m = 0; m < 60; m++) {
            minute(m, "m-1", 100, 0, 0);
            minute(m, "m-2", 100, 0, 0);
        }
        // m-1 continues quietly, m-2 spikes
        for (int m = 60; m < 66; m++) {
            minute(m, "m-1", 100, 0, 0);
            minute(m, "m-2", 100, 0, 30);
        }
        h.drain();
        List<Alert> spikes = h.alerts(SPIKE_MACHINE);
        assertEquals(1, spikes.size());
        assertEquals("m-2", spikes.get(0).machine());
    }

    @Test
    void aHighFailurePercentageAlertsAndALowOneDoesNot() {
        for (int m = 0; m < 10; m++) {
            minute(m, "m-1", 2, 3, 0);   // 60% failed, 50 links in 10 minutes
            minute(m, "m-2", 10, 3, 0);  // 23% failed
            minute(m, "m-3", 1, 1, 0);   // 50%: below the 60% threshold... and below 40 links
        }
        h.drain();
        List<Alert> ratio = h.alerts(RATIO);
        assertEquals(1, ratio.size(), ratio.toString());
        assertEquals("m-1", ratio.get(0).machine());
        assertEquals(60.0, ratio.get(0).evidence().get(1).fields().get("PercentFailed"));
    }

    @Test
    void rowsLaterThanTheAllowedLatenessAreCountedButDoNotSkewWindows() {
        minute(0, "m-1", 10, 0, 0);
        minute(10, "m-1", 10, 0, 0); // watermark now 10:08
        minute(1, "m-1", 0, 0, 100); // 9 minutes late: past the 2-minute allowance
        h.drain();
        assertEquals(2, h.engine().stats().lateForWindows.sum());
        assertEquals(0, h.alerts(SPIKE_MACHINE).size(), h.alerts().toString());
    }

    @Test
    void aMachineNewHereWhoseRowsAreBehindTheWatermarkBringsItsHistoryAndStillSpikes() {
        // m-0 has been flowing here for 39 minutes; then m-1 arrives with 22 minutes of rows that
        // are all behind the watermark (a Kafka partition handed over and re-read from before its
        // committed offset), and spikes right after.
        for (int m = 0; m < 39; m++) {
            minute(m, "m-0", 100, 1, 0);
        }
        for (int m = 15; m < 37; m++) {
            minute(m, "m-1", 100, 1, 0);
        }
        assertTrue(h.engine().stats().historyRows.sum() > 0, "m-1's rows behind the watermark are history");
        for (int m = 39; m < 46; m++) {
            minute(m, "m-0", 100, 1, 0);
            minute(m, "m-1", 100, 0, m >= 40 ? 20 : 0);
        }
        h.drain();
        List<Alert> spikes = h.alerts(SPIKE_MACHINE);
        assertEquals(1, spikes.size(), "without its history m-1 has no baseline and cannot spike: " + h.alerts());
        assertEquals("m-1", spikes.get(0).machine());
    }

    @Test
    void aKnownMachinesLateRowsStayLateAndCountNowhere() {
        for (int m = 0; m < 20; m++) {
            minute(m, "m-1", 100, 1, 0);
        }
        long late = h.engine().stats().lateForWindows.sum();
        minute(5, "m-1", 0, 0, 500); // 500 failures for a minute judged long ago
        assertTrue(h.engine().stats().lateForWindows.sum() > late);
        for (int m = 20; m < 25; m++) {
            minute(m, "m-1", 100, 1, 0);
        }
        h.drain();
        assertEquals(0, h.alerts(SPIKE_MACHINE).size(), h.alerts().toString());
    }

    @Test
    void afterAnIdleSourceIsClosedLaterRowsStillCountInWindows() {
        for (int m = 0; m < 30; m++) {
            minute(m, "m-1", 100, 1, 0);
        }
        h.drain(); // what `run` does after rules.idle-close without records
        for (int m = 30; m < 40; m++) {
            minute(m, "m-1", 100, 0, m >= 34 ? 20 : 1);
        }
        h.drain();
        assertEquals(1, h.alerts(SPIKE_MACHINE).size(), h.alerts().toString());
    }
}

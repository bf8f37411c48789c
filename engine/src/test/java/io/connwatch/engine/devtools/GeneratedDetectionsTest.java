package io.connwatch.engine.devtools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.rules.EventRetention;
import io.connwatch.engine.rules.RuleSet;
import io.connwatch.engine.rules.fixtures.FixtureEngine;
import io.connwatch.feeds.format.FeedFormats;
import io.connwatch.feeds.format.FeedParse;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Six generated hours of five machines, replayed ten minutes at a time through the shipped rules with
 * the sample Tor feed: each incident the generator injects for the per-remote detections raises
 * its one alert, and the benign look-alikes (agents every minute or every five minutes with
 * larger volumes) raise none.
 */
class GeneratedDetectionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static List<Alert> alerts;

    @BeforeAll
    static void replay() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        new DataGenerator(new DataGenerator.Settings(5, 6, Instant.parse("2024-04-01T00:00:00Z"), 5, true)).generate(rows::add);
        TreeMap<Long, StringBuilder> byMinute = new TreeMap<>();
        for (Map<String, Object> row : rows) {
            byMinute.computeIfAbsent(Instant.parse((String) row.get("TimeGenerated")).getEpochSecond() / 600, k -> new StringBuilder())
                .append(JSON.writeValueAsString(row)).append('\n');
        }
        FeedParse tor;
        try (Reader in = Files.newBufferedReader(Path.of("..", "samples", "tor-exit-addresses.txt"))) {
            tor = FeedFormats.byName("tor-exit-addresses", null).parse("tor-exits", in, FeedFormats.defaults("tor-exit-addresses"));
        }
        assertEquals(DataGenerator.TOR_EXITS.length, tor.indicators().size(), "the sample feed lists the generator's exits");
        try (FixtureEngine engine = new FixtureEngine(RuleSet.load(Path.of("..", "rules"), EventRetention.DEFAULT))) {
            engine.intel(tor.indicators(), List.of());
            for (StringBuilder minute : byMinute.values()) {
                List<MachineRecord> batch = FixtureEngine.decode("generated", minute.toString(), r -> {
                    throw new AssertionError(r.message());
                });
                engine.submit(batch);
            }
            engine.drain();
            alerts = engine.alerts();
        }
    }

    private static List<Alert> of(String rule) {
        return alerts.stream().filter(a -> a.rule().equals(rule)).toList();
    }

    @Test
    void theThreeHourBeaconAlertsOnceAndTheAgentsNever() {
        List<Alert> beacons = of("beaconing");
        assertEquals(1, beacons.size(), beacons.toString());
        assertEquals("updater", beacons.get(0).process());
        assertTrue(beacons.get(0).summary().contains("45.137.21.9:443 about every 5 min"), beacons.get(0).summary());
        assertTrue(alerts.stream().noneMatch(a -> "telegraf".equals(a.process()) || "metricbeat".equals(a.process())),
            "the look-alikes raise nothing");
    }

    @Test
    void theRdpSweepWinRmAndSmbSessionsAlertOnceEach() {
        Map<String, String> byProcess = new TreeMap<>();
        for (Alert a : of("admin-protocol-to-internet")) {
            if (!a.process().equals("masscan")) {
                // (the hourly masscan sweep of 203.0.113.0/24 on SMB raises one each hour)
                assertEquals(null, byProcess.put(a.process(), a.labels().get("service")), "one alert per process and service: " + a);
            }
        }
        assertEquals("rdp", byProcess.get("nlbrute"));
        assertEquals("winrm", byProcess.get("powershell"));
        assertEquals("smb", byProcess.get("robocopy"));
        Alert sweep = of("admin-protocol-to-internet").stream().filter(a -> a.process().equals("nlbrute")).findFirst().orElseThrow();
        assertTrue(sweep.summary().contains("30 public addresses"), sweep.summary());
        assertTrue(alerts.stream().noneMatch(a -> a.rule().equals("port-scan-fan-out") && "nlbrute".equals(a.process())));
    }

    @Test
    void theRebindAndTheTorConnectionAlertOnce() {
        List<Alert> rebinds = of("port-moved-from-loopback");
        assertEquals(1, rebinds.size(), rebinds.toString());
        assertEquals("jupyter-lab", rebinds.get(0).process());
        List<Alert> tor = of("tor-exit-connection");
        assertEquals(1, tor.size(), tor.toString());
        assertEquals("tor", tor.get(0).process());
    }
}

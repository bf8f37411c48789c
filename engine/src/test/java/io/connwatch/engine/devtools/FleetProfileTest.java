package io.connwatch.engine.devtools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.facts.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class FleetProfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2024-04-01T00:00:00Z");

    private static List<Map<String, Object>> rows(FleetProfile p, int machines, double hours, long seed) {
        List<Map<String, Object>> rows = new ArrayList<>();
        p.generate(new DataGenerator.Settings(machines, hours, START, seed, true), rows::add);
        return rows;
    }

    private static String jsonl(List<Map<String, Object>> rows) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> r : rows) {
            sb.append(JSON.writeValueAsString(r)).append('\n');
        }
        return sb.toString();
    }

    @ParameterizedTest
    @EnumSource(value = FleetProfile.class, names = {"DENSE", "SPARSE", "WIDE"})
    void everyGeneratedRowDecodesAndTheSizeIsAboutTheProfilesRate(FleetProfile p) throws Exception {
        List<Map<String, Object>> rows = rows(p, 30, 1, 3);
        assertEquals(rows, rows(p, 30, 1, 3), "deterministic for a seed");
        List<MachineRecord> decoded = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        new RecordDecoder().decode("test", jsonl(rows), RecordDecoder.Sink.of(decoded::add, rejected::add));
        assertEquals(List.of(), rejected);
        assertEquals(rows.size(), decoded.size());
        double perMachineMinute = rows.size() / (30 * 60.0);
        assertTrue(perMachineMinute >= p.rowsPerMachineMinute() * 0.8 && perMachineMinute <= p.rowsPerMachineMinute() * 1.4,
            p + ": " + perMachineMinute + " rows per machine-minute");
        // hoursFor gives at least the records asked for
        assertTrue(rows(p, 30, p.hoursFor(rows.size(), 30), 3).size() >= rows.size());
    }

    @Test
    void wideRowsCarryEveryColumnAtAboutOneKilobyteAndArriveShuffledWithinThreeMinutes() throws Exception {
        List<Map<String, Object>> rows = rows(FleetProfile.WIDE, 40, 0.5, 1);
        Set<String> connectionColumns = new HashSet<>();
        rows.stream().filter(r -> "VMConnection".equals(r.get("Type"))).forEach(r -> connectionColumns.addAll(r.keySet()));
        for (String c : List.of("TimeGenerated", "Computer", "AgentId", "Machine", "Process", "ProcessName", "SourceIp",
            "DestinationIp", "DestinationPort", "Protocol", "Direction", "ConnectionId", "LinksEstablished", "LinksTerminated",
            "LinksFailed", "LinksLive", "BytesSent", "BytesReceived", "Responses", "ResponseTimeMax", "ResponseTimeMin",
            "ResponseTimeSum", "RemoteIp", "RemoteCountry", "RemoteLatitude", "RemoteLongitude", "RemoteDnsCanonicalNames",
            "RemoteDnsQuestions", "MaliciousIp", "IndicatorThreatType", "Description", "TLPLevel", "Confidence",
            "FirstReportedDateTime", "LastReportedDateTime", "IsActive", "ReportReferenceLink", "AdditionalInformation")) {
            assertTrue(connectionColumns.contains(c), c);
        }
        assertTrue(rows.stream().anyMatch(r -> "VMBoundPort".equals(r.get("Type")) && r.containsKey("ResponseTimeSum")));
        double bytes = jsonl(rows).length() / (double) rows.size();
        assertTrue(bytes >= 900 && bytes <= 1100, bytes + " bytes per row");
        long newest = Long.MIN_VALUE;
        long maxBehind = 0;
        boolean outOfOrder = false;
        for (Map<String, Object> r : rows) {
            long t = Instant.parse((String) r.get("TimeGenerated")).toEpochMilli();
            outOfOrder |= t < newest;
            newest = Math.max(newest, t);
            maxBehind = Math.max(maxBehind, newest - t);
        }
        assertTrue(outOfOrder);
        assertTrue(maxBehind < 3 * 60_000, maxBehind + " ms behind");
        Map<String, Set<String>> processes = new HashMap<>();
        rows.forEach(r -> processes.computeIfAbsent((String) r.get("Machine"), k -> new HashSet<>()).add((String) r.get("Process")));
        assertEquals(40, processes.size());
        assertTrue(processes.values().stream().allMatch(s -> s.size() >= 4), "several processes per machine");
    }

    @Test
    void sparseMachinesHaveManyProcessesAndRemotes() {
        List<Map<String, Object>> rows = rows(FleetProfile.SPARSE, 200, 2, 1);
        Map<String, Set<Object>> processes = new HashMap<>();
        Map<String, Set<Object>> remotes = new HashMap<>();
        for (Map<String, Object> r : rows) {
            processes.computeIfAbsent((String) r.get("Machine"), k -> new HashSet<>()).add(r.get("Process"));
            remotes.computeIfAbsent((String) r.get("Machine"), k -> new HashSet<>()).add(r.get("RemoteIp"));
        }
        assertEquals(200, processes.size());
        assertTrue(processes.values().stream().mapToInt(Set::size).average().orElse(0) >= 20);
        assertTrue(remotes.values().stream().mapToInt(Set::size).average().orElse(0) >= 80);
        assertTrue(rows.stream().anyMatch(r -> r.containsKey("MaliciousIp")), "incidents");
    }

    @Test
    void sparseMachinesTalkToAStableSetOfRemotesAndNeverToAdminPortsOnTheInternet() {
        List<Map<String, Object>> rows = rows(FleetProfile.SPARSE, 200, 2, 1);
        Map<String, Set<Object>> firstHour = new HashMap<>();
        long secondHour = 0;
        long known = 0;
        long internal = 0;
        long start = START.toEpochMilli();
        for (Map<String, Object> r : rows) {
            String remote = (String) r.get("RemoteIp");
            boolean publicRemote = !remote.startsWith("10.");
            if (publicRemote && "outbound".equals(r.get("Direction"))) {
                assertTrue(!Set.of(445, 3389, 5985, 5986, 135).contains(r.get("DestinationPort")), "admin port to the internet: " + r);
            }
            internal += publicRemote ? 0 : 1;
            String endpoint = remote + ":" + r.get("DestinationPort");
            if (Instant.parse((String) r.get("TimeGenerated")).toEpochMilli() < start + 3_600_000) {
                firstHour.computeIfAbsent((String) r.get("Machine"), k -> new HashSet<>()).add(endpoint);
            } else {
                secondHour++;
                known += firstHour.getOrDefault((String) r.get("Machine"), Set.of()).contains(endpoint) ? 1 : 0;
            }
        }
        // about 150 rows a machine in the first hour do not reach the long tail of its 120 remotes, churn adds 2 %
        assertTrue(known >= 0.7 * secondHour, known + " of " + secondHour + " rows of the second hour to remotes of the first");
        assertTrue(internal >= 0.3 * rows.size() && internal <= 0.8 * rows.size(), internal + " of " + rows.size() + " rows internal");
    }

    @Test
    void theReplayProfileGeneratesNothing() {
        assertThrows(IllegalStateException.class, () -> rows(FleetProfile.REPLAY, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> FleetProfile.parse("nope"));
    }
}

package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.Alert;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Event time is kept per machine: one machine's clock, or one record from the future, never makes
 * another machine's rows late or silences its windows, and agents that upload minutes apart lose
 * no window row. Each case replays the demo hour and compares with the demo hour alone.
 */
class EventTimePerMachineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MINUTE = 60_000;
    private static List<String> demo;
    private static Set<String> demoAlerts;

    @BeforeAll
    static void readDemo() throws Exception {
        demo = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
            new GZIPInputStream(Files.newInputStream(Path.of("..", "samples", "demo.jsonl.gz"))), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                demo.add(line);
            }
        }
        demoAlerts = keys(replay(List.of(demo)).alerts, null);
        assertTrue(demoAlerts.size() >= 10, "the demo hour raises its alerts: " + demoAlerts);
    }

    @Test
    void aRecordFromTheFutureInTheStreamChangesNoAlert() throws Exception {
        ObjectNode future = (ObjectNode) JSON.readTree(demo.get(0));
        future.put("TimeGenerated", "2099-01-01T00:00:00Z").put("Machine", "m-from-the-future").put("Computer", "future.contoso.com");
        List<String> first = new ArrayList<>(demo.subList(0, 500));
        first.add(future.toString());
        Run run = replay(List.of(first, demo.subList(500, demo.size())));
        assertEquals(demoAlerts, keys(run.alerts, "m-from-the-future"));
        assertEquals(0, run.late, "no honest row became late");
    }

    @Test
    void aMachineTwoHoursAheadChangesNoOtherMachinesAlerts() throws Exception {
        String skewed = machineOf(demo.stream().filter(l -> l.contains("batch-001.contoso.com")).findFirst().orElseThrow());
        List<String> shifted = new ArrayList<>();
        for (String line : demo) {
            ObjectNode n = (ObjectNode) JSON.readTree(line);
            if (n.path("Machine").asText().equals(skewed)) {
                shiftTime(n, Duration.ofHours(2));
            }
            shifted.add(n.toString());
        }
        Run run = replay(chunks(shifted, 300));
        assertEquals(keys(replay(chunks(demo, 300)).alerts, skewed), keys(run.alerts, skewed));
        assertEquals(0, run.late);
        assertEquals(List.of(skewed), run.skewed, "the machine ahead is reported");
    }

    @Test
    void agentsUploadingMinutesApartLoseNoWindowRow() throws Exception {
        // Each agent uploads a minute's rows when the minute is over, after a delay of its own of
        // up to 5 minutes plus up to 40 s of jitter; the service receives them in arrival order.
        Random random = new Random(7);
        Map<String, Long> offset = new HashMap<>();
        record Arrival(long at, int order, String line) {
        }
        List<Arrival> arrivals = new ArrayList<>();
        Map<String, Long> lastArrival = new HashMap<>();
        Map<String, List<String>> byUpload = new LinkedHashMap<>();
        for (String line : demo) {
            JsonKey k = key(line);
            byUpload.computeIfAbsent(k.machine + "|" + k.minute, x -> new ArrayList<>()).add(line);
        }
        int order = 0;
        for (Map.Entry<String, List<String>> upload : byUpload.entrySet()) {
            String machine = upload.getKey().substring(0, upload.getKey().indexOf('|'));
            long minute = Long.parseLong(upload.getKey().substring(upload.getKey().indexOf('|') + 1));
            long delay = offset.computeIfAbsent(machine, m -> (long) random.nextInt(5 * 60_000)) + random.nextInt(40_000);
            // an agent's uploads arrive in the order it sends them
            long at = Math.max(minute + MINUTE + delay, lastArrival.getOrDefault(machine, Long.MIN_VALUE) + 1);
            lastArrival.put(machine, at);
            for (String line : upload.getValue()) {
                arrivals.add(new Arrival(at, order++, line));
            }
        }
        arrivals.sort(Comparator.comparingLong(Arrival::at).thenComparingInt(Arrival::order));
        // one POST per 10 s of arrival time
        List<List<String>> batches = new ArrayList<>();
        long current = Long.MIN_VALUE;
        for (Arrival a : arrivals) {
            if (a.at() / 10_000 != current) {
                batches.add(new ArrayList<>());
                current = a.at() / 10_000;
            }
            batches.get(batches.size() - 1).add(a.line());
        }
        Run run = replay(batches);
        assertEquals(0, run.late, "no row of an honest agent was late for its windows");
        assertEquals(demoAlerts, keys(run.alerts, null));
    }

    @Test
    void aFloodOfNewMachineNamesIsBoundedAndEvictsTheIdlest() throws Exception {
        CollectingSink sink = new CollectingSink();
        RuleEngine.Settings settings = new RuleEngine.Settings(2, Duration.ofMinutes(2), Duration.ofMinutes(30), 16)
            .withBounds(Duration.ofMinutes(10), 1_000, 50, Duration.ZERO);
        try (RuleEngine engine = new RuleEngine(RuleSet.load(RuleHarness.SHIPPED_RULES, EventRetention.DEFAULT), sink, settings,
            Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC))) {
            ObjectNode template = (ObjectNode) JSON.readTree(demo.get(0));
            long start = Instant.parse("2024-04-01T08:00:00Z").toEpochMilli();
            for (int batch = 0; batch < 20; batch++) {
                StringBuilder text = new StringBuilder();
                for (int i = 0; i < 1_000; i++) {
                    int n = batch * 1_000 + i;
                    template.put("Machine", "m-flood-" + n).put("Computer", "flood-" + n)
                        .put("TimeGenerated", Instant.ofEpochMilli(start + (n / 10_000) * MINUTE).toString());
                    text.append(template).append('\n');
                }
                List<MachineRecord> records = new ArrayList<>();
                new RecordDecoder().decode("flood", text.toString(), RecordDecoder.Sink.of(records::add, r -> {
                    throw new AssertionError(r.message());
                }));
                engine.submit(records).join();
                assertTrue(engine.trackedMachines() <= 1_000, "tracked " + engine.trackedMachines());
            }
            assertTrue(engine.stats().machinesEvicted.sum() >= 19_000, "evicted " + engine.stats().machinesEvicted.sum());
            assertTrue(engine.factCount() <= 5_000, "the sessions hold the rollups of tracked machines only: " + engine.factCount());
        }
    }

    private record JsonKey(String machine, long minute) {
    }

    private static JsonKey key(String line) throws IOException {
        var n = JSON.readTree(line);
        long t = Instant.parse(n.path("TimeGenerated").asText()).toEpochMilli();
        return new JsonKey(n.path("Machine").asText(), Math.floorDiv(t, MINUTE) * MINUTE);
    }

    private static String machineOf(String line) throws IOException {
        return JSON.readTree(line).path("Machine").asText();
    }

    private static void shiftTime(ObjectNode n, Duration by) {
        for (String field : List.of("TimeGenerated", "ListeningSince")) {
            if (n.hasNonNull(field)) {
                n.put(field, Instant.parse(n.get(field).asText()).plus(by).toString());
            }
        }
    }

    private static List<List<String>> chunks(List<String> lines, int size) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += size) {
            out.add(lines.subList(i, Math.min(lines.size(), i + size)));
        }
        return out;
    }

    private record Run(List<Alert> alerts, long late, List<String> skewed) {
    }

    private static Run replay(List<List<String>> batches) throws Exception {
        try (RuleHarness h = RuleHarness.of(RuleHarness.SHIPPED_RULES, 2)) {
            for (List<String> batch : batches) {
                h.feed(batch.toArray());
            }
            List<String> skewed = h.engine().skewedMachines(Duration.ofMinutes(5), 10).stream().map(FleetClock.Skewed::machine).toList();
            h.drain();
            return new Run(h.alerts(), h.engine().stats().lateForWindows.sum(), skewed);
        }
    }

    /** What identifies an alert across runs: rule, machine and evidence time; without those of {@code except}. */
    private static Set<String> keys(List<Alert> alerts, String except) {
        Set<String> out = new TreeSet<>();
        for (Alert a : alerts) {
            if (!a.machine().equals(except)) {
                out.add(a.rule() + " " + a.machine() + " " + a.evidenceTime());
            }
        }
        assertFalse(out.isEmpty());
        return out;
    }
}

package io.connwatch.engine.ingest.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.engine.facts.Rejection;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.rules.EventRetention;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RuleSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files as log rotation, {@code tail -c} and careless exports leave them, replayed through the real engine. */
class FileReplayTest {
    private static final Path RULES = Path.of("..", "rules");
    private static RuleEngine engine;

    @TempDir
    Path tmp;
    private final IngestStats stats = new IngestStats();
    private final List<Rejection> rejections = new ArrayList<>();

    @BeforeAll
    static void startEngine() throws Exception {
        engine = new RuleEngine(RuleSet.load(RULES, EventRetention.DEFAULT), alert -> { },
            new RuleEngine.Settings(1, Duration.ofMinutes(2), Duration.ofMinutes(30), 16, Duration.ofHours(6), 1000),
            Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    private static String conn(int minute) {
        return "{\"TimeGenerated\":\"2024-05-01T10:" + String.format("%02d", minute) + ":00Z\",\"Machine\":\"m-1\","
            + "\"Direction\":\"outbound\",\"SourceIp\":\"10.0.0.4\",\"DestinationIp\":\"8.8.8.8\",\"DestinationPort\":53}";
    }

    private static final String GOOD = conn(0) + "\n" + conn(1) + "\n" + conn(2) + "\n";

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(tmp.resolve(name), content);
    }

    /** Replays the file; returns how many records reached the rules. */
    private long replay(Path file) {
        long before = engine.stats().records.sum();
        FileReplay replay = new FileReplay(engine, stats, rejections::add, n -> { });
        assertTrue(replay.replay(file), rejections.toString());
        replay.await();
        return engine.stats().records.sum() - before;
    }

    private void assertOneRejectionOnLine1And3Records(long reachedRules, String reasonStart) {
        assertEquals(3, reachedRules, rejections.toString());
        assertEquals(3, stats.accepted.sum());
        assertEquals(3, stats.accepted(IngestStats.Source.FILE, io.connwatch.engine.facts.Table.VM_CONNECTION));
        assertEquals(1, stats.rejected.sum(), rejections.toString());
        assertEquals(1, stats.rejected(IngestStats.Source.FILE));
        assertTrue(rejections.get(0).location().startsWith("line 1"), rejections.get(0).message());
        assertTrue(rejections.get(0).reason().startsWith(reasonStart), rejections.get(0).message());
    }

    @Test
    void aFileCutAtTheFrontLosesOnlyItsFirstLine() throws IOException {
        String cut = conn(59).substring(90);
        Path f = file("cut.jsonl", (cut + "\n" + GOOD).getBytes(StandardCharsets.UTF_8));
        assertOneRejectionOnLine1And3Records(replay(f), "not a JSON object, nor a CSV row");
    }

    @Test
    void aGzippedFileWhoseFirstRecordWasCutShortLosesOnlyThatRecord() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write((conn(59).substring(0, 60) + "\n" + GOOD).getBytes(StandardCharsets.UTF_8));
        }
        Path f = file("cut.jsonl.gz", bytes.toByteArray());
        assertOneRejectionOnLine1And3Records(replay(f), "malformed JSON: the line ends before the object is closed");
    }

    @Test
    void aFirstLineThatOpensAnArrayOfNumbersDoesNotSwallowTheFile() throws IOException {
        Path f = file("array.jsonl", ("[1, 2, 3\n" + GOOD).getBytes(StandardCharsets.UTF_8));
        assertOneRejectionOnLine1And3Records(replay(f), "expected a JSON object, found a number");
    }

    @Test
    void aFirstLineOfTwoMegabytesIsReadLikeAnyOther() throws IOException {
        String big = conn(3).replace("}", ",\"Padding\":\"" + "x".repeat(2 << 20) + "\"}");
        Path f = file("big.jsonl", (big + "\n" + GOOD).getBytes(StandardCharsets.UTF_8));
        assertEquals(4, replay(f), rejections.toString());
        assertEquals(List.of(), rejections);
    }

    @Test
    void aLineThatIsNotUtf8IsRejectedNamingTheByteNotRepairedInSilence() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes((conn(0) + "\n").getBytes(StandardCharsets.UTF_8));
        int bad = bytes.size() + conn(1).indexOf("m-1") + 2;
        bytes.writeBytes(conn(1).replace("m-1", "m-\u00e9").getBytes(StandardCharsets.UTF_8));
        byte[] content = (bytes.toString(StandardCharsets.ISO_8859_1) + "\n" + conn(2) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        content[bad] = (byte) 0xc3;
        content[bad + 1] = (byte) 0x28; // a lead byte followed by '(' instead of its continuation
        Path f = file("latin.jsonl", content);
        assertEquals(2, replay(f));
        assertEquals(List.of(new Rejection(f.toString(), "line 2", null, "invalid UTF-8 at byte " + bad)), rejections);
    }

    @Test
    void aBrokenRecordInAPrettyPrintedExportCostsOnlyThatRecord() throws IOException {
        String pretty = "[\n  {\n    \"TimeGenerated\": \"2024-05-01T10:00:00Z\",\n    \"Machine\": \"m-1\",\n"
            + "    \"Direction\": \"outbound\",\n    \"SourceIp\": \"10.0.0.4\",\n    \"DestinationIp\": \"8.8.8.8\",\n"
            + "    \"DestinationPort\": 53\n  },\n";
        String broken = pretty.substring(2).replace("\"m-1\",", "\"m-1\" \"oops\",");
        Path f = file("export.json", (pretty + broken + pretty.substring(2).replace("},\n", "}\n]\n")).getBytes(StandardCharsets.UTF_8));
        assertEquals(2, replay(f), rejections.toString());
        assertEquals(1, rejections.size(), rejections.toString());
        assertEquals("line 12, column 22", rejections.get(0).location());
    }
}

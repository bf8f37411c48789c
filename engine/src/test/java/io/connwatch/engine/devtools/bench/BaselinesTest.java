package io.connwatch.engine.devtools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peer baselines count what they should on inputs small enough to work out by hand. */
class BaselinesTest {
    private static final String LISTED = "192.9.135.73";

    private static String conn(String machine, String process, String minute, long failed, long bytes, String remote) {
        return "{\"Type\":\"VMConnection\",\"TimeGenerated\":\"2024-04-01T08:" + minute + ":00Z\",\"Machine\":\"" + machine
            + "\",\"Process\":\"" + process + "\",\"Direction\":\"outbound\",\"LinksFailed\":" + failed + ",\"BytesSent\":" + bytes
            + ",\"RemoteIp\":\"" + remote + "\",\"RemoteLatitude\":1.5,\"Extra\":{\"nested\":[1,2]}}\n";
    }

    // Worked out by hand, window 5 minutes, thresholds 10 failed links and 100 MB:
    // 08:00 A/p1 4 failed, 60 MB   -> A failures 4, A/p1 60 MB
    // 08:01 A/p2 7 failed, listed  -> A failures 11: fires for the 08:00 row and this one (2); listed (1)
    // 08:02 B/p1 9 failed, listed  -> B failures 9: no; listed (2)
    // 08:03 A/p1 no failures, 50 MB -> A/p1 110 MB: fires for the 08:00 row and this one (2); failures untouched
    // 08:09 A/p1 3 failed          -> everything before 08:04 has left the window: A failures 3, no firing
    private static final String INPUT = conn("A", "p1", "00", 4, 60_000_000, "1.1.1.1")
        + conn("A", "p2", "01", 7, 1_000, LISTED)
        + conn("B", "p1", "02", 9, 1_000, LISTED)
        + conn("A", "p1", "03", 0, 50_000_000, "1.1.1.1")
        + "{\"Type\":\"VMBoundPort\",\"TimeGenerated\":\"2024-04-01T08:09:00Z\",\"Machine\":\"A\",\"Process\":\"p1\",\"Ip\":\"0.0.0.0\","
        + "\"Port\":22,\"IsWildcardBind\":true,\"BytesSent\":5}\n"
        + conn("A", "p1", "09", 3, 1_000, "1.1.1.1");

    @Test
    void theCeilingParsesEveryRecordFromMemoryAndFromDiskAlike(@TempDir Path tmp) throws IOException {
        BenchInput memory = BenchInput.inMemory(List.of(INPUT.substring(0, INPUT.indexOf("\n{\"Type\":\"VMConnection\",\"TimeGenerated\":\"2024-04-01T08:02") + 1),
            INPUT.substring(INPUT.indexOf("\n{\"Type\":\"VMConnection\",\"TimeGenerated\":\"2024-04-01T08:02") + 1)));
        Path file = Files.writeString(tmp.resolve("in.jsonl"), INPUT);
        BenchInput disk = BenchInput.file(file);
        JacksonCeiling.Result expected = new JacksonCeiling.Result(6, 5, 1, 110_003_005);
        assertEquals(expected, JacksonCeiling.run(memory));
        assertEquals(expected, JacksonCeiling.run(disk));
        assertEquals(6, memory.records());
        // A at 08:00, 08:01, 08:03, 08:09 (two rows), B at 08:02
        assertEquals(5, memory.machineMinutes());
        assertEquals(5, disk.machineMinutes());
        assertEquals(INPUT.length(), disk.bytes());
        assertEquals(INPUT.length(), memory.bytes());
    }

    @Test
    void theNaivePipelineFiresAsWorkedOutByHand() throws IOException {
        NaiveDrools naive = new NaiveDrools(Set.of(LISTED));
        NaiveDrools.Counts c = naive.run(BenchInput.inMemory(List.of(INPUT)));
        assertEquals(6, c.records);
        assertEquals(2, c.failureFirings);
        assertEquals(Map.of("A", 11L), c.failuresByMachine);
        assertEquals(2, c.bytesFirings);
        assertEquals(Map.of("A/p1", 110_000_000L), c.bytesByProcess);
        assertEquals(2, c.listedFirings);
        assertEquals(Set.of("A/" + LISTED, "B/" + LISTED), c.listed);
        // Only the two 08:09 rows are inside the window at the end; the rest expired.
        assertEquals(2, c.factsAtEnd);
        // A fresh session each run: the same counts again.
        NaiveDrools.Counts again = naive.run(BenchInput.inMemory(List.of(INPUT)));
        assertEquals(c.failuresByMachine, again.failuresByMachine);
        assertEquals(c.failureFirings + c.bytesFirings + c.listedFirings, again.failureFirings + again.bytesFirings + again.listedFirings);
    }
}

package io.connwatch.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Small runs of every bench profile: each pipeline reads every record, and the table has its rows (timings are not checked). */
class BenchCommandTest {
    private static final Path SHIPPED_RULES = Path.of("..", "rules").toAbsolutePath().normalize();
    private static final Pattern ROUND = Pattern.compile("round 1 +(.+?) +([\\d,]+) records in");

    @TempDir
    Path tmp;
    private Path config;

    @BeforeEach
    void writeConfig() throws IOException {
        config = tmp.resolve("connwatch.yaml");
        Files.writeString(config, "rules:\n  directory: " + SHIPPED_RULES + "\n  partitions: 2\n");
    }

    /** Each pipeline's record count in round 1, in the order they ran. */
    private static List<String> counts(String err) {
        List<String> counts = new ArrayList<>();
        Matcher m = ROUND.matcher(err);
        while (m.find()) {
            counts.add(m.group(1).trim() + "=" + m.group(2));
        }
        return counts;
    }

    @Test
    void everyPipelineReadsEveryGeneratedRecordAndTheTableComparesThem() {
        CliTest.Result r = CliTest.run("bench", "--config", config.toString(), "--profile", "dense", "--machines", "30",
            "--records", "8192", "--batch", "1024", "--warmup", "0", "--rounds", "1");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("Jackson parse (ceiling)=8,192", "naive Drools=8,192", "connwatch=8,192"), counts(r.err()), r.err());
        assertTrue(r.err().contains("0 rejected"), r.err());
        assertTrue(r.out().contains("| Jackson parse (ceiling) |"), r.out());
        assertTrue(r.out().contains("| naive Drools |"), r.out());
        assertTrue(r.out().contains("| connwatch |"), r.out());
        assertTrue(r.out().contains("x ceiling | x naive Drools |"), r.out());
    }

    /** The baselines on the other generated profiles (connwatch reads them in FleetProfileTest and the replay test). */
    @ParameterizedTest
    @ValueSource(strings = {"sparse", "wide"})
    void theBaselinesReadEveryRecordOfTheOtherProfiles(String profile) {
        CliTest.Result r = CliTest.run("bench", "--config", config.toString(), "--profile", profile, "--machines", "30",
            "--records", "8192", "--batch", "1024", "--warmup", "0", "--rounds", "1", "--pipelines", "ceiling,naive");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("Jackson parse (ceiling)=8,192", "naive Drools=8,192"), counts(r.err()), r.err());
        assertTrue(r.out().contains("| naive Drools |"), r.out());
    }

    @Test
    void theReplayProfileReadsTheFileThatGenerateWrote() throws IOException {
        Path file = tmp.resolve("wide.jsonl");
        CliTest.Result g = CliTest.run("generate", "--profile", "wide", "--machines", "10", "--hours", "0.25", "-o", file.toString());
        assertEquals(0, g.exit(), g.err());
        long lines = Files.readAllLines(file).size();
        CliTest.Result r = CliTest.run("bench", "--config", config.toString(), "--profile", "replay", "--file", file.toString(),
            "--warmup", "0", "--rounds", "1", "--pipelines", "ceiling,connwatch");
        assertEquals(0, r.exit(), r.err());
        String n = String.format(java.util.Locale.ROOT, "%,d", lines);
        assertEquals(List.of("Jackson parse (ceiling)=" + n, "connwatch=" + n), counts(r.err()), r.err());
        assertTrue(r.out().contains("from disk"), r.out());
        assertTrue(r.out().contains("| connwatch |"), r.out());
    }

    @Test
    void theReplayProfileWantsAFile() {
        CliTest.Result r = CliTest.run("bench", "--config", config.toString(), "--profile", "replay");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--file"), r.err());
    }

    @Test
    void memoryModeReportsBytesPerMachineAndPerProcessKey() {
        CliTest.Result r = CliTest.run("bench", "--config", config.toString(), "--memory", "--machines", "40", "--processes", "4",
            "--indicators", "2000");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("bytes per tracked machine"), r.out());
        assertTrue(r.out().contains("bytes per process key"), r.out());
        assertTrue(r.err().contains("40 machines x 4 processes: 3,200 records"), r.err());
        assertTrue(r.err().contains("20 machines x 4 processes: 1,600 records"), r.err());
        assertTrue(r.err().contains("40 machines x 2 processes: 1,600 records"), r.err());
    }
}

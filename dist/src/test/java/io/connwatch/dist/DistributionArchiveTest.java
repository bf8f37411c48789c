package io.connwatch.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive as a user gets it: its layout, its launcher run from another directory
 * on the shipped configuration, and the systemd unit and Dockerfile kept in step with it.
 */
class DistributionArchiveTest {
    private static final Path ARCHIVE = Path.of(System.getProperty("connwatch.archive"));
    private static final String VERSION = System.getProperty("connwatch.version");
    private static final Path SOURCE = Path.of(System.getProperty("connwatch.source")).toAbsolutePath().normalize();

    @TempDir
    static Path unpacked;
    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Result r = run(unpacked, Map.of(), "tar", "xzf", ARCHIVE.toString());
        assertEquals(0, r.code(), r.output());
        home = unpacked.resolve("connwatch-" + VERSION);
    }

    @Test
    void holdsTheLauncherTheJarTheConfigurationRulesDocsAndDeployment() throws IOException {
        for (String p : List.of("bin/connwatch", "lib/connwatch.jar", "config/connwatch.yaml", "config/feeds", "rules/parameters.yaml",
            "docs", "samples/demo.jsonl.gz", "deploy/systemd/connwatch.service", "deploy/docker/Dockerfile", "LICENSE", "README.md")) {
            assertTrue(Files.exists(home.resolve(p)), "archive lacks " + p);
        }
        try (Stream<Path> drl = Files.list(home.resolve("rules"))) {
            assertTrue(drl.anyMatch(f -> f.toString().endsWith(".drl")), "no rules in the archive");
        }
        assertTrue(Files.getPosixFilePermissions(home.resolve("bin/connwatch")).contains(PosixFilePermission.OWNER_EXECUTE));
        assertTrue(Files.readString(home.resolve("LICENSE")).contains("Apache License"));
    }

    @Test
    void versionNamesTheReleaseAndTheCommitItWasBuiltFrom(@TempDir Path elsewhere) throws Exception {
        Result r = run(elsewhere, Map.of(), home.resolve("bin/connwatch").toString(), "--version");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().startsWith("connwatch " + VERSION + " (commit "), r.output());
        Result git = run(SOURCE, Map.of(), "git", "log", "-1", "--format=%h");
        assumeTrue(git.code() == 0, "not built from a git clone");
        assertTrue(r.output().contains("(commit " + git.output().strip()), r.output() + " vs HEAD " + git.output());
    }

    @Test
    void runsFromAnyDirectoryOnTheShippedConfigurationWithItsPathsFromTheArchive(@TempDir Path elsewhere) throws Exception {
        Path config = home.resolve("config/connwatch.yaml");
        Result valid = run(elsewhere, Map.of(), home.resolve("bin/connwatch").toString(), "validate-rules", "-c", config.toString());
        assertEquals(0, valid.code(), valid.output());
        assertTrue(valid.output().contains("configuration " + config), valid.output());

        Result replay = run(elsewhere, Map.of(), home.resolve("bin/connwatch").toString(), "replay", "-c", config.toString(),
            home.resolve("samples/demo.jsonl.gz").toString());
        assertEquals(0, replay.code(), replay.output());
        assertTrue(replay.output().contains("malicious-remote-ip"), replay.output());
        try (Stream<Path> left = Files.list(elsewhere)) {
            assertEquals(List.of(), left.toList(), "relative paths must come from the archive, not the working directory");
        }
    }

    @Test
    void warnsLoudlyWhenStartedWhereNoConfigurationIs(@TempDir Path elsewhere) throws Exception {
        Result r = run(elsewhere, Map.of(), home.resolve("bin/connwatch").toString(), "validate-rules");
        assertTrue(r.output().contains("no configuration file"), r.output());
        assertTrue(r.output().contains("built-in defaults"), r.output());
    }

    @Test
    void logsOneJsonObjectPerLineWhenAskedTo(@TempDir Path elsewhere) throws Exception {
        Result r = run(elsewhere, Map.of("CONNWATCH_LOG_FORMAT", "json"), home.resolve("bin/connwatch").toString(), "validate-rules",
            "-c", home.resolve("config/connwatch.yaml").toString());
        assertEquals(0, r.code(), r.output());
        List<String> logLines = r.output().lines().filter(l -> l.startsWith("{")).toList();
        assertTrue(logLines.stream().anyMatch(l -> l.contains("\"level\":\"INFO\"") && l.contains("configuration ")), r.output());
        assertTrue(logLines.stream().allMatch(l -> l.endsWith("}")), r.output());
    }

    @Test
    void theSystemdUnitRunsTheArchiveLauncherAndPassesSystemdAnalyzeVerify(@TempDir Path dir) throws Exception {
        String unit = Files.readString(home.resolve("deploy/systemd/connwatch.service"));
        assertTrue(unit.contains("ExecStart=/opt/connwatch/bin/connwatch run --config "), "the unit must start the archive's launcher");
        for (String hardening : List.of("User=connwatch", "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/connwatch",
            "StateDirectory=connwatch", "Restart=on-failure", "CapabilityBoundingSet=\n")) {
            assertTrue(unit.contains(hardening), "unit lacks " + hardening.strip());
        }
        Result which = run(dir, Map.of(), "sh", "-c", "command -v systemd-analyze");
        if (System.getenv("CI") != null) {
            assertEquals(0, which.code(), "CI must check the unit: .ci/run installs systemd-analyze");
        }
        assumeTrue(which.code() == 0, "systemd-analyze is not installed");
        // verify checks that ExecStart exists: point it at the unpacked archive instead of /opt/connwatch
        Path copy = dir.resolve("connwatch.service");
        Files.writeString(copy, unit.replace("/opt/connwatch", home.toString()));
        Result verify = run(dir, Map.of(), "systemd-analyze", "verify", copy.toString());
        assertEquals(0, verify.code(), verify.output());
        assertEquals("", verify.output().lines().filter(l -> l.contains("connwatch.service")).reduce("", (a, b) -> a + b + "\n"),
            "systemd-analyze has remarks on the unit");
    }

    @Test
    void theDockerfileUsesTheArchiveLayout() throws IOException {
        String docker = Files.readString(home.resolve("deploy/docker/Dockerfile"));
        Matcher arg = Pattern.compile("(?m)^ARG VERSION=(\\S+)$").matcher(docker);
        assertTrue(arg.find(), "the Dockerfile names the archive's version");
        assertEquals(VERSION, arg.group(1), "the Dockerfile's default VERSION is the build's");
        assertTrue(docker.contains("ADD connwatch-${VERSION}.tar.gz /opt/"), "the Dockerfile must add the archive as built");
        assertTrue(docker.contains("mv /opt/connwatch-${VERSION} /opt/connwatch"), "the archive unpacks to connwatch-<version>/");
        List<String> paths = new ArrayList<>();
        Matcher m = Pattern.compile("/opt/connwatch/([\\w./-]+)").matcher(docker);
        while (m.find()) {
            paths.add(m.group(1));
        }
        assertTrue(paths.contains("bin/connwatch") && paths.contains("config/connwatch.yaml"), paths.toString());
        for (String p : paths) {
            if (!p.equals("data")) {
                assertTrue(Files.exists(home.resolve(p)), "the Dockerfile names /opt/connwatch/" + p + ", which the archive lacks");
            }
        }
        assertTrue(docker.contains("VOLUME [\"/opt/connwatch/data\"]"), "state must be a volume");
        // the shipped configuration puts its data/ under the archive (home: ..), which is the volume
        assertTrue(Files.readString(home.resolve("config/connwatch.yaml")).contains("home: ${CONNWATCH_HOME:-..}"));
        assertTrue(docker.contains("USER connwatch"), "the container must not run as root");
    }

    private record Result(int code, String output) {
    }

    private static Result run(Path dir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "timed out: " + String.join(" ", command));
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}

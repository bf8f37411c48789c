package io.connwatch.engine.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.Rows;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import io.connwatch.alert.Severity;
import org.awaitility.Awaitility;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import io.connwatch.notify.Outbox;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service as `connwatch run` starts it, fed over real HTTP on loopback. */
class ConnwatchServiceTest {
    private static final String INGEST = TestTokens.bearer(TestTokens.INGEST);
    private static final String ADMIN = TestTokens.bearer(TestTokens.ADMIN);
    @TempDir
    Path tmp;

    @Test
    void editingARuleWhileIngestingChangesBehaviourWithinSecondsAndABrokenEditIsRefused() throws Exception {
        Path rules = Files.createDirectories(tmp.resolve("rules"));
        for (String f : List.of("wildcard-bind.drl", "wildcard-allowlist.yaml", "parameters.yaml", "connection-failures.drl")) {
            Files.copy(Path.of("..", "rules", f), rules.resolve(f));
        }
        Path alerts = tmp.resolve("alerts.jsonl");
        ConnwatchConfig config = ConnwatchConfig.parse("test", "rules:\n  directory: " + rules + "\n  watch: 200ms\nhttp:\n  port: 0\n" + TestTokens.authYaml()
            + "outputs:\n  console: false\n  jsonl: " + alerts + "\n", Map.of());
        try (ConnwatchService service = ConnwatchService.start(config, new PrintWriter(new StringWriter(), true))) {
            HttpClient http = HttpClient.newHttpClient();
            URI ingest = URI.create("http://127.0.0.1:" + service.httpPort() + "/ingest");
            String redis = Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "0.0.0.0").set("ProcessName", "redis-server").json();
            assertEquals(200, http.send(HttpRequest.newBuilder(ingest).header("Authorization", INGEST).POST(HttpRequest.BodyPublishers.ofString(redis)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(1, Files.readAllLines(alerts).size());

            // allow redis-server: the allowlist is a data file the watcher sees
            Files.writeString(rules.resolve("wildcard-allowlist.yaml"), "allow:\n  - process: redis-server\n");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> service.engine().lastReload() != null
                && service.engine().lastReload().version().equals("2"));
            String other = Rows.boundPort("2024-05-01T10:05:00Z", "m-2").set("Ip", "0.0.0.0").set("ProcessName", "redis-server").json();
            HttpResponse<String> expected = http.send(HttpRequest.newBuilder(ingest).header("Authorization", INGEST).POST(HttpRequest.BodyPublishers.ofString(other)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, expected.statusCode(), expected.body());
            assertEquals(1, Files.readAllLines(alerts).size(), "redis-server is now expected");

            Files.writeString(rules.resolve("wildcard-bind.drl"), "package broken;\nrule \"x\" when then\n");
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort()
                + "/admin/reload")).header("Authorization", ADMIN).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(422, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("wildcard-bind.drl"), refused.body());
            String rulesNow = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + "/rules")).header("Authorization", ADMIN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(rulesNow.contains("\"version\":\"2\""), rulesNow);
            assertTrue(rulesNow.contains("unexpected-wildcard-bind"), "the old rules still run: " + rulesNow);
        }
    }

    @Test
    void aFeedFileThatGainsAnAddressRaisesLateDetectionsForConnectionsAlreadySeen() throws Exception {
        Path alerts = tmp.resolve("alerts.jsonl");
        Path feed = tmp.resolve("blocklist.txt");
        Files.writeString(feed, "# nothing yet\n203.0.113.250\n");
        ConnwatchConfig config = ConnwatchConfig.parse("test", "rules:\n  directory: " + Path.of("..", "rules").toAbsolutePath()
            + "\nhttp:\n  port: 0\n" + TestTokens.authYaml() + "outputs:\n  console: false\n  jsonl: " + alerts
            + "\nthreat-intel:\n  feeds:\n    - {name: blocklist, format: plain, path: " + feed + ", threat-type: C2, severity: 5, confidence: 90}\n",
            Map.of());
        try (ConnwatchService service = ConnwatchService.start(config, new PrintWriter(new StringWriter(), true))) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + service.httpPort() + "/ingest")).header("Authorization", INGEST)
                .POST(HttpRequest.BodyPublishers.ofString(
                    Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "45.77.1.9").json()))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertFalse(Files.exists(alerts) && !Files.readString(alerts).isEmpty(), "nothing known yet");

            Files.writeString(feed, "203.0.113.250\n45.77.1.9\n");
            Files.setLastModifiedTime(feed, FileTime.fromMillis(Files.getLastModifiedTime(feed).toMillis() + 2000));
            assertTrue(service.intel().refresh("blocklist"));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(alerts) && !Files.readAllLines(alerts).isEmpty());
            Alert late = AlertJson.fromJson(Files.readAllLines(alerts).get(0));
            assertEquals("malicious-remote-ip-outbound", late.rule());
            assertEquals("true", late.labels().get("late_detection"));
            assertEquals(Instant.parse("2024-05-01T10:00:00Z"), late.evidenceTime());
            assertEquals(Severity.CRITICAL, late.severity());
        }
    }

    @Test
    void ingestsOverHttpAndFromReplayAndWritesAlertsToConsoleAndTheJsonLinesFile() throws Exception {
        Path alerts = tmp.resolve("out/alerts.jsonl");
        ConnwatchConfig config = ConnwatchConfig.parse("test", "rules:\n  directory: " + Path.of("..", "rules").toAbsolutePath()
            + "\nhttp:\n  port: 0\n" + TestTokens.authYaml() + "outputs:\n  jsonl: " + alerts + "\n", Map.of());
        StringWriter console = new StringWriter();
        Path replayed = tmp.resolve("replay.jsonl");
        Files.writeString(replayed, Rows.boundPort("2024-05-01T09:00:00Z", "m-9").set("Ip", "0.0.0.0").json() + "\n");
        try (ConnwatchService service = ConnwatchService.start(config, new PrintWriter(console, true))) {
            service.replay(List.of(replayed));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + "/ingest"))
                .header("Authorization", INGEST).POST(HttpRequest.BodyPublishers.ofString(
                    Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.135.73").malicious("C2", 4, 90).json()))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(2L, service.ingest().accepted.sum());
        }
        List<String> lines = Files.readAllLines(alerts);
        assertEquals(2, lines.size(), lines.toString());
        Alert first = AlertJson.fromJson(lines.get(0));
        Alert second = AlertJson.fromJson(lines.get(1));
        assertEquals("unexpected-wildcard-bind", first.rule());
        assertEquals("malicious-remote-ip-outbound", second.rule());
        assertEquals("high", AlertJson.mapper().readTree(lines.get(1)).get("severity").asText());
        assertTrue(console.toString().contains("malicious-remote-ip-outbound"), console.toString());
    }

    @Test
    void withoutConfiguredTokensOnlyTheGeneratedAdminTokenOpensAnythingButLiveness() throws Exception {
        Path tokenFile = tmp.resolve("data").resolve("admin-token");
        ConnwatchConfig config = ConnwatchConfig.parse("test", "rules:\n  directory: " + Path.of("..", "rules").toAbsolutePath()
            + "\n  watch: 0s\nhttp:\n  port: 0\n  auth: {admin-token-file: " + tokenFile + "}\noutputs:\n  console: false\n  jsonl: \"\"\n",
            Map.of());
        HttpClient http = HttpClient.newHttpClient();
        String token;
        try (ConnwatchService service = ConnwatchService.start(config, new PrintWriter(new StringWriter(), true))) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            token = Files.readString(tokenFile).strip();
            String base = "http://127.0.0.1:" + service.httpPort();
            // what `curl` without a token gets
            for (String path : List.of("/stats", "/rules", "/feeds", "/api/v1/session", "/console/", "/nowhere")) {
                assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode(), path);
            }
            for (String path : List.of("/ingest", "/admin/reload")) {
                assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), path);
            }
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"status\":\"ok\"}", health.body());
            HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create(base + "/stats"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stats.statusCode());
            io.vertx.core.json.JsonObject httpSection = new io.vertx.core.json.JsonObject(stats.body()).getJsonObject("http");
            assertEquals(8, httpSection.getLong("unauthenticated"), httpSection.encode());
            assertEquals(0, httpSection.getLong("authFailures"));
            assertEquals(0, httpSection.getLong("reloadsRefused"));
        }
        try (ConnwatchService again = ConnwatchService.start(config, new PrintWriter(new StringWriter(), true))) {
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + again.httpPort() + "/rules"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "the same token");
        }
    }

    private ConnwatchConfig withOutbox(Path alerts, int httpPort) throws Exception {
        return ConnwatchConfig.parse("test", """
            rules:
              directory: %s
            http:
              port: %d
              %s
            outputs:
              console: false
              jsonl: %s
            notify:
              outbox: %s
              receivers:
                - {name: hook, type: webhook, url: "http://127.0.0.1:9/alerts"}
              default-receivers: [hook]
            """.formatted(Path.of("..", "rules").toAbsolutePath(), httpPort, TestTokens.authYaml().strip(), alerts, tmp.resolve("outbox")),
            Map.of());
    }

    /** Whether this JVM holds the file open (Linux only: the test is skipped elsewhere). */
    private static boolean isOpen(Path file) throws IOException {
        Path real = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(real);
                } catch (IOException e) {
                    return false; // the descriptor closed while listing
                }
            });
        }
    }

    @Test
    void aStartThatFailsOnATakenPortClosesEverythingItStartedSoASecondServiceCanOpenThem() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc to see open files");
        Path alerts = tmp.resolve("alerts.jsonl");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IOException e = assertThrows(IOException.class,
                () -> ConnwatchService.start(withOutbox(alerts, taken.getLocalPort()), new PrintWriter(new StringWriter(), true)));
            assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
        assertFalse(isOpen(alerts), "the alerts file is closed");

        try (ConnwatchService second = ConnwatchService.start(withOutbox(alerts, 0), new PrintWriter(new StringWriter(), true))) {
            assertTrue(second.httpPort() > 0);
            assertTrue(isOpen(alerts), "the check sees an open file");
        }
        assertFalse(isOpen(alerts));
    }

    @Test
    void aStartThatFailsOnALockedOutboxLeavesTheAlertsFileClosed() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc to see open files");
        Path alerts = tmp.resolve("alerts.jsonl");
        ConnwatchConfig config = withOutbox(alerts, 0);
        try (Outbox other = NotifyAssembly.openOutbox(config.notifications())) {
            // the store's own lock error, whichever type it has
            assertThrows(Exception.class, () -> ConnwatchService.start(config, new PrintWriter(new StringWriter(), true)));
        }
        assertFalse(isOpen(alerts), "the alerts file opened before the outbox is closed again");
    }
}

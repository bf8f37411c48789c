package io.connwatch.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.Rows;
import io.connwatch.engine.service.ConnwatchService;
import io.connwatch.engine.service.LifecycleAssembly;
import io.connwatch.lifecycle.silence.Silence;
import io.connwatch.lifecycle.silence.Silences;
import io.connwatch.lifecycle.store.LifecycleStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * connwatch silence add / list / expire, offline against the lifecycle store and through the API
 * of a running service, and notify dead-letters / replay through the API while the service holds
 * the outbox.
 */
class SilenceCommandTest {
    @TempDir
    Path tmp;
    private Path config;
    private HttpServer receiver;
    private final AtomicInteger status = new AtomicInteger(200);
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private ConnwatchService service;

    @BeforeEach
    void writeConfig() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (status.get() == 200) {
                delivered.add(body);
            }
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        receiver.start();
        config = tmp.resolve("connwatch.yaml");
        Files.writeString(config, """
            rules:
              directory: %s
              watch: 0s
            http:
              port: 0
              auth:
                tokens:
                  - {name: admin, roles: [admin], token: %s}
                  - {name: shipper, roles: [ingest], token: %s}
                  - {name: reader, roles: [read], token: %s}
                  - {name: operator, roles: [operate], token: %s}
            outputs:
              console: false
              jsonl: ""
            notify:
              outbox: %s
              state: %s
              group-wait: 1s
              group-interval: 2s
              receivers:
                - {name: hook, type: webhook, url: "http://127.0.0.1:%d/alerts"}
              default-receivers: [hook]
            """.formatted(Path.of("..", "rules").toAbsolutePath(), TestTokens.ADMIN, TestTokens.INGEST, TestTokens.READ,
            TestTokens.OPERATE, tmp.resolve("outbox"), tmp.resolve("lifecycle"), receiver.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        receiver.stop(0);
    }

    private Path tokenFile(String token) throws Exception {
        Path f = tmp.resolve("token-" + Math.abs(token.hashCode()));
        Files.writeString(f, token + "\n");
        return f;
    }

    private String[] online(String token, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--config", config.toString(), "--url", "http://127.0.0.1:" + service.httpPort(), "--token-file",
            tokenFile(token).toString()));
        return all.toArray(String[]::new);
    }

    private String[] offline(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--config", config.toString()));
        return all.toArray(String[]::new);
    }

    private List<Silence> stored() throws Exception {
        ConnwatchConfig c = ConnwatchConfig.load(config, Map.of());
        try (LifecycleStore store = LifecycleStore.open(c.notifications().lifecycle().state())) {
            return LifecycleAssembly.stages(c.notifications().lifecycle(), store).silences().list(Instant.now(), null);
        }
    }

    @Test
    void offlineTheCommandsChangeTheStoreTheServiceReadsAtItsNextStart() throws Exception {
        CliTest.Result added = CliTest.run(offline("silence", "add", "computer=\"web-01\"", "rule=~\"port-scan.*\"", "--duration", "2h",
            "--comment", "maintenance", "--author", "alice"));
        assertEquals(0, added.exit(), added.err());
        String id = added.out().strip();
        assertTrue(id.matches("[0-9a-f-]{36}"), id);

        CliTest.Result list = CliTest.run(offline("silence", "list"));
        assertEquals(0, list.exit(), list.err());
        String[] lines = list.out().split("\n");
        assertEquals("1 silence(s)", lines[0]);
        assertTrue(lines[1].startsWith(id + "  active  {computer=\"web-01\", rule=~\"port-scan.*\"}  "), lines[1]);
        assertTrue(lines[1].endsWith("  by alice  maintenance"), lines[1]);
        assertEquals("0 silence(s)", CliTest.run(offline("silence", "list", "--state", "expired")).out().strip());
        Silence s = stored().get(0);
        assertEquals(Duration.ofHours(2), Duration.between(s.startsAt(), s.endsAt()));

        CliTest.Result expired = CliTest.run(offline("silence", "expire", id));
        assertEquals(0, expired.exit(), expired.err());
        assertEquals("expired " + id, expired.out().strip());
        CliTest.Result again = CliTest.run(offline("silence", "expire", id, "no-such-id"));
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("has already expired"), again.err());
        assertTrue(again.err().contains("no silence with id 'no-such-id'"), again.err());
        assertTrue(CliTest.run(offline("silence", "list", "--state", "expired,active")).out().contains(id + "  expired  "));
        assertEquals(Silence.State.EXPIRED, stored().get(0).state(Instant.now()));

        // the service starts with what the command stored
        service = ConnwatchService.start(ConnwatchConfig.load(config, Map.of()), new PrintWriter(new StringWriter(), true));
        assertEquals(List.of(id), service.stages().silences().list(Instant.now(), null).stream().map(Silence::id).toList());
    }

    @Test
    void aMatcherOrTimeThatCannotBeReadIsAUsageErrorSayingWhere() {
        CliTest.Result bad = CliTest.run(offline("silence", "add", "computer=~\"web", "--comment", "c"));
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("at character 11"), bad.err());
        CliTest.Result both = CliTest.run(offline("silence", "add", "computer=\"web\"", "--comment", "c", "--duration", "1h", "--end",
            "2030-01-01T00:00:00Z"));
        assertEquals(2, both.exit());
        assertEquals("give --duration or --end, not both", both.err().strip());
        CliTest.Result all = CliTest.run(offline("silence", "add", "computer=~\".*\"", "--comment", "c"));
        assertEquals(1, all.exit(), "refused by the silences' own validation");
        assertTrue(all.err().contains("match every alert"), all.err());
        CliTest.Result state = CliTest.run(offline("silence", "list", "--state", "firing"));
        assertEquals(2, state.exit());
        assertTrue(state.err().contains("unknown silence state 'firing'"), state.err());
    }

    @Test
    void whileTheServiceRunsTheCommandsGoThroughItsApiWithTheTokensRole() throws Exception {
        service = ConnwatchService.start(ConnwatchConfig.load(config, Map.of()), new PrintWriter(new StringWriter(), true));
        CliTest.Result added = CliTest.run(online(TestTokens.OPERATE, "silence", "add", "{computer=\"web-01\", rule=~\"port-scan.*\"}",
            "--duration", "30m", "--comment", "maintenance"));
        assertEquals(0, added.exit(), added.err());
        String id = added.out().strip();
        Silence s = service.stages().silences().get(id).orElseThrow();
        assertEquals("operator", s.createdBy(), "the token's name when no --author is given");
        assertEquals("{computer=\"web-01\", rule=~\"port-scan.*\"}", s.matchers().toString());
        assertEquals(Duration.ofMinutes(30), Duration.between(s.startsAt(), s.endsAt()));

        CliTest.Result list = CliTest.run(online(TestTokens.READ, "silence", "list"));
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains(id + "  active  {computer=\"web-01\", rule=~\"port-scan.*\"}  "), list.out());
        assertTrue(list.out().contains("  by operator  maintenance"), list.out());

        CliTest.Result refused = CliTest.run(online(TestTokens.READ, "silence", "add", "computer=\"x\"", "--comment", "c"));
        assertEquals(1, refused.exit());
        assertEquals("'reader' may not do this: it needs the role operate", refused.err().strip());
        assertFalse(refused.err().contains(TestTokens.READ), "no token in an error");

        CliTest.Result expired = CliTest.run(online(TestTokens.OPERATE, "silence", "expire", id, "no-such-id"));
        assertEquals(1, expired.exit());
        assertEquals("expired " + id, expired.out().strip());
        assertEquals("no silence with id 'no-such-id'", expired.err().strip());
        assertEquals(Silence.State.EXPIRED, service.stages().silences().get(id).orElseThrow().state(Instant.now()));
        assertTrue(CliTest.run(online(TestTokens.READ, "silence", "list", "--state", "expired")).out().contains(id + "  expired  "));
    }

    @Test
    void aStoreHeldByAServiceWhoseApiDoesNotAnswerIsAClearOneLineError() throws Exception {
        ConnwatchConfig c = ConnwatchConfig.load(config, Map.of());
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (LifecycleStore held = LifecycleStore.open(c.notifications().lifecycle().state())) {
            Silences silences = LifecycleAssembly.stages(c.notifications().lifecycle(), held).silences();
            assertEquals(0, silences.size());
            CliTest.Result r = CliTest.run("silence", "list", "--config", config.toString(), "--url", "http://127.0.0.1:" + closed,
                "--token-file", tokenFile(TestTokens.READ).toString());
            assertEquals(1, r.exit());
            String[] lines = r.err().strip().split("\n");
            assertEquals(1, lines.length, r.err());
            assertTrue(lines[0].startsWith("the lifecycle store in " + c.notifications().lifecycle().state()
                + " is in use (is connwatch running?) and its API cannot be used: no answer from the service at http://127.0.0.1:"
                + closed), lines[0]);
            CliTest.Result noPort = CliTest.run("silence", "add", "rule=\"x\"", "--comment", "c", "--config", config.toString());
            assertEquals(1, noPort.exit());
            assertTrue(noPort.err().strip().endsWith("the configuration lets the service pick its port (http.port: 0): give its --url"),
                noPort.err());
            assertEquals(0, silences.size(), "nothing was stored");
        }
    }

    @Test
    void deadLettersAreListedAndReplayedThroughTheApiWhileTheServiceHoldsTheOutbox() throws Exception {
        status.set(400);
        service = ConnwatchService.start(ConnwatchConfig.load(config, Map.of()), new PrintWriter(new StringWriter(), true));
        String row = Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "0.0.0.0").set("Computer", "web-01").json();
        HttpResponse<String> ingested = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + service.httpPort() + "/ingest")).header("Authorization", TestTokens.bearer(TestTokens.INGEST))
            .POST(HttpRequest.BodyPublishers.ofString(row)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ingested.statusCode(), ingested.body());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> service.delivery().outbox().deadLetters().size() == 1);
        long id = service.delivery().outbox().deadLetters().get(0).id();

        CliTest.Result list = CliTest.run(online(TestTokens.READ, "notify", "dead-letters"));
        assertEquals(0, list.exit(), list.err());
        String[] lines = list.out().split("\n");
        assertEquals("1 dead letter(s), 0 waiting for delivery", lines[0]);
        assertTrue(lines[1].startsWith(id + "  hook  default:{computer=\"web-01\"}  firing "), lines[1]);
        assertTrue(lines[1].endsWith("alerts=1  attempts=1  hook: HTTP 400"), lines[1]);
        assertTrue(lines[2].startsWith("    alert ") && lines[2].contains("  web-01  "), lines[2]);

        CliTest.Result notAdmin = CliTest.run(online(TestTokens.OPERATE, "notify", "replay", "--all"));
        assertEquals(1, notAdmin.exit());
        assertEquals("'operator' may not do this: it needs the role admin", notAdmin.err().strip());

        status.set(200);
        CliTest.Result replay = CliTest.run(online(TestTokens.ADMIN, "notify", "replay", String.valueOf(id), "9999"));
        assertEquals(1, replay.exit(), "9999 is not a dead letter");
        assertEquals("1 dead letter(s) queued again", replay.out().strip());
        assertEquals("not among the dead letters: 9999", replay.err().strip());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !delivered.isEmpty());
        assertTrue(delivered.get(0).contains("web-01"));
        assertEquals("0 dead letter(s), 0 waiting for delivery", CliTest.run(online(TestTokens.READ, "notify", "dead-letters")).out()
            .strip());
    }
}

package io.connwatch.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Severity;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.notify.Outbox;
import io.connwatch.notify.OutboxEntry;
import io.connwatch.notify.standin.ElasticBulkStandIn;
import io.connwatch.notify.standin.SelfSignedCert;
import io.connwatch.notify.standin.SentinelStandIn;
import io.connwatch.notify.standin.SplunkHecStandIn;
import io.connwatch.notify.standin.SyslogStandIn;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** connwatch notify test / preview / dead-letters / replay, against a loopback webhook receiver. */
class NotifyCommandTest {
    @TempDir
    Path tmp;
    private HttpServer server;
    private final AtomicInteger status = new AtomicInteger(200);
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private Path config;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
        config = tmp.resolve("c.yaml");
        Files.writeString(config, """
            rules: {directory: %s}
            notify:
              outbox: %s
              receivers:
                - {name: hook, type: webhook, url: "http://127.0.0.1:%d/x?secret=abc123", signing-secret: s}
              routes:
                - match: {min-severity: high}
                  receivers: [hook]
            """.formatted(Path.of("..", "rules").toAbsolutePath(), tmp.resolve("outbox"), server.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static CliTest.Result run(String... args) {
        return CliTest.run(args);
    }

    @Test
    void testSendsASampleThroughTheRealChannelAndSaysWhenItFails() {
        CliTest.Result ok = run("notify", "test", "--config", config.toString(), "--receiver", "hook");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("hook: delivered a sample alert"));
        assertTrue(bodies.get(0).contains("TEST from connwatch notify test"), bodies.get(0));

        status.set(404);
        CliTest.Result bad = run("notify", "test", "--config", config.toString(), "--receiver", "hook");
        assertEquals(1, bad.exit());
        assertEquals("failed (permanent): hook: HTTP 404", bad.err().strip());
        assertFalse(bad.err().contains("abc123"));

        CliTest.Result unknown = run("notify", "test", "--config", config.toString(), "--receiver", "nobody");
        assertTrue(unknown.exit() != 0);
    }

    @Test
    void previewShowsThePayloadAndTheEmailTemplates() {
        CliTest.Result hook = run("notify", "preview", "--config", config.toString(), "--receiver", "hook");
        assertEquals(0, hook.exit(), hook.err());
        assertTrue(hook.out().startsWith("{\"version\":\"2\",\"id\":\""), hook.out());
        assertTrue(hook.out().contains("\"status\":\"firing\",\"receiver\":\"hook\""), hook.out());
        assertTrue(hook.out().contains("\"summary\":\"TEST from connwatch notify test"), hook.out());
        CliTest.Result mail = run("notify", "preview", "--config", config.toString());
        assertTrue(mail.out().startsWith(
            "Subject: [connwatch] FIRING 1 (1 new) HIGH \u2014 malicious-remote-ip-outbound on app-001.contoso.com"), mail.out());
        assertTrue(mail.out().contains("--- text/html ---"), mail.out());
    }

    @Test
    void eachChannelPreviewsWhatItWouldSend() throws Exception {
        Files.writeString(config, """
            rules: {directory: %s}
            notify:
              outbox: %s
              receivers:
                - {name: mail, type: email, host: smtp.test, from: connwatch@contoso.com, to: [soc@contoso.com, oncall@contoso.com]}
                - {name: chat, type: slack, url: "https://hooks.slack.test/services/T0/B0/SECRET"}
                - {name: bus, type: kafka, topic: alerts, bootstrap-servers: "127.0.0.1:9"}
            """.formatted(Path.of("..", "rules").toAbsolutePath(), tmp.resolve("outbox")));
        CliTest.Result mail = run("notify", "preview", "--config", config.toString(), "--receiver", "mail");
        assertEquals(0, mail.exit(), mail.err());
        assertTrue(mail.out().startsWith(
            "To: soc@contoso.com, oncall@contoso.com\nSubject: [connwatch] FIRING 1 (1 new) HIGH \u2014 malicious-remote-ip-outbound"),
            mail.out());
        assertTrue(mail.out().contains("\n--- text/plain ---\n"), mail.out());
        assertTrue(mail.out().contains("\n--- text/html ---\n"), mail.out());
        CliTest.Result chat = run("notify", "preview", "--config", config.toString(), "--receiver", "chat");
        assertEquals(0, chat.exit(), chat.err());
        assertTrue(chat.out().startsWith("{\"text\":\"FIRING 1 (1 new) HIGH \u2014 malicious-remote-ip-outbound on app-001.contoso.com\\n"
            + "HIGH malicious-remote-ip-outbound on app-001.contoso.com: TEST from connwatch"), chat.out());
        assertTrue(chat.out().contains("\"blocks\":["), chat.out());
        CliTest.Result bus = run("notify", "preview", "--config", config.toString(), "--receiver", "bus");
        assertEquals(0, bus.exit(), bus.err());
        assertTrue(bus.out().startsWith("{\"id\":\""), "the record's value: " + bus.out());
        assertTrue(bus.out().contains("\"fingerprint\":\"0000test0000\"") && bus.out().contains("\"notificationId\":\""), bus.out());
    }

    @Test
    void testWorksForEachSiemReceiverAgainstItsStandIn() throws Exception {
        String token = "hec-token-never-shown";
        String secret = "entra-secret-never-shown";
        String dcr = "dcr-0123456789abcdef0123456789abcdef";
        SelfSignedCert cert = SelfSignedCert.make(tmp, "collector", "ip:127.0.0.1");
        try (SplunkHecStandIn hec = new SplunkHecStandIn(token, 1 << 20, true);
             ElasticBulkStandIn es = new ElasticBulkStandIn(ElasticBulkStandIn.apiKey("id", "key"), 1 << 20,
                 Set.of("logs-connwatch-default"));
             SyslogStandIn syslog = SyslogStandIn.tls(cert);
             SentinelStandIn azure = new SentinelStandIn("contoso.onmicrosoft.com", "app", secret, dcr, "Custom-ConnwatchAlerts_CL")) {
            Files.writeString(config, """
                rules: {directory: %s}
                notify:
                  outbox: %s
                  receivers:
                    - {name: splunk, type: splunk, url: "%s", token: %s, ack: true, ack-poll-interval: 10ms}
                    - {name: elastic, type: elasticsearch, url: "%s", index: logs-connwatch-default, data-stream: true, api-key: "%s"}
                    - {name: syslog, type: syslog, host: 127.0.0.1, port: %d, ca-file: "%s"}
                    - {name: sentinel, type: sentinel, endpoint: "%s", authority-host: "%s", dcr-immutable-id: %s,
                       stream: Custom-ConnwatchAlerts_CL, tenant-id: contoso.onmicrosoft.com, client-id: app, client-secret: %s}
                    - {name: wrong, type: splunk, url: "%s", token: not-the-token}
                """.formatted(Path.of("..", "rules").toAbsolutePath(), tmp.resolve("outbox"), hec.uri(""), token, es.uri(""),
                ElasticBulkStandIn.apiKey("id", "key").substring("ApiKey ".length()), syslog.port(), cert.pem(), azure.uri(""),
                azure.uri(""), dcr, secret, hec.uri("")));
            for (String receiver : List.of("splunk", "elastic", "syslog", "sentinel")) {
                CliTest.Result r = run("notify", "test", "--config", config.toString(), "--receiver", receiver);
                assertEquals(0, r.exit(), receiver + ": " + r.err());
                assertEquals(receiver + ": delivered a sample alert", r.out().strip());
            }
            assertEquals("0000test0000", hec.events().get(0).get("event").get("fingerprint").asText());
            assertTrue(hec.calls("/services/collector/ack").size() >= 1, "acknowledged by the indexers");
            assertEquals(1, es.documents("logs-connwatch-default").size());
            assertTrue(syslog.messages().get(0).contains("CEF:0|connwatch|connwatch|"), syslog.messages().toString());
            assertTrue(azure.rows().get(0).get("Summary").asText().startsWith("TEST from connwatch notify test"));

            CliTest.Result wrong = run("notify", "test", "--config", config.toString(), "--receiver", "wrong");
            assertEquals(1, wrong.exit());
            assertEquals("failed (permanent): wrong: HTTP 403 code 4 Invalid token", wrong.err().strip());
            CliTest.Result preview = run("notify", "preview", "--config", config.toString(), "--receiver", "sentinel");
            assertTrue(preview.out().startsWith("[{\"TimeGenerated\":"), preview.out());
            for (CliTest.Result r : List.of(wrong, preview)) {
                assertFalse((r.out() + r.err()).contains(token) || (r.out() + r.err()).contains(secret));
            }
        }
    }

    @Test
    void deadLettersAreListedAndReplayed() throws Exception {
        ConnwatchConfig c = ConnwatchConfig.load(config, Map.of());
        try (Outbox o = new Outbox(c.notifications().outbox())) {
            OutboxEntry queued = o.enqueue(NotifyCommand.sampleNotification("hook"), 0);
            o.bury(List.of(queued), "hook: HTTP 400");
        }
        CliTest.Result list = run("notify", "dead-letters", "--config", config.toString());
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().startsWith("1 dead letter(s), 0 waiting for delivery"), list.out());
        assertTrue(list.out().contains("1  hook  {}:{fingerprint=\"0000test0000\"}  firing high  alerts=1  attempts=1  hook: HTTP 400"),
            list.out());
        CliTest.Result replay = run("notify", "replay", "--config", config.toString(), "--all");
        assertEquals("1 dead letter(s) queued again", replay.out().strip());
        try (Outbox o = new Outbox(c.notifications().outbox())) {
            assertEquals(1, o.pending().size());
            assertEquals(Severity.HIGH, o.pending().get(0).notification().worstSeverity());
            assertEquals(List.of(), o.deadLetters());
        }
    }

    @Test
    void receiverAndRouteProblemsAreReportedWithTheirKeys() throws Exception {
        Files.writeString(config, """
            notify:
              receivers:
                - {name: hook, type: pager}
                - {name: chat, type: slack}
              routes:
                - match: {min-severity: urgent}
                  receivers: [hook, nowhere]
              default-receivers: [chat]
            """);
        CliTest.Result r = run("validate-rules", "--config", config.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("notify.receivers[hook].type: unknown 'pager' (expected one of elasticsearch, email, kafka, opsgenie, "
            + "pagerduty, sentinel, slack, splunk, syslog, teams, webhook)"), r.err());
        assertTrue(r.err().contains("notify.receivers[chat].url: missing (or url-file)"), r.err());
        assertTrue(r.err().contains("notify.routes[0].match.min-severity: unknown severity 'urgent'"), r.err());
        assertTrue(r.err().contains("notify.routes[0].receivers: no receiver named 'nowhere'"), r.err());
    }

    /** What a stand-in of Teams, PagerDuty and Opsgenie got: method, path with query, Authorization header, body. */
    private record Call(String method, String path, String authorization, String body) {
    }

    @Test
    void testSendsASampleThroughTeamsPagerDutyAndOpsgenieAndSaysWhenOneRefuses() throws Exception {
        List<Call> calls = new CopyOnWriteArrayList<>();
        AtomicInteger answer = new AtomicInteger(202);
        HttpServer standIn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        standIn.createContext("/", ex -> {
            calls.add(new Call(ex.getRequestMethod(), ex.getRequestURI().toString(), ex.getRequestHeaders().getFirst("Authorization"),
                new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            ex.sendResponseHeaders(answer.get(), -1);
            ex.close();
        });
        standIn.start();
        try {
            int port = standIn.getAddress().getPort();
            Files.writeString(config, """
                rules: {directory: %s}
                notify:
                  outbox: %s
                  receivers:
                    - {name: chat, type: teams, url: "http://127.0.0.1:%d/workflows/1/invoke?sig=s3cretSIG"}
                    - {name: pager, type: pagerduty, url: "http://127.0.0.1:%d/v2/enqueue", routing-key: s3cretROUTINGKEY}
                    - {name: genie, type: opsgenie, api-url: "http://127.0.0.1:%d", api-key: s3cret-genie-key}
                """.formatted(Path.of("..", "rules").toAbsolutePath(), tmp.resolve("outbox"), port, port, port));
            for (String receiver : List.of("chat", "pager", "genie")) {
                CliTest.Result ok = run("notify", "test", "--config", config.toString(), "--receiver", receiver);
                assertEquals(0, ok.exit(), receiver + ": " + ok.err());
                assertEquals(receiver + ": delivered a sample alert", ok.out().strip());
                CliTest.Result preview = run("notify", "preview", "--config", config.toString(), "--receiver", receiver);
                assertEquals(0, preview.exit(), receiver + ": " + preview.err());
                assertTrue(preview.out().contains("TEST from connwatch notify test"), preview.out());
                assertFalse(preview.out().contains("s3cret"), "a secret in the preview: " + preview.out());
            }
            assertEquals(3, calls.size(), calls.toString());
            Call teams = calls.get(0);
            assertEquals("/workflows/1/invoke?sig=s3cretSIG", teams.path());
            assertTrue(teams.body().startsWith("{\"type\":\"message\",\"attachments\":[{\"contentType\":"
                + "\"application/vnd.microsoft.card.adaptive\""), teams.body());
            Call pager = calls.get(1);
            assertEquals("/v2/enqueue", pager.path());
            assertTrue(pager.body().startsWith("{\"routing_key\":\"s3cretROUTINGKEY\",\"event_action\":\"trigger\","
                + "\"dedup_key\":\"{}:{fingerprint=\\\"0000test0000\\\"}\""), pager.body());
            Call genie = calls.get(2);
            assertEquals("POST /v2/alerts GenieKey s3cret-genie-key", genie.method() + " " + genie.path() + " " + genie.authorization());
            assertTrue(genie.body().contains("\"alias\":\"{}:{fingerprint=\\\"0000test0000\\\"}\""), genie.body());

            answer.set(401);
            for (String receiver : List.of("chat", "pager", "genie")) {
                CliTest.Result bad = run("notify", "test", "--config", config.toString(), "--receiver", receiver);
                assertEquals(1, bad.exit(), receiver);
                assertEquals("failed (permanent): " + receiver + ": HTTP 401", bad.err().strip());
            }
        } finally {
            standIn.stop(0);
        }
    }

    @Test
    void anUnknownReceiverIsAOneLineErrorNamingTheKnownOnes() {
        for (String command : List.of("test", "preview")) {
            CliTest.Result r = run("notify", command, "--config", config.toString(), "--receiver", "nosuch");
            assertEquals(2, r.exit(), command + ": " + r.err());
            assertEquals("no receiver named 'nosuch' in notify.receivers (known: hook)", r.err().strip(), command);
            assertEquals("", r.out(), command);
        }
        assertEquals(List.of(), bodies, "nothing sent");
    }

    @Test
    void replayingIdsThatAreNotDeadLettersSaysWhichAndFails() throws Exception {
        ConnwatchConfig c = ConnwatchConfig.load(config, Map.of());
        long id;
        try (Outbox o = new Outbox(c.notifications().outbox())) {
            OutboxEntry queued = o.enqueue(NotifyCommand.sampleNotification("hook"), 0);
            o.bury(List.of(queued), "hook: HTTP 400");
            id = queued.id();
        }
        CliTest.Result none = run("notify", "replay", "--config", config.toString(), "9999");
        assertEquals(1, none.exit(), none.err());
        assertEquals("0 dead letter(s) queued again", none.out().strip());
        assertEquals("not among the dead letters: 9999", none.err().strip());

        CliTest.Result some = run("notify", "replay", "--config", config.toString(), "9999", String.valueOf(id), "12345");
        assertEquals(1, some.exit(), some.err());
        assertEquals("1 dead letter(s) queued again", some.out().strip());
        assertEquals("not among the dead letters: 9999, 12345", some.err().strip());
        try (Outbox o = new Outbox(c.notifications().outbox())) {
            assertEquals(List.of(id), o.pending().stream().map(OutboxEntry::id).toList());
        }

        CliTest.Result again = run("notify", "replay", "--config", config.toString(), String.valueOf(id));
        assertEquals(1, again.exit(), "already queued, no longer a dead letter: " + again.err());
    }

    @Test
    void deadLettersShowTheAlertIdComputerAndSummaryOnOneSafeLine() throws Exception {
        ConnwatchConfig c = ConnwatchConfig.load(config, Map.of());
        io.connwatch.alert.Alert s = NotifyCommand.sample();
        io.connwatch.alert.Alert hostile = new io.connwatch.alert.Alert("alert-7", s.rule(), s.severity(), s.fingerprint(),
            s.evidenceTime(), s.detectedAt(), "db-9.contoso.com\u001b[2J", s.machine(), s.process(),
            "first line\nsecond line\u001b]0;owned\u0007 " + "x".repeat(5000), s.labels(), s.evidence());
        try (Outbox o = new Outbox(c.notifications().outbox())) {
            o.bury(List.of(o.enqueue(Notification.of("hook", List.of(hostile), Instant.parse("2024-04-01T08:20:00Z")), 0)),
                "hook: HTTP 400");
        }
        CliTest.Result list = run("notify", "dead-letters", "--config", config.toString());
        assertEquals(0, list.exit(), list.err());
        String[] lines = list.out().split("\n");
        assertEquals(3, lines.length, list.out());
        assertEquals("1  hook  {}:{fingerprint=\"0000test0000\"}  firing high  alerts=1  attempts=1  hook: HTTP 400", lines[1]);
        assertTrue(lines[2].startsWith("    alert alert-7  db-9.contoso.com?[2J  first line second line?]0;owned? xxx"), lines[2]);
        assertTrue(lines[2].endsWith("x\u2026"), "a long summary is cut: " + lines[2].length());
        assertTrue(lines[2].length() < 300, String.valueOf(lines[2].length()));
        assertFalse(list.out().contains("\u001b") || list.out().contains("\u0007"), "no terminal control characters from a host");
    }

    @Test
    void aDeadLetterOfAGroupShowsItsKeyStatusAndCountOnSafeLines() throws Exception {
        ConnwatchConfig c = ConnwatchConfig.load(config, Map.of());
        io.connwatch.alert.Alert s = NotifyCommand.sample();
        io.connwatch.alert.Alert other = new io.connwatch.alert.Alert("alert-9", s.rule(), io.connwatch.alert.Severity.CRITICAL, "fp-9",
            s.evidenceTime(), s.detectedAt(), s.computer(), s.machine(), s.process(), "another", s.labels(), s.evidence());
        List<Notification.NotifiedAlert> alerts = List.of(
            new Notification.NotifiedAlert(s, Notification.AlertStatus.RESOLVED, s.evidenceTime(), s.evidenceTime().plusSeconds(60), true,
                1, List.of(), List.of()),
            new Notification.NotifiedAlert(other, Notification.AlertStatus.RESOLVED, s.evidenceTime(), s.evidenceTime().plusSeconds(60),
                true, 1, List.of(), List.of()));
        Notification group = new Notification("n-1", "hook", "{}:{computer=\"evil\u001b[2J\nhost\"}", Map.of("computer", "evil"),
            Notification.AlertStatus.RESOLVED, alerts, new Notification.Counts(0, 2, 0, 2, 0, 0, 0, 0), Instant.parse("2024-04-01T08:20:00Z"),
            false, null, null);
        try (Outbox o = new Outbox(c.notifications().outbox())) {
            o.bury(List.of(o.enqueue(group, 0)), "hook: HTTP 400");
        }
        CliTest.Result list = run("notify", "dead-letters", "--config", config.toString());
        assertEquals(0, list.exit(), list.err());
        String[] lines = list.out().split("\n");
        assertEquals(3, lines.length, list.out());
        assertEquals("1  hook  {}:{computer=\"evil?[2J host\"}  resolved critical  alerts=2  attempts=1  hook: HTTP 400", lines[1]);
        assertTrue(lines[2].startsWith("    alert " + s.id() + "  app-001.contoso.com  TEST from connwatch notify test"), lines[2]);
    }
}

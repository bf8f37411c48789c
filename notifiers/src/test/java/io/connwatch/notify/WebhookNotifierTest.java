package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification;
import io.connwatch.alert.ocsf.OcsfFinding;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.Counts;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import io.connwatch.notify.webhook.WebhookConfig;
import io.connwatch.notify.webhook.WebhookNotifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Webhooks to a real HTTP server on loopback that verifies the signature as a receiver would. */
class WebhookNotifierTest {
    private static final String SECRET = "whsec-0123456789";
    private static final String TOKEN = "tok-abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock SENT = Clock.fixed(Instant.parse("2024-04-01T08:16:02.123Z"), ZoneOffset.UTC);
    private LoopbackHttp server;

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackHttp();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Notifier webhook(String extra) throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email("""
            name: siem
            type: webhook
            url: %s
            signing-secret: %s
            bearer-token: %s
            headers: {X-Tenant: prod}
            %s
            """.formatted(server.uri("/hook?key=" + TOKEN), SECRET, TOKEN, extra), problems);
        assertEquals(List.of(), problems);
        return n;
    }

    /** A webhook receiver built directly, sending at a fixed time, in {@code version} with at most {@code maxAlerts}. */
    private WebhookNotifier fixed(int version, int maxAlerts) throws Exception {
        return new WebhookNotifier(new WebhookConfig("siem", server.uri("/hook"), Map.of(), null, null, null, null, Duration.ofSeconds(5),
            WebhookConfig.DEFAULT_MAX_BATCH, HttpSupport.Tls.DEFAULT, version, maxAlerts, true), SENT);
    }

    /** What a receiver does: recompute the HMAC over timestamp.body, compare in constant time, refuse old timestamps. */
    static boolean verify(LoopbackHttp.Request r, String secret, Duration tolerance) {
        String ts = r.header(WebhookNotifier.TIMESTAMP_HEADER);
        String sig = r.header(WebhookNotifier.SIGNATURE_HEADER);
        if (ts == null || sig == null) {
            return false;
        }
        long age = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(ts));
        String expected = WebhookNotifier.signature(secret, Long.parseLong(ts), r.body());
        return age <= tolerance.getSeconds()
            && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sig.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void postsTheVersionedPayloadSignedWithHeadersAndBearerAuth() throws Exception {
        Notification sent = Samples.notification("siem", Samples.alert("w1", Severity.HIGH));
        webhook("").deliver(sent);
        LoopbackHttp.Request r = server.requests().get(0);
        assertEquals("POST", r.method());
        assertTrue(verify(r, SECRET, Duration.ofMinutes(5)), "the receiver accepts the signature");
        String tampered = r.body().replace("\"high\"", "\"low\"");
        assertFalse(tampered.equals(r.body()));
        assertFalse(verify(new LoopbackHttp.Request(r.method(), r.path(), r.headers(), tampered), SECRET, Duration.ofMinutes(5)),
            "a changed body fails");
        assertFalse(verify(r, "another-secret", Duration.ofMinutes(5)));
        assertEquals("Bearer " + TOKEN, r.header("Authorization"));
        assertEquals("prod", r.header("X-Tenant"));
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals(sent.id(), r.header(WebhookNotifier.NOTIFICATION_ID_HEADER));
        JsonNode body = JSON.readTree(r.body());
        assertEquals("2", body.get("version").asText(), "version 2 by default");
        assertEquals(sent.id(), body.get("id").asText());
        assertEquals("firing", body.get("status").asText());
        assertEquals("siem", body.get("receiver").asText());
        JsonNode alert = body.get("alerts").get(0);
        assertEquals("w1", alert.get("id").asText());
        assertEquals("firing", alert.get("status").asText());
        assertEquals("high", alert.get("severity").asText());
        assertEquals("fp-w1", alert.get("fingerprint").asText());
        assertEquals("2024-04-01T08:15:00Z", alert.get("startsAt").asText());
        assertTrue(alert.get("endsAt").isNull());
        assertEquals("192.9.135.73", alert.get("evidence").get(0).get("fields").get("RemoteIp").asText());
        assertEquals("C2", alert.get("labels").get("threat_type").asText());
        assertEquals("Outbound connection from python3 to known C2 192.9.135.73:1194 <b>& co</b>",
            alert.get("annotations").get("summary").asText());
    }

    @ParameterizedTest(name = "HTTP {0} -> delivered")
    @ValueSource(ints = {200, 204})
    void successStatusesDeliverTheSignedNotificationOnce(int status) throws Exception {
        server.answer(r -> LoopbackHttp.Answer.of(status, status == 204 ? "" : "ok"));
        Notifier n = webhook("");
        assertDoesNotThrow(() -> n.deliver(Samples.notification("siem", Samples.alert("w", Severity.LOW))));
        List<LoopbackHttp.Request> received = server.requests();
        assertEquals(1, received.size(), "one request, no retry");
        LoopbackHttp.Request r = received.get(0);
        assertEquals("POST", r.method());
        assertEquals("/hook?key=" + TOKEN, r.path());
        assertTrue(verify(r, SECRET, Duration.ofMinutes(5)), "the receiver accepts the signature");
        JsonNode alerts = JSON.readTree(r.body()).get("alerts");
        assertEquals(1, alerts.size());
        assertEquals("w", alerts.get(0).get("id").asText());
        assertEquals("low", alerts.get(0).get("severity").asText());
    }

    @ParameterizedTest(name = "HTTP {0} -> retryable {1}")
    @CsvSource({"400, false", "401, false", "404, false", "410, false", "408, true", "429, true", "500, true",
        "502, true", "503, true"})
    void statusCodesDecideWhetherToRetry(int status, boolean retryable) throws Exception {
        server.answer(r -> LoopbackHttp.Answer.of(status, ""));
        Notifier n = webhook("");
        DeliveryException e = assertThrows(DeliveryException.class,
            () -> n.deliver(Samples.notification("siem", Samples.alert("w", Severity.LOW))));
        assertEquals(retryable, e.retryable());
        assertEquals("siem: HTTP " + status, e.getMessage());
    }

    @Test
    void retryAfterIsHonouredAndNoSecretAppearsInAnyError() throws Exception {
        server.answer(r -> new LoopbackHttp.Answer(503, "down", Map.of("Retry-After", "7")));
        DeliveryException e = assertThrows(DeliveryException.class,
            () -> webhook("").deliver(Samples.notification("siem", Samples.alert("w", Severity.LOW))));
        assertEquals(Duration.ofSeconds(7), e.retryAfter());
        server.close();
        DeliveryException down = assertThrows(DeliveryException.class,
            () -> webhook("timeout: 2s").deliver(Samples.notification("siem", Samples.alert("w", Severity.LOW))));
        assertTrue(down.retryable());
        for (DeliveryException x : List.of(e, down)) {
            assertFalse(x.getMessage().contains(TOKEN), x.getMessage());
            assertFalse(x.getMessage().contains(SECRET), x.getMessage());
            assertFalse(x.getMessage().contains("/hook"), x.getMessage());
        }
        assertNotNull(down.getMessage());
    }

    @Test
    void basicAuthAndOneRequestPerNotificationWhateverAnOldMaxBatchSays() throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email("""
            {name: b, type: webhook, url: '%s', basic-user: cw, basic-password: pw, max-batch: 5}
            """.formatted(server.uri("/b")), problems);
        assertEquals(List.of(), problems, "max-batch of earlier releases still loads");
        n.deliver(Samples.notification("b", Samples.alert("x", Severity.LOW), Samples.alert("y", Severity.LOW), Samples.alert("z",
            Severity.LOW)));
        assertEquals(1, server.requests().size());
        LoopbackHttp.Request r = server.requests().get(0);
        assertEquals("Basic Y3c6cHc=", r.header("Authorization"));
        assertEquals(3, JSON.readTree(r.body()).get("alerts").size());
        assertEquals(null, r.header(WebhookNotifier.SIGNATURE_HEADER), "unsigned without a secret");
    }

    /** Two alerts of the group computer=app-001.contoso.com: one new and firing, one resolved; acknowledged, with things held back. */
    static Notification twoAlertExample() {
        Alert firing = Samples.alert("w1", Severity.HIGH);
        Map<String, Object> intel = new LinkedHashMap<>();
        intel.put("Source", "feed");
        intel.put("Indicator", "45.9.148.3/32");
        intel.put("ThreatType", "C2");
        intel.put("Feeds", List.of("feodo"));
        Alert gone = new Alert("w2", "malicious-remote-ip-outbound", Severity.MEDIUM, "fp-w2", Instant.parse("2024-04-01T08:10:00.500Z"),
            Instant.parse("2024-04-01T08:10:01.250Z"), "app-001.contoso.com", "m-67ac", "curl",
            "Outbound connection from curl to known C2 45.9.148.3:443", Map.of("direction", "outbound", "threat_type", "C2"),
            List.of(new Evidence("ThreatIntel", Instant.parse("2024-04-01T08:10:00.500Z"), intel)));
        List<NotifiedAlert> alerts = List.of(
            new NotifiedAlert(firing, AlertStatus.FIRING, Instant.parse("2024-04-01T08:15:00Z"), null, true, 1, List.of(), List.of()),
            new NotifiedAlert(gone, AlertStatus.RESOLVED, Instant.parse("2024-04-01T08:10:00.500Z"),
                Instant.parse("2024-04-01T08:18:00.750Z"), true, 4, List.of(), List.of()));
        return new Notification("7c9e6679-7425-40de-944b-e07fc1f90ae7", "siem",
            "{}/{computer=~\".*\"}:{computer=\"app-001.contoso.com\"}", Map.of("computer", "app-001.contoso.com"), AlertStatus.FIRING,
            alerts, new Counts(1, 1, 1, 1, 0, 2, 1, 0), Instant.parse("2024-04-01T08:20:00Z"), false,
            new Notification.Acknowledgement("alice", "looking into it", Instant.parse("2024-04-01T08:19:30.900Z"),
                Instant.parse("2024-04-01T09:19:30Z")), "https://connwatch.example/ack/7c9e?sig=abc");
    }

    /** The version 2 payload of {@link #twoAlertExample()}, as the receiver gets it (golden). */
    static final String TWO_ALERT_V2 = "{\"version\":\"2\",\"id\":\"7c9e6679-7425-40de-944b-e07fc1f90ae7\","
        + "\"groupKey\":\"{}/{computer=~\\\".*\\\"}:{computer=\\\"app-001.contoso.com\\\"}\",\"status\":\"firing\",\"receiver\":\"siem\","
        + "\"groupLabels\":{\"computer\":\"app-001.contoso.com\"},"
        + "\"commonLabels\":{\"direction\":\"outbound\",\"threat_type\":\"C2\"},\"commonAnnotations\":{},\"truncatedAlerts\":0,"
        + "\"counts\":{\"firing\":1,\"resolved\":1,\"new\":1,\"silenced\":2,\"inhibited\":1,\"muted\":0},"
        + "\"acknowledged\":{\"by\":\"alice\",\"comment\":\"looking into it\",\"at\":\"2024-04-01T08:19:30Z\",\"until\":\"2024-04-01T09:19:30Z\"},"
        + "\"ackURL\":\"https://connwatch.example/ack/7c9e?sig=abc\","
        + "\"alerts\":[{\"id\":\"w1\",\"status\":\"firing\",\"startsAt\":\"2024-04-01T08:15:00Z\",\"endsAt\":null,\"fingerprint\":\"fp-w1\","
        + "\"rule\":\"malicious-remote-ip-outbound\",\"severity\":\"high\",\"computer\":\"app-001.contoso.com\",\"machine\":\"m-67ac\","
        + "\"process\":\"python3\",\"labels\":{\"direction\":\"outbound\",\"threat_type\":\"C2\"},"
        + "\"annotations\":{\"summary\":\"Outbound connection from python3 to known C2 192.9.135.73:1194 <b>& co</b>\"},"
        + "\"evidence\":[{\"kind\":\"VMConnection\",\"time\":\"2024-04-01T08:15:00Z\",\"fields\":{\"TimeGenerated\":\"2024-04-01T08:15:00Z\","
        + "\"RemoteIp\":\"192.9.135.73\",\"DestinationPort\":1194,\"ProcessName\":\"python3 <&>\"}}]},"
        + "{\"id\":\"w2\",\"status\":\"resolved\",\"startsAt\":\"2024-04-01T08:10:00Z\",\"endsAt\":\"2024-04-01T08:18:00Z\","
        + "\"fingerprint\":\"fp-w2\",\"rule\":\"malicious-remote-ip-outbound\",\"severity\":\"medium\",\"computer\":\"app-001.contoso.com\","
        + "\"machine\":\"m-67ac\",\"process\":\"curl\",\"labels\":{\"direction\":\"outbound\",\"threat_type\":\"C2\"},"
        + "\"annotations\":{\"summary\":\"Outbound connection from curl to known C2 45.9.148.3:443\"},"
        + "\"evidence\":[{\"kind\":\"ThreatIntel\",\"time\":\"2024-04-01T08:10:00Z\",\"fields\":{\"Source\":\"feed\","
        + "\"Indicator\":\"45.9.148.3/32\",\"ThreatType\":\"C2\",\"Feeds\":[\"feodo\"]}}]}]}";

    @Test
    void version2CarriesTheGroupItsCountsTheAcknowledgementAndEachAlertsStatus() throws Exception {
        Notification n = twoAlertExample();
        fixed(2, 0).deliver(n);
        LoopbackHttp.Request r = server.requests().get(0);
        assertEquals(TWO_ALERT_V2, r.body());
        assertEquals(n.id(), r.header(WebhookNotifier.NOTIFICATION_ID_HEADER));
        JsonNode body = JSON.readTree(r.body());
        assertEquals(List.of("version", "id", "groupKey", "status", "receiver", "groupLabels", "commonLabels", "commonAnnotations",
            "truncatedAlerts", "counts", "acknowledged", "ackURL", "alerts"), fieldNames(body));
        assertEquals(List.of("id", "status", "startsAt", "endsAt", "fingerprint", "rule", "severity", "computer", "machine", "process",
            "labels", "annotations", "evidence"), fieldNames(body.get("alerts").get(0)));
    }

    @Test
    void version2WithoutAnAcknowledgementSaysNullAndLeavesTheLinkOut() throws Exception {
        Notification n = Samples.group("siem", "web-01", List.of(Samples.firing(Samples.alert("a", Severity.LOW), true),
            Samples.firing(Samples.alert("b", Severity.LOW), false)), 0, 0, 0);
        JsonNode body = JSON.readTree(fixed(2, 0).payload(n));
        assertTrue(body.get("acknowledged").isNull());
        assertFalse(body.has("ackURL"));
        assertEquals("Outbound connection from python3 to known C2 192.9.135.73:1194 <b>& co</b>",
            body.get("commonAnnotations").get("summary").asText(), "the same summary on both: common");
        assertEquals(2, body.get("counts").get("firing").asInt());
        assertEquals(1, body.get("counts").get("new").asInt());
    }

    @Test
    void maxAlertsTruncatesTheListAndCountsWhatItLeftOut() throws Exception {
        List<NotifiedAlert> alerts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            alerts.add(Samples.firing(Samples.alert("t" + i, Severity.HIGH), true));
        }
        alerts.add(Samples.resolved(Samples.alert("gone", Severity.HIGH)));
        Notification n = Samples.group("siem", "web-01", alerts, 0, 0, 0);
        List<String> problems = new ArrayList<>();
        Notifier hook = EmailNotifierTest.email("{name: siem, type: webhook, url: '" + server.uri("/in") + "', max-alerts: 2}", problems);
        assertEquals(List.of(), problems);
        hook.deliver(n);
        JsonNode body = JSON.readTree(server.requests().get(0).body());
        assertEquals(4, body.get("truncatedAlerts").asInt());
        assertEquals(List.of("t0", "t1"), body.get("alerts").findValuesAsText("id"), "the first ones: firing before resolved");
        assertEquals(5, body.get("counts").get("firing").asInt(), "the counts are the group's, not the list's");

        Notifier all = EmailNotifierTest.email("{name: siem, type: webhook, url: '" + server.uri("/in") + "'}", problems);
        all.deliver(n);
        JsonNode whole = JSON.readTree(server.requests().get(1).body());
        assertEquals(0, whole.get("truncatedAlerts").asInt());
        assertEquals(6, whole.get("alerts").size(), "max-alerts 0 (the default): every alert");
    }

    @Test
    void maxAlertsNeedsVersion2AndOnlyVersions1And2Exist() throws Exception {
        List<String> problems = new ArrayList<>();
        assertNull(EmailNotifierTest.email("{name: h, type: webhook, url: 'http://127.0.0.1:9/', payload-version: 1, max-alerts: 5}",
            problems));
        assertNull(EmailNotifierTest.email("{name: h, type: webhook, url: 'http://127.0.0.1:9/', payload-version: 3}", problems));
        assertEquals(List.of(
            "notify.receivers[mail].max-alerts: needs payload-version 2 (version 1 cannot say how many alerts were left out)",
            "notify.receivers[mail].payload-version: expected 1 or 2, got '3'"), problems);
    }

    @Test
    void payloadOcsfPostsOneSignedDetectionFindingPerAlert() throws Exception {
        Notification n = Samples.group("siem", "web-01", List.of(Samples.firing(Samples.alert("o1", Severity.HIGH), true),
            Samples.resolved(Samples.alert("o2", Severity.LOW))), 0, 0, 0);
        webhook("payload: ocsf").deliver(n);
        LoopbackHttp.Request r = server.requests().get(0);
        assertTrue(verify(r, SECRET, Duration.ofMinutes(5)), "signed as any payload");
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals(n.id(), r.header(WebhookNotifier.NOTIFICATION_ID_HEADER));
        JsonNode findings = JSON.readTree(r.body());
        assertTrue(findings.isArray(), r.body());
        assertEquals(2, findings.size());
        assertEquals(JSON.readTree(OcsfFinding.toJson(OcsfFinding.of(n.alerts().get(0)))), findings.get(0));
        assertEquals(2004, findings.get(0).get("class_uid").asInt());
        assertEquals("Create", findings.get(0).get("activity_name").asText());
        assertEquals("fp-o1", findings.get(0).get("finding_info").get("uid").asText());
        assertEquals("Close", findings.get(1).get("activity_name").asText());
        assertEquals("Resolved", findings.get(1).get("status").asText());
        assertEquals("fp-o2", findings.get(1).get("finding_info").get("uid").asText());
    }

    @Test
    void payloadIsNativeOrOcsfAndOcsfTakesNoNativeOptions() throws Exception {
        List<String> problems = new ArrayList<>();
        assertNull(EmailNotifierTest.email("{name: h, type: webhook, url: 'http://127.0.0.1:9/', payload: ocsf, max-alerts: 5}", problems));
        assertNull(EmailNotifierTest.email("{name: h, type: webhook, url: 'http://127.0.0.1:9/', payload: cef}", problems));
        assertEquals(List.of(
            "notify.receivers[mail].payload: ocsf sends every alert as an OCSF finding: payload-version and max-alerts are for the "
                + "native payload",
            "notify.receivers[mail].payload: expected native or ocsf, got 'cef'"), problems);
        JsonNode nativeBody = JSON.readTree(((WebhookNotifier) webhook("payload: native")).payload(
            Samples.notification("siem", Samples.alert("w1", Severity.HIGH))));
        assertEquals("2", nativeBody.get("version").asText());
    }

    /** What WebhookNotifier sent for these two alerts before notifications (captured from that release, golden). */
    static final String TWO_ALERT_V1 = "{\"version\":\"1\",\"status\":\"firing\",\"receiver\":\"siem\",\"sentAt\":\"2024-04-01T08:16:02.123Z\","
        + "\"alerts\":[{\"id\":\"w1\",\"rule\":\"malicious-remote-ip-outbound\",\"severity\":\"high\",\"fingerprint\":\"fp-w1\","
        + "\"evidenceTime\":\"2024-04-01T08:15:00Z\",\"detectedAt\":\"2024-04-01T08:16:00Z\",\"computer\":\"app-001.contoso.com\","
        + "\"machine\":\"m-67ac\",\"process\":\"python3\",\"summary\":\"Outbound connection from python3 to known C2 192.9.135.73:1194 <b>& co</b>\","
        + "\"labels\":{\"direction\":\"outbound\",\"threat_type\":\"C2\"},\"evidence\":[{\"kind\":\"VMConnection\",\"time\":\"2024-04-01T08:15:00Z\","
        + "\"fields\":{\"TimeGenerated\":\"2024-04-01T08:15:00Z\",\"RemoteIp\":\"192.9.135.73\",\"DestinationPort\":1194,"
        + "\"ProcessName\":\"python3 <&>\"}}]},{\"id\":\"w2\",\"rule\":\"unexpected-wildcard-bind\",\"severity\":\"medium\","
        + "\"fingerprint\":\"fp-w2\",\"evidenceTime\":\"2024-04-01T08:17:30.250Z\",\"detectedAt\":\"2024-04-01T08:18:00.500Z\","
        + "\"computer\":null,\"machine\":\"m-67ad\",\"process\":null,\"summary\":\"summary \\\"quoted\\\" \u00e9\u2028\",\"labels\":{},"
        + "\"evidence\":[]}]}";

    @Test
    void version1IsThePayloadOfEarlierReleasesByteForByte() throws Exception {
        Alert second = new Alert("w2", "unexpected-wildcard-bind", Severity.MEDIUM, "fp-w2", Instant.parse("2024-04-01T08:17:30.250Z"),
            Instant.parse("2024-04-01T08:18:00.5Z"), null, "m-67ad", null, "summary \"quoted\" \u00e9\u2028", Map.of(), List.of());
        Notification n = Samples.notification("siem", Samples.alert("w1", Severity.HIGH), second);
        fixed(1, 0).deliver(n);
        LoopbackHttp.Request r = server.requests().get(0);
        assertEquals(TWO_ALERT_V1, r.body());
        assertEquals(n.id(), r.header(WebhookNotifier.NOTIFICATION_ID_HEADER), "the header comes with version 1 too");
    }

    @Test
    void version1ListsTheFiringAlertsOfAFiringGroupAndTheResolvedOnesOfAResolvedGroup() throws Exception {
        WebhookNotifier v1 = fixed(1, 0);
        Notification mixed = Samples.group("siem", "web-01", List.of(Samples.firing(Samples.alert("up", Severity.HIGH), true),
            Samples.resolved(Samples.alert("down", Severity.HIGH))), 0, 0, 0);
        JsonNode firing = JSON.readTree(v1.payload(mixed));
        assertEquals("firing", firing.get("status").asText());
        assertEquals(List.of("up"), firing.get("alerts").findValuesAsText("id"), "version 1 alerts have no status: only the firing");
        Notification over = Samples.group("siem", "web-01", List.of(Samples.resolved(Samples.alert("down", Severity.HIGH)),
            Samples.resolved(Samples.alert("gone", Severity.LOW))), 0, 0, 0);
        JsonNode resolved = JSON.readTree(v1.payload(over));
        assertEquals("resolved", resolved.get("status").asText());
        assertEquals(List.of("down", "gone"), resolved.get("alerts").findValuesAsText("id"));
    }

    @Test
    void aReceiverSlowerThanTheTimeoutGetsTheSameNotificationAgainWithTheSameId(@TempDir Path dir) throws Exception {
        CountDownLatch second = new CountDownLatch(1);
        List<String> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.answer(r -> {
            ids.add(r.header(WebhookNotifier.NOTIFICATION_ID_HEADER));
            if (ids.size() == 1) {
                try {
                    // the first request is answered only once the retry came: long after the notifier's timeout
                    second.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                second.countDown();
            }
            return LoopbackHttp.Answer.of(200, "");
        });
        List<String> problems = new ArrayList<>();
        Notifier hook = EmailNotifierTest.email("{name: siem, type: webhook, url: '" + server.uri("/in") + "', timeout: 1s}", problems);
        assertEquals(List.of(), problems);
        Outbox outbox = new Outbox(dir);
        Dispatcher d = new Dispatcher(outbox, List.of(hook), Map.of(),
            new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(20), 2, 0, 5), Clock.systemUTC());
        try (Delivery delivery = new Delivery(new Router(List.of(), List.of()), outbox, d, Clock.systemUTC())) {
            d.start();
            Notification n = Samples.notification("siem", Samples.alert("slow", Severity.HIGH));
            delivery.accept(n);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outbox.pending().isEmpty());
            assertEquals(List.of(n.id(), n.id()), ids, "delivered twice, with the id the receiver deduplicates by");
            assertEquals(1, d.counters("siem").delivered.get());
            assertEquals(1, d.counters("siem").failures.get());
        }
        List<String> bodyIds = server.requests().stream().map(r -> {
            try {
                return JSON.readTree(r.body()).get("id").asText();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        assertEquals(List.of(ids.get(0), ids.get(0)), bodyIds);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}

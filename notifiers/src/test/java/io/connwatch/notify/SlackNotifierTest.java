package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Severity;
import io.connwatch.notify.slack.SlackConfig;
import io.connwatch.notify.slack.SlackNotifier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Slack incoming webhooks against a loopback server that answers as Slack does. */
class SlackNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private LoopbackHttp slack;
    private String path;

    @BeforeEach
    void start() throws Exception {
        slack = new LoopbackHttp();
        path = "/services/T000/B000/XXXXSECRETXXXX";
    }

    @AfterEach
    void stop() {
        slack.close();
    }

    private Notifier notifier() throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email("{name: sec, type: slack, url: '" + slack.uri(path) + "', max-alerts-per-message: 3}", problems);
        assertEquals(List.of(), problems);
        return n;
    }

    @Test
    void sendsBlockKitWithSeverityFieldsEvidenceAndAFallback() throws Exception {
        notifier().deliver(List.of(Samples.alert("s1", Severity.CRITICAL), Samples.alert("s2", Severity.LOW)));
        JsonNode msg = JSON.readTree(slack.requests().get(0).body());
        assertTrue(msg.get("text").asText().startsWith("CRITICAL malicious-remote-ip-outbound on app-001.contoso.com: Outbound connection"),
            msg.get("text").asText());
        assertEquals("2 connwatch alerts", msg.get("blocks").get(0).get("text").get("text").asText());
        JsonNode section = msg.get("blocks").get(1);
        assertEquals("section", section.get("type").asText());
        String text = section.get("text").get("text").asText();
        assertTrue(text.startsWith(":red_circle: *CRITICAL* Outbound connection"), text);
        assertTrue(text.endsWith("&lt;b&gt;&amp; co&lt;/b&gt;"), "mrkdwn control characters escaped: " + text);
        assertEquals("*Rule*\nmalicious-remote-ip-outbound", section.get("fields").get(0).get("text").asText());
        assertEquals("*Computer*\napp-001.contoso.com", section.get("fields").get(1).get("text").asText());
        String context = msg.get("blocks").get(2).get("elements").get(0).get("text").asText();
        assertEquals("VMConnection remote 192.9.135.73 port 1194 | fingerprint `fp-s1`", context);
        assertTrue(msg.get("blocks").get(4).get("text").get("text").asText().startsWith(":large_blue_circle: *LOW*"));
    }

    @ParameterizedTest(name = "{0} {1} -> retryable {2}")
    @CsvSource({"400, invalid_payload, false", "403, invalid_token, false", "404, no_service, false", "410, channel_is_archived, false",
        "500, '', true", "503, '', true"})
    void slacksAnswersDecideWhetherToRetry(int status, String body, boolean retryable) throws Exception {
        slack.answer(r -> LoopbackHttp.Answer.of(status, body));
        DeliveryException e = assertThrows(DeliveryException.class, () -> notifier().deliver(List.of(Samples.alert("s", Severity.LOW))));
        assertEquals(retryable, e.retryable());
        assertEquals(("sec: HTTP " + status + " " + body).strip(), e.getMessage());
        assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
    }

    @Test
    void asksTheDispatcherForItsMinimumIntervalWhileOtherChannelsAskNone() throws Exception {
        assertEquals(Duration.ofSeconds(1), notifier().minInterval(), "Slack's rate for a webhook by default");
        List<String> problems = new ArrayList<>();
        Notifier slow = EmailNotifierTest.email("{name: sec, type: slack, url: '" + slack.uri(path) + "', min-interval: 5s}", problems);
        assertEquals(Duration.ofSeconds(5), slow.minInterval());
        Notifier hook = EmailNotifierTest.email("{name: hook, type: webhook, url: '" + slack.uri("/hook") + "'}", problems);
        assertEquals(Duration.ZERO, hook.minInterval());
        assertEquals(List.of(), problems);
    }

    @Test
    void honours429RetryAfter() throws Exception {
        slack.answer(r -> new LoopbackHttp.Answer(429, "rate_limited", Map.of("Retry-After", "30")));
        DeliveryException e = assertThrows(DeliveryException.class, () -> notifier().deliver(List.of(Samples.alert("s", Severity.LOW))));
        assertTrue(e.retryable());
        assertEquals(Duration.ofSeconds(30), e.retryAfter());
    }

    /**
     * An alert whose host-supplied values (computer, process, summary, evidence values) are
     * {@code size} characters of mrkdwn control characters and text, or the usual sample when 0.
     */
    static Alert hostile(String id, int size) {
        if (size == 0) {
            return Samples.alert(id, Severity.HIGH);
        }
        String filler = "<&>x".repeat(size / 4 + 1).substring(0, size);
        Map<String, Object> conn = new LinkedHashMap<>();
        conn.put("RemoteIp", filler);
        conn.put("DestinationPort", filler);
        conn.put("Indicator", filler);
        conn.put("ProcessName", filler);
        List<Evidence> evidence = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            evidence.add(new Evidence("VMConnection", Instant.parse("2024-04-01T08:15:00Z"), conn));
        }
        return new Alert(id, "malicious-remote-ip-outbound", Severity.CRITICAL, "fp-" + id, Instant.parse("2024-04-01T08:15:00Z"),
            Instant.parse("2024-04-01T08:16:00Z"), filler, "m-" + filler, filler, filler, Map.of("direction", "outbound"), evidence);
    }

    /** Answers as Slack does: 400 invalid_payload for a message beyond Block Kit's limits, else 200 ok. */
    private final List<List<String>> breaches = new CopyOnWriteArrayList<>();

    private LoopbackHttp.Answer asSlack(LoopbackHttp.Request r) {
        List<String> b = SlackLimits.breaches(r.body());
        breaches.add(b);
        return b.isEmpty() ? LoopbackHttp.Answer.of(200, "ok") : LoopbackHttp.Answer.of(400, "invalid_payload");
    }

    /** The fingerprints of the alerts the received messages carried, in order. */
    private List<String> fingerprintsReceived() throws Exception {
        List<String> out = new ArrayList<>();
        Pattern fp = Pattern.compile("fingerprint `([^`]+)`");
        for (LoopbackHttp.Request r : slack.requests()) {
            for (JsonNode block : JSON.readTree(r.body()).get("blocks")) {
                if (block.path("type").asText().equals("context")) {
                    Matcher m = fp.matcher(block.get("elements").get(0).get("text").asText());
                    assertTrue(m.find(), block.toString());
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "values of {0} characters, {1} alerts per message")
    @CsvSource({"0, 1", "0, 3", "0, 20", "0, 100", "3500, 1", "3500, 20", "3500, 100", "100000, 1", "100000, 20", "100000, 100"})
    void everyMessageKeepsWithinSlacksLimits(int size, int perMessage) throws Exception {
        slack.answer(this::asSlack);
        SlackNotifier n = new SlackNotifier(new SlackConfig("sec", slack.uri(path), perMessage, Duration.ZERO, Duration.ofSeconds(10)),
            new Templates(null));
        List<Alert> batch = new ArrayList<>();
        List<String> fingerprints = new ArrayList<>();
        for (int i = 0; i < perMessage; i++) {
            batch.add(hostile("h" + i, size));
            fingerprints.add("fp-h" + i);
        }
        for (int from = 0; from < batch.size(); from += n.maxBatch()) {
            n.deliver(batch.subList(from, Math.min(batch.size(), from + n.maxBatch())));
        }
        n.deliver(batch); // a caller may hand it more than maxBatch: it splits
        assertFalse(breaches.isEmpty());
        for (List<String> b : breaches) {
            assertEquals(List.of(), b);
        }
        List<String> twice = new ArrayList<>(fingerprints);
        twice.addAll(fingerprints);
        assertEquals(twice, fingerprintsReceived(), "every alert once per delivery, in order");
        for (String message : n.messages(batch)) {
            assertEquals(List.of(), SlackLimits.breaches(message), "preview and delivery build the same messages");
        }
    }

    @Test
    void aCutValueEndsWithAnEllipsisAndKeepsItsEscapesWhole() throws Exception {
        slack.answer(this::asSlack);
        notifier().deliver(List.of(hostile("long", 3500)));
        JsonNode section = JSON.readTree(slack.requests().get(0).body()).get("blocks").get(0);
        String text = section.get("text").get("text").asText();
        assertTrue(text.length() <= SlackLimits.MAX_SECTION_TEXT && text.length() > SlackLimits.MAX_SECTION_TEXT - 6, text);
        assertTrue(text.startsWith(":red_circle: *CRITICAL* &lt;&amp;&gt;x"), text);
        assertTrue(text.endsWith("…"), text);
        assertTrue(text.matches("(?s).*(&lt;|&amp;|&gt;|x)…"), "no entity cut in half: " + text.substring(text.length() - 10));
        String process = section.get("fields").get(2).get("text").asText();
        assertTrue(process.startsWith("*Process*\n&lt;&amp;&gt;x"), process);
        assertTrue(process.length() <= SlackLimits.MAX_FIELD_TEXT && process.endsWith("…"), process);
        String context = JSON.readTree(slack.requests().get(0).body()).get("blocks").get(1).get("elements").get(0).get("text").asText();
        assertTrue(context.endsWith("… | fingerprint `fp-long`"), "the fingerprint survives a cut evidence summary: " + context);
    }

    @Test
    void aBatchSlackRejectedBeforeIsDeliveredInFullThroughTheOutbox(@TempDir Path dir) throws Exception {
        slack.answer(this::asSlack);
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email("{name: sec, type: slack, url: '" + slack.uri(path)
            + "', max-alerts-per-message: 20, min-interval: 0s}", problems);
        assertEquals(List.of(), problems);
        Outbox outbox = new Outbox(dir);
        Dispatcher d = new Dispatcher(outbox, List.of(n), Map.of(), RetryPolicy.DEFAULT, Clock.systemUTC());
        try (Delivery delivery = new Delivery(new Router(List.of(), List.of("sec")), outbox, d, Clock.systemUTC())) {
            d.start();
            List<String> fingerprints = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Alert a = hostile("b" + i, 0);
                Alert big = new Alert(a.id(), a.rule(), a.severity(), a.fingerprint(), a.evidenceTime(), a.detectedAt(), a.computer(),
                    a.machine(), "p".repeat(3500), a.summary(), a.labels(), a.evidence());
                delivery.accept(big);
                fingerprints.add(big.fingerprint());
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outbox.pending().isEmpty());
            assertEquals(List.of(), outbox.deadLetters().stream().map(OutboxEntry::lastError).toList());
            assertEquals(fingerprints, fingerprintsReceived(), "each alert once, oldest first");
            assertEquals(20, d.counters("sec").delivered.get());
        }
        for (List<String> b : breaches) {
            assertEquals(List.of(), b);
        }
    }
}

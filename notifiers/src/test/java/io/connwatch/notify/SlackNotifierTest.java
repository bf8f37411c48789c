package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.Counts;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import io.connwatch.notify.slack.SlackConfig;
import io.connwatch.notify.slack.SlackNotifier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
    private static final Pattern FINGERPRINT = Pattern.compile("fingerprint `([^`]+)`$");
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

    private JsonNode received(int i) throws Exception {
        return JSON.readTree(slack.requests().get(i).body());
    }

    private static String context(JsonNode block) {
        assertEquals("context", block.get("type").asText(), block.toString());
        return block.get("elements").get(0).get("text").asText();
    }

    @Test
    void sendsOneBlockKitMessageWithSeverityFieldsEvidenceAndAFallback() throws Exception {
        notifier().deliver(Samples.notification("sec", Samples.alert("s1", Severity.CRITICAL), Samples.alert("s2", Severity.LOW)));
        assertEquals(1, slack.requests().size(), "one message for the notification");
        JsonNode msg = received(0);
        assertEquals("FIRING 2 (2 new) CRITICAL\nCRITICAL malicious-remote-ip-outbound on app-001.contoso.com: Outbound connection from "
            + "python3 to known C2 192.9.135.73:1194 &lt;b&gt;&amp; co&lt;/b&gt;\nLOW malicious-remote-ip-outbound on app-001.contoso.com: "
            + "Outbound connection from python3 to known C2 192.9.135.73:1194 &lt;b&gt;&amp; co&lt;/b&gt;", msg.get("text").asText());
        assertEquals(":red_circle: FIRING 2 (2 new)", msg.get("blocks").get(0).get("text").get("text").asText());
        assertEquals("Worst severity *CRITICAL*", context(msg.get("blocks").get(1)));
        JsonNode section = msg.get("blocks").get(2);
        assertEquals("section", section.get("type").asText());
        String text = section.get("text").get("text").asText();
        assertTrue(text.startsWith(":red_circle: *CRITICAL* Outbound connection"), text);
        assertTrue(text.endsWith("&lt;b&gt;&amp; co&lt;/b&gt;"), "mrkdwn control characters escaped: " + text);
        assertEquals("*Rule*\nmalicious-remote-ip-outbound", section.get("fields").get(0).get("text").asText());
        assertEquals("*Computer*\napp-001.contoso.com", section.get("fields").get(1).get("text").asText());
        assertEquals("*Process*\npython3", section.get("fields").get(2).get("text").asText());
        assertEquals("*Since*\n2024-04-01 08:15:00 UTC", section.get("fields").get(3).get("text").asText());
        assertEquals("Connection: remote 192.9.135.73, port 1194, process python3 &lt;&amp;&gt; | fingerprint `fp-s1`",
            context(msg.get("blocks").get(3)), "evidence in words, not its kind's name");
        assertEquals("divider", msg.get("blocks").get(4).get("type").asText());
        assertTrue(msg.get("blocks").get(5).get("text").get("text").asText().startsWith(":large_blue_circle: *LOW*"));
        assertEquals(8, msg.get("blocks").size(), "nothing counted at the end: all shown, nothing held back");
    }

    @Test
    void anAlertsAttackIdsAreAFieldOfItsSection() throws Exception {
        Alert plain = Samples.alert("s1", Severity.HIGH);
        Map<String, String> labels = new java.util.HashMap<>(plain.labels());
        labels.put("tactic", "TA0011");
        labels.put("technique", "T1071");
        Alert tagged = new Alert(plain.id(), plain.rule(), plain.severity(), plain.fingerprint(), plain.evidenceTime(), plain.detectedAt(),
            plain.computer(), plain.machine(), plain.process(), plain.summary(), labels, plain.evidence());
        notifier().deliver(Samples.notification("sec", tagged));
        JsonNode fields = received(0).get("blocks").get(2).get("fields");
        assertEquals("*Since*\n2024-04-01 08:15:00 UTC", fields.get(3).get("text").asText());
        assertEquals("*ATT&amp;CK*\nTA0011 / T1071", fields.get(4).get("text").asText());
    }

    @Test
    void theHeaderCountsTheGroupAndNamesItAndNewAlertsAreMarkedAmongOldOnes() throws Exception {
        Notification n = Samples.group("sec", "web-01", List.of(
            Samples.firing(Samples.alert("a", Severity.HIGH), true), Samples.firing(Samples.alert("b", Severity.CRITICAL), true),
            Samples.firing(Samples.alert("c", Severity.LOW), false), Samples.resolved(Samples.alert("d", Severity.HIGH))), 0, 0, 0);
        notifier().deliver(n);
        JsonNode blocks = received(0).get("blocks");
        assertEquals(":red_circle: FIRING 3 (2 new) \u00b7 1 resolved \u2014 computer=web-01", blocks.get(0).get("text").get("text").asText());
        assertEquals("Worst severity *CRITICAL* \u00b7 computer=web-01", context(blocks.get(1)));
        assertTrue(blocks.get(2).get("text").get("text").asText().startsWith(":large_orange_circle: *HIGH* _new_ Outbound"));
        assertTrue(blocks.get(8).get("text").get("text").asText().startsWith(":large_blue_circle: *LOW* Outbound"), "not new: unmarked");
        assertEquals("*Since*\n2024-04-01 08:15:00 UTC (3 times)", blocks.get(8).get("fields").get(3).get("text").asText());
        assertEquals("and 1 more", context(blocks.get(blocks.size() - 1)), "three shown (max-alerts-per-message), the resolved one counted");
    }

    @Test
    void aResolvedGroupIsGreenAndSaysResolved() throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email("{name: sec, type: slack, url: '" + slack.uri(path) + "', send-resolved: true}", problems);
        assertEquals(List.of(), problems);
        assertTrue(n.sendResolved());
        n.deliver(Samples.group("sec", "web-01", List.of(Samples.resolved(Samples.alert("a", Severity.HIGH)),
            Samples.resolved(Samples.alert("b", Severity.MEDIUM))), 0, 0, 0));
        JsonNode msg = received(0);
        assertEquals(":large_green_circle: RESOLVED 2 \u2014 computer=web-01", msg.get("blocks").get(0).get("text").get("text").asText());
        assertEquals("Resolved, was *HIGH* \u00b7 computer=web-01", context(msg.get("blocks").get(1)));
        JsonNode section = msg.get("blocks").get(2);
        assertTrue(section.get("text").get("text").asText().startsWith(":large_green_circle: *RESOLVED* (HIGH) Outbound"),
            section.toString());
        assertEquals("*Resolved*\n2024-04-01 08:20:00 UTC", section.get("fields").get(3).get("text").asText());
        assertTrue(msg.get("text").asText().startsWith("RESOLVED 2 HIGH \u2014 computer=web-01\nRESOLVED HIGH malicious"),
            msg.get("text").asText());
    }

    @Test
    void anAcknowledgeLinkIsAButtonAndAnAcknowledgementAndHeldBackAlertsAreSaid() throws Exception {
        slack.answer(this::asSlack);
        Notification n = Samples.withAck(Samples.group("sec", "web-01", List.of(Samples.firing(Samples.alert("a", Severity.HIGH), false)),
            3, 1, 0), new Notification.Acknowledgement("alice", "on it", Instant.parse("2024-04-01T08:19:00Z"),
            Instant.parse("2024-04-01T09:19:00Z")), "https://connwatch.example/ack/a1?sig=x");
        notifier().deliver(n);
        JsonNode blocks = received(0).get("blocks");
        assertEquals("Worst severity *HIGH* \u00b7 computer=web-01 \u00b7 acknowledged by alice at 2024-04-01 08:19:00 UTC until "
            + "2024-04-01 09:19:00 UTC: on it", context(blocks.get(1)));
        JsonNode button = blocks.get(2).get("elements").get(0);
        assertEquals("actions", blocks.get(2).get("type").asText());
        assertEquals("Acknowledge", button.get("text").get("text").asText());
        assertEquals("https://connwatch.example/ack/a1?sig=x", button.get("url").asText());
        assertEquals("3 silenced, 1 inhibited since the last message", context(blocks.get(blocks.size() - 1)));
        assertEquals(List.of(List.of()), breaches);
    }

    @ParameterizedTest(name = "{0} {1} -> retryable {2}")
    @CsvSource({"400, invalid_payload, false", "403, invalid_token, false", "404, no_service, false", "410, channel_is_archived, false",
        "500, '', true", "503, '', true"})
    void slacksAnswersDecideWhetherToRetry(int status, String body, boolean retryable) throws Exception {
        slack.answer(r -> LoopbackHttp.Answer.of(status, body));
        DeliveryException e = assertThrows(DeliveryException.class,
            () -> notifier().deliver(Samples.notification("sec", Samples.alert("s", Severity.LOW))));
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
        DeliveryException e = assertThrows(DeliveryException.class,
            () -> notifier().deliver(Samples.notification("sec", Samples.alert("s", Severity.LOW))));
        assertTrue(e.retryable());
        assertEquals(Duration.ofSeconds(30), e.retryAfter());
    }

    /** One filler per size, shared by every alert of a test: a thousand alerts of 100,000-character values cost one string. */
    private static final Map<Integer, String> FILLERS = new HashMap<>();

    private static synchronized String filler(int size) {
        return FILLERS.computeIfAbsent(size, s -> "<&>x".repeat(s / 4 + 1).substring(0, s));
    }

    /**
     * An alert whose host-supplied values (computer, process, summary, evidence values) are
     * {@code size} characters of mrkdwn control characters and text, or the usual sample when 0.
     */
    static Alert hostile(String id, int size) {
        if (size == 0) {
            return Samples.alert(id, Severity.HIGH);
        }
        String filler = filler(size);
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
        for (LoopbackHttp.Request r : slack.requests()) {
            JsonNode blocks = JSON.readTree(r.body()).get("blocks");
            for (int i = 0; i < blocks.size(); i++) {
                if (blocks.get(i).path("type").asText().equals("section")) {
                    Matcher m = FINGERPRINT.matcher(context(blocks.get(i + 1)));
                    assertTrue(m.find(), blocks.get(i + 1).toString());
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "values of {0} characters, a group of {1} alerts")
    @CsvSource({"0, 1", "0, 3", "0, 20", "0, 100", "0, 1000", "3500, 1", "3500, 3", "3500, 20", "3500, 100", "3500, 1000",
        "100000, 1", "100000, 3", "100000, 20", "100000, 100", "100000, 1000"})
    void everyMessageKeepsWithinSlacksLimits(int size, int groupSize) throws Exception {
        slack.answer(this::asSlack);
        SlackNotifier n = new SlackNotifier(new SlackConfig("sec", slack.uri(path), 40, Duration.ZERO, Duration.ofSeconds(10), true),
            new Templates(null));
        List<NotifiedAlert> alerts = new ArrayList<>();
        List<String> fingerprints = new ArrayList<>();
        for (int i = 0; i < groupSize; i++) {
            Alert a = hostile("h" + i, size);
            // the second half resolved: firing ones come first, as the lifecycle orders them
            alerts.add(i < (groupSize + 1) / 2 ? Samples.firing(a, i % 2 == 0) : Samples.resolved(a));
            fingerprints.add(a.fingerprint());
        }
        String label = size == 0 ? "web-01" : filler(size);
        int firing = (groupSize + 1) / 2;
        Notification group = Samples.withAck(new Notification("n-" + groupSize, "sec", "{}:{computer=\"" + label + "\"}",
            Map.of("computer", label, "rule", label), AlertStatus.FIRING, alerts,
            new Counts(firing, groupSize - firing, (firing + 1) / 2, groupSize - firing, 0, 3, 1, 2), Samples.AT, true, null, null),
            new Notification.Acknowledgement(label, label, Samples.AT, null), "https://connwatch.example/ack/" + "a".repeat(200));
        n.deliver(group);
        assertEquals(1, slack.requests().size(), "one message for the group, however big");
        assertEquals(List.of(List.of()), breaches);
        int shown = Math.min(groupSize, SlackNotifier.ALERTS_PER_MESSAGE);
        assertEquals(fingerprints.subList(0, shown), fingerprintsReceived(), "the first alerts, in order");
        JsonNode blocks = received(0).get("blocks");
        String last = context(blocks.get(blocks.size() - 1));
        assertEquals(groupSize > shown ? "and " + (groupSize - shown) + " more; 3 silenced, 1 inhibited, 2 muted"
            : "3 silenced, 1 inhibited, 2 muted since the last message", last);
        assertEquals(slack.requests().get(0).body(), n.message(group), "preview and delivery build the same message");
    }

    @Test
    void aCutValueEndsWithAnEllipsisAndKeepsItsEscapesWhole() throws Exception {
        slack.answer(this::asSlack);
        notifier().deliver(Samples.notification("sec", hostile("long", 3500)));
        JsonNode blocks = received(0).get("blocks");
        JsonNode section = blocks.get(2);
        String text = section.get("text").get("text").asText();
        assertTrue(text.length() <= SlackLimits.MAX_SECTION_TEXT && text.length() > SlackLimits.MAX_SECTION_TEXT - 6, text);
        assertTrue(text.startsWith(":red_circle: *CRITICAL* &lt;&amp;&gt;x"), text);
        assertTrue(text.endsWith("…"), text);
        assertTrue(text.matches("(?s).*(&lt;|&amp;|&gt;|x)…"), "no entity cut in half: " + text.substring(text.length() - 10));
        String process = section.get("fields").get(2).get("text").asText();
        assertTrue(process.startsWith("*Process*\n&lt;&amp;&gt;x"), process);
        assertTrue(process.length() <= SlackLimits.MAX_FIELD_TEXT && process.endsWith("…"), process);
        String context = context(blocks.get(3));
        assertTrue(context.endsWith("… | fingerprint `fp-long`"), "the fingerprint survives a cut evidence summary: " + context);
        String header = blocks.get(0).get("text").get("text").asText();
        assertTrue(header.startsWith(":red_circle: FIRING 1 (1 new) \u2014 malicious-remote-ip-outbound on <&>x<&>x"),
            "plain text: nothing to escape: " + header);
        assertTrue(header.length() <= SlackLimits.MAX_HEADER_TEXT && header.endsWith("…"), header);
        assertEquals(List.of(List.of()), breaches);
    }

    @Test
    void alertsQueuedOneByOneAndAGroupOfThemAreDeliveredInFullThroughTheOutbox(@TempDir Path dir) throws Exception {
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
            List<NotifiedAlert> grouped = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Alert a = hostile("b" + i, 0);
                Alert big = new Alert(a.id(), a.rule(), a.severity(), a.fingerprint(), a.evidenceTime(), a.detectedAt(), a.computer(),
                    a.machine(), "p".repeat(3500), a.summary(), a.labels(), a.evidence());
                delivery.accept(big);
                fingerprints.add(big.fingerprint());
                grouped.add(Samples.firing(big, true));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outbox.pending().isEmpty() && slack.requests().size() == 20);
            delivery.accept(Samples.group("sec", "app-001.contoso.com", grouped, 0, 0, 0));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outbox.pending().isEmpty() && slack.requests().size() == 21);
            assertEquals(List.of(), outbox.deadLetters().stream().map(OutboxEntry::lastError).toList());
            List<String> expected = new ArrayList<>(fingerprints);
            expected.addAll(fingerprints.subList(0, SlackNotifier.ALERTS_PER_MESSAGE));
            assertEquals(expected, fingerprintsReceived(), "each alert once, oldest first; then the group's first ones in one message");
            assertEquals(21, d.counters("sec").delivered.get());
            assertEquals(40, d.counters("sec").alertsDelivered.get());
        }
        for (List<String> b : breaches) {
            assertEquals(List.of(), b);
        }
    }

    @Test
    void resolvedNotificationsAreOffByDefaultAsAlertmanagersSlack() throws Exception {
        assertFalse(notifier().sendResolved());
    }
}

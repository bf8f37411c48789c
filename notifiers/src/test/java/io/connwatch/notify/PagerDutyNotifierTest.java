package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import io.connwatch.config.Settings;
import io.connwatch.notify.pagerduty.PagerDutyNotifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PagerDuty Events API v2 against a loopback stand-in that implements its contract. */
class PagerDutyNotifierTest {
    private static final String KEY = "R0UT1NGKEYs3cret0000000000000077";
    private static final String GROUP_KEY = "{}/{computer=~\"*\"}:{computer=\"app-001.contoso.com\"}";

    @TempDir
    Path dir;
    private PagerDutyStandIn pagerduty;
    private ReceiverHarness harness;

    @BeforeEach
    void start() throws Exception {
        pagerduty = new PagerDutyStandIn(KEY);
        harness = new ReceiverHarness();
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
        pagerduty.close();
    }

    private Notifier notifier(String key) throws Exception {
        return ReceiverHarness.receiver("{name: pager, type: pagerduty, routing-key: " + key + ", url: '" + pagerduty.uri("/v2/enqueue")
            + "', client-url: 'https://connwatch.contoso.com/console'}");
    }

    @Test
    void aFiringGroupIsOneTriggerEventKeyedByItsGroupWithItsAlertsAndTheirAttackLabels() throws Exception {
        Notifier n = notifier(KEY);
        n.deliver(ReceiverHarness.firingGroup("pager"));
        List<PagerDutyStandIn.Event> events = pagerduty.events();
        assertEquals(1, events.size());
        JsonNode sent = events.get(0).body();
        JsonNode golden = ReceiverHarness.golden("pagerduty-trigger.json");
        ((com.fasterxml.jackson.databind.node.ObjectNode) golden).put("routing_key", KEY);
        assertEquals(golden, sent, sent.toString());
        assertEquals("triggered", pagerduty.incident(GROUP_KEY));
        assertEquals(n.preview(ReceiverHarness.firingGroup("pager")).orElseThrow(),
            events.get(0).body().toString().replace(KEY, PagerDutyNotifier.REDACTED),
            "the preview is what is sent, the routing key hidden");
    }

    @Test
    void aGroupThatFiresThenResolvesClosesItsIncidentThroughTheOutbox() throws Exception {
        Delivery d = harness.delivery(dir, notifier(KEY));
        d.accept(ReceiverHarness.firingGroup("pager"));
        d.accept(ReceiverHarness.resolvedGroup("pager"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().isEmpty() && pagerduty.events().size() == 2);
        assertEquals(List.of("trigger", "resolve"), pagerduty.events().stream().map(PagerDutyStandIn.Event::action).toList());
        assertEquals(List.of(GROUP_KEY, GROUP_KEY), pagerduty.events().stream().map(PagerDutyStandIn.Event::dedupKey).toList(),
            "one dedup key, the group's: the resolve closes what the trigger opened");
        assertEquals(List.of(GROUP_KEY), pagerduty.resolved());
        assertNull(pagerduty.incident(GROUP_KEY), "no incident left open");
        assertEquals(ReceiverHarness.golden("pagerduty-resolve.json").toString().replace("<routing-key>", KEY),
            pagerduty.events().get(1).body().toString());
    }

    @Test
    void anAcknowledgedGroupAcknowledgesItsIncidentAfterTheTrigger() throws Exception {
        Notifier n = notifier(KEY);
        n.deliver(ReceiverHarness.acknowledged(ReceiverHarness.firingGroup("pager")));
        assertEquals(List.of("trigger", "acknowledge"), pagerduty.events().stream().map(PagerDutyStandIn.Event::action).toList());
        assertEquals("acknowledged", pagerduty.incident(GROUP_KEY));
        JsonNode trigger = pagerduty.events().get(0).body();
        assertEquals("acknowledged by alice at 2024-04-01 08:19:00 UTC: on it",
            trigger.path("payload").path("custom_details").path("acknowledged").asText());
        assertEquals("https://connwatch.example/ack?g=abc&exp=1&sig=def", trigger.path("links").get(0).path("href").asText());
        assertEquals("{\"routing_key\":\"" + KEY + "\",\"event_action\":\"acknowledge\",\"dedup_key\":" + StandIn.JSON.valueToTree(
            GROUP_KEY) + "}", pagerduty.events().get(1).body().toString());
    }

    @Test
    void rateLimitedOnceItWaitsForRetryAfterThenDelivers() throws Exception {
        pagerduty.throttle(1, "1");
        Delivery d = harness.delivery(dir, notifier(KEY));
        d.accept(ReceiverHarness.firingGroup("pager"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().isEmpty());
        assertEquals(2, pagerduty.requests().size(), "refused once with 429, then accepted");
        assertEquals(1, pagerduty.events().size());
        assertEquals(List.of(), d.outbox().deadLetters());
        assertEquals(1, d.dispatcher().counters("pager").failures.get());
    }

    @Test
    void anInvalidEventIsADeadLetterWithPagerDutysReasonAndNoKeyAnywhere() throws Exception {
        Delivery d = harness.delivery(dir, notifier("WRONGs3cretKEY00000000000000077"));
        d.accept(ReceiverHarness.firingGroup("pager"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().deadLetters().size() == 1);
        OutboxEntry dead = d.outbox().deadLetters().get(0);
        assertEquals("pager: HTTP 400 Event object is invalid: Invalid routing key", dead.lastError());
        assertEquals(1, dead.attempts(), "a 400 is not retried");
        assertEquals(1, pagerduty.requests().size());
        for (String line : harness.logLines()) {
            assertFalse(line.contains("s3cret"), "a routing key leaked into the log: " + line);
        }
    }

    @ParameterizedTest(name = "HTTP {0} -> retryable {1}")
    @CsvSource({"400, false", "401, false", "403, false", "404, false", "413, false", "429, true", "500, true", "502, true", "503, true"})
    void pagerDutysAnswersDecideWhetherToRetry(int status, boolean retryable) throws Exception {
        pagerduty.force(status, "{\"status\":\"error\",\"message\":\"refused " + KEY + "\"}");
        DeliveryException e = assertThrows(DeliveryException.class, () -> notifier(KEY).deliver(ReceiverHarness.firingGroup("pager")));
        assertEquals(retryable, e.retryable());
        assertEquals("pager: HTTP " + status, e.getMessage(), "a reason that quotes the key is not shown");
    }

    @Test
    void aHugeGroupStaysWithinPagerDutysLimitsAndSaysWhatWasLeftOut() throws Exception {
        String big = "x".repeat(100_000);
        Map<String, Object> fields = Map.of("RemoteIp", big, "DestinationPort", 443);
        List<NotifiedAlert> alerts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Alert a = new Alert("h" + i, "malicious-remote-ip-outbound", Severity.HIGH, "fp-h" + i, Samples.AT, Samples.AT, big, "m-1", big,
                big, Map.of("tactic", "TA0011", "technique", "T1071", "note", big), List.of(new Evidence("VMConnection", Samples.AT, fields)));
            alerts.add(Samples.firing(a, true));
        }
        Notification n = Samples.group("pager", "web-" + "9".repeat(400), alerts, 0, 0, 0);
        notifier(KEY).deliver(n);
        assertEquals(1, pagerduty.events().size(), "the stand-in accepted it: summary, dedup key and size within the limits");
        JsonNode sent = pagerduty.events().get(0).body();
        assertEquals(1024, sent.path("payload").path("summary").asText().length());
        String dedup = sent.path("dedup_key").asText();
        assertTrue(dedup.startsWith("sha256:") && dedup.length() == 71, dedup);
        assertEquals(dedup, PagerDutyNotifier.dedupKey(n));
        JsonNode details = sent.path("payload").path("custom_details");
        assertEquals(20, details.path("alerts").size(), "max-alerts");
        assertEquals(280, details.path("truncatedAlerts").asInt());
        assertEquals("T1071", details.path("alerts").get(0).path("labels").path("technique").asText());
    }

    @Test
    void theRoutingKeyComesFromTheEnvironmentOrAFileAndShowsNowhere() throws Exception {
        Path file = dir.resolve("key");
        Files.writeString(file, KEY + "\n");
        Notifier fromFile = ReceiverHarness.receiver("{name: pager, type: pagerduty, routing-key-file: '" + file + "', url: '"
            + pagerduty.uri("/v2/enqueue") + "'}");
        fromFile.deliver(ReceiverHarness.firingGroup("pager"));
        assertEquals(KEY, pagerduty.events().get(0).body().path("routing_key").asText());
        assertFalse(fromFile.preview(ReceiverHarness.firingGroup("pager")).orElseThrow().contains(KEY));
        List<String> problems = new ArrayList<>();
        var c = Channels.read(new Settings(new com.fasterxml.jackson.databind.ObjectMapper(new YAMLFactory()).readTree(
            "{name: pager, type: pagerduty, routing-key: " + KEY + "}"), "notify.receivers[pager]", problems));
        assertFalse(c.toString().contains(KEY), c.toString());
        Channels.read(new Settings(new com.fasterxml.jackson.databind.ObjectMapper(new YAMLFactory()).readTree(
            "{name: pager, type: pagerduty, url: 'ftp://x'}"), "notify.receivers[pager]", problems));
        assertEquals(List.of("notify.receivers[pager].routing-key: missing (or routing-key-file)",
            "notify.receivers[pager].url: must be an http or https URL"), problems);
    }

    @Test
    void severitiesMapOntoPagerDutysFour() {
        assertEquals(List.of("info", "warning", "warning", "error", "critical"),
            java.util.Arrays.stream(Severity.values()).map(PagerDutyNotifier::severity).toList());
    }
}

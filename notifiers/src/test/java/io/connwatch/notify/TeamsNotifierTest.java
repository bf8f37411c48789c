package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import io.connwatch.notify.teams.TeamsNotifier;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.params.provider.ValueSource;

/** Microsoft Teams Workflows webhooks against a loopback stand-in that answers as Power Automate does. */
class TeamsNotifierTest {
    private static final String PATH = "/workflows/8f3a/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0"
        + "&sig=s3cretSIGNATURE77";

    @TempDir
    Path dir;
    private TeamsStandIn teams;
    private ReceiverHarness harness;

    @BeforeEach
    void start() throws Exception {
        teams = new TeamsStandIn(PATH);
        harness = new ReceiverHarness();
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
        teams.close();
    }

    private Notifier notifier(String path, String extra) throws Exception {
        return ReceiverHarness.receiver("{name: chat, type: teams, url: '" + teams.uri(path) + "'" + extra + "}");
    }

    @Test
    void aFiringGroupIsOneAdaptiveCardWithEachAlertsFactsAndAttackLabels() throws Exception {
        notifier(PATH, ", max-alerts-per-message: 2").deliver(ReceiverHarness.acknowledged(ReceiverHarness.firingGroup("chat")));
        assertEquals(1, teams.cards().size());
        JsonNode message = ReceiverHarness.json(teams.requests().get(0).body());
        assertEquals(ReceiverHarness.golden("teams-firing.json"), message, message.toString());
        JsonNode facts = teams.cards().get(0).path("body").get(3).path("items").get(1).path("facts");
        assertTrue(facts.toString().contains("{\"title\":\"technique\",\"value\":\"T1071.001,T1041\"}"), facts.toString());
    }

    @Test
    void aResolvedGroupIsMarkedResolvedInGreen() throws Exception {
        notifier(PATH, ", send-resolved: true").deliver(ReceiverHarness.resolvedGroup("chat"));
        assertEquals(ReceiverHarness.golden("teams-resolved.json"), ReceiverHarness.json(teams.requests().get(0).body()));
        JsonNode heading = teams.cards().get(0).path("body").get(0);
        assertEquals("RESOLVED 2 \u2014 computer=app-001.contoso.com", heading.path("text").asText());
        assertEquals("Good", heading.path("color").asText());
    }

    /** Alerts whose host-supplied values are each {@code size} characters, {@code count} of them in one group. */
    private static Notification large(int count, int size, String filler) {
        String big = filler.repeat(size / filler.length() + 1).substring(0, size);
        List<NotifiedAlert> alerts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Alert a = new Alert("l" + i, "malicious-remote-ip-outbound", Severity.HIGH, "fp-l" + i, Samples.AT, Samples.AT, big, "m-1", big,
                big, Map.of("tactic", "TA0011", "technique", "T1071", "note", big),
                List.of(new Evidence("VMConnection", Samples.AT, Map.of("RemoteIp", big, "DestinationPort", 443))));
            alerts.add(Samples.firing(a, true));
        }
        return Samples.group("chat", big, alerts, 3, 0, 0);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"x", "\u00e9\u00e8", "\ud83d\udd25"})
    void aLargeGroupIsTrimmedToTeamsSizeLimitAndSaysHowManyWereLeftOut(String filler) throws Exception {
        notifier(PATH, ", max-alerts-per-message: 100").deliver(large(200, 100_000, filler));
        assertEquals(1, teams.cards().size(), "the stand-in accepted it: within 28 KB");
        int bytes = teams.requests().get(0).body().getBytes(StandardCharsets.UTF_8).length;
        assertTrue(bytes <= 27_000, bytes + " bytes");
        JsonNode body = teams.cards().get(0).path("body");
        int shown = body.size() - 3;
        assertTrue(shown >= 1, "at least one alert is shown: " + shown);
        assertEquals("and " + (200 - shown) + " more; 3 silenced", body.get(body.size() - 1).path("text").asText());
    }

    @Test
    void theStandInRefusesAMessagePast28KbAndNoConfigurationCanAskForOne() throws Exception {
        String card = "{\"type\":\"message\",\"attachments\":[{\"contentType\":\"application/vnd.microsoft.card.adaptive\","
            + "\"content\":{\"type\":\"AdaptiveCard\",\"body\":[{\"type\":\"TextBlock\",\"text\":\"" + "x".repeat(29 * 1024)
            + "\"}]}}]}";
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            teams.uri(PATH)).POST(java.net.http.HttpRequest.BodyPublishers.ofString(card)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(413, r.statusCode(), "the stand-in holds Teams' limit");
        List<String> problems = new ArrayList<>();
        EmailNotifierTest.email("{name: chat, type: teams, url: '" + teams.uri(PATH) + "', max-message-bytes: 40000}", problems);
        assertEquals(List.of("notify.receivers[mail].max-message-bytes: 40000 is outside 4000..28672"), problems);
        String largest = ((TeamsNotifier) notifier(PATH, ", max-message-bytes: 28672, max-alerts-per-message: 100")).message(
            large(200, 100_000, "\ud83d\udd25"));
        assertTrue(largest.getBytes(StandardCharsets.UTF_8).length <= TeamsStandIn.MAX_BYTES);
    }

    @Test
    void rateLimitedOnceItWaitsForRetryAfterThenPosts() throws Exception {
        teams.throttle(1, "1");
        Delivery d = harness.delivery(dir, notifier(PATH, ""));
        d.accept(ReceiverHarness.firingGroup("chat"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().isEmpty());
        assertEquals(2, teams.requests().size(), "refused once with 429, then posted");
        assertEquals(1, teams.cards().size());
        assertEquals(List.of(), d.outbox().deadLetters());
    }

    @Test
    void aWrongSignatureIsADeadLetterAtOnceAndTheUrlIsNowhere() throws Exception {
        Delivery d = harness.delivery(dir, notifier(PATH.replace("s3cretSIGNATURE77", "s3cretWRONG"), ""));
        d.accept(ReceiverHarness.firingGroup("chat"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().deadLetters().size() == 1);
        assertEquals("chat: HTTP 401 DirectApiAuthorizationRequired", d.outbox().deadLetters().get(0).lastError());
        for (String line : harness.logLines()) {
            assertFalse(line.contains("s3cret") || line.contains("/workflows"), "the workflow URL leaked into the log: " + line);
        }
    }

    @ParameterizedTest(name = "HTTP {0} -> retryable {1}")
    @CsvSource({"400, false", "401, false", "403, false", "404, false", "413, false", "429, true", "500, true", "502, true",
        "503, true"})
    void teamsAnswersDecideWhetherToRetry(int status, boolean retryable) throws Exception {
        teams.force(status, "{\"error\":{\"code\":\"Refused\",\"message\":\"see " + PATH + "\"}}");
        DeliveryException e = assertThrows(DeliveryException.class, () -> notifier(PATH, "").deliver(ReceiverHarness.firingGroup("chat")));
        assertEquals(retryable, e.retryable());
        assertEquals("chat: HTTP " + status + " Refused", e.getMessage(), "the code only: the message can name the workflow");
    }

    @Test
    void theUrlShowsInNoTextAndTheDispatcherKeepsTheMinimumInterval() throws Exception {
        Notifier n = notifier(PATH, ", min-interval: 2s");
        assertEquals(Duration.ofSeconds(2), n.minInterval());
        assertFalse(n.preview(ReceiverHarness.firingGroup("chat")).orElseThrow().contains("s3cret"));
        var c = Channels.read(new io.connwatch.config.Settings(new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree("{name: chat, type: teams, url: '" + teams.uri(PATH) + "'}"),
            "notify.receivers[chat]", new ArrayList<>()));
        assertFalse(c.toString().contains("s3cret"), c.toString());
        assertFalse(c.sendResolved(), "off by default, as for Slack");
    }
}

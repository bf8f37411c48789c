package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import io.connwatch.config.Settings;
import io.connwatch.notify.opsgenie.OpsgenieConfig;
import io.connwatch.notify.opsgenie.OpsgenieNotifier;
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

/** Opsgenie Alert API v2 against a loopback stand-in that implements its contract. */
class OpsgenieNotifierTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String KEY = "0a1b2c3d-s3cret-4e5f-6789-0a1b2c3d4e5f";
    private static final String ALIAS = "{}/{computer=~\"*\"}:{computer=\"app-001.contoso.com\"}";

    @TempDir
    Path dir;
    private OpsgenieStandIn opsgenie;
    private ReceiverHarness harness;

    @BeforeEach
    void start() throws Exception {
        opsgenie = new OpsgenieStandIn(KEY);
        harness = new ReceiverHarness();
    }

    @AfterEach
    void stop() throws Exception {
        harness.close();
        opsgenie.close();
    }

    private Notifier notifier(String key) throws Exception {
        return ReceiverHarness.receiver("{name: genie, type: opsgenie, api-key: '" + key + "', api-url: '" + opsgenie.uri("") + "', tags: "
            + "[connwatch]}");
    }

    @Test
    void aFiringGroupCreatesOneAlertAliasedByItsGroupWithItsAttackLabelsAsTagsAndDetails() throws Exception {
        notifier(KEY).deliver(ReceiverHarness.acknowledged(ReceiverHarness.firingGroup("genie")));
        List<OpsgenieStandIn.Call> calls = opsgenie.calls();
        assertEquals(List.of("create", "acknowledge"), calls.stream().map(OpsgenieStandIn.Call::action).toList());
        assertEquals(ReceiverHarness.golden("opsgenie-create.json"), calls.get(0).body());
        assertEquals(ReceiverHarness.golden("opsgenie-acknowledge.json"), calls.get(1).body());
        assertEquals(ALIAS, calls.get(1).alias(), "the alias, percent-encoded in the path, arrives as the group key");
        assertEquals("alias", calls.get(1).identifierType());
        assertEquals("acknowledged", opsgenie.alert(ALIAS).status());
        JsonNode created = calls.get(0).body();
        assertTrue(created.path("tags").toString().contains("\"technique:T1071.001\""), created.path("tags").toString());
        assertEquals("T1071,T1071.001,T1041", created.path("details").path("technique").asText());
        assertEquals("P1", created.path("priority").asText(), "the worst firing severity is CRITICAL");
    }

    @Test
    void aGroupThatFiresThenResolvesClosesItsAlertThroughTheOutbox() throws Exception {
        Delivery d = harness.delivery(dir, notifier(KEY));
        d.accept(ReceiverHarness.firingGroup("genie"));
        d.accept(ReceiverHarness.firingGroup("genie"));
        d.accept(ReceiverHarness.resolvedGroup("genie"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().isEmpty() && opsgenie.calls().size() == 3);
        assertEquals(List.of("create", "create", "close"), opsgenie.calls().stream().map(OpsgenieStandIn.Call::action).toList());
        assertEquals(List.of(ALIAS, ALIAS, ALIAS), opsgenie.calls().stream().map(OpsgenieStandIn.Call::alias).toList(),
            "one alias, the group's: the close ends what the create opened");
        OpsgenieStandIn.Alert alert = opsgenie.alert(ALIAS);
        assertEquals("closed", alert.status());
        assertEquals(2, alert.count(), "the second create folded into the open alert");
        assertEquals(ReceiverHarness.golden("opsgenie-close.json"), opsgenie.calls().get(2).body());
    }

    @Test
    void rateLimitedOnceItWaitsForRetryAfterThenDelivers() throws Exception {
        opsgenie.throttle(1, "1");
        Delivery d = harness.delivery(dir, notifier(KEY));
        d.accept(ReceiverHarness.firingGroup("genie"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().pending().isEmpty());
        assertEquals(2, opsgenie.requests().size(), "refused once with 429, then accepted");
        assertEquals(1, opsgenie.calls().size());
        assertEquals(List.of(), d.outbox().deadLetters());
    }

    @Test
    void aWrongKeyIsADeadLetterAtOnceAndTheKeyIsNowhere() throws Exception {
        Delivery d = harness.delivery(dir, notifier("ffffffff-s3cret-wrong"));
        d.accept(ReceiverHarness.firingGroup("genie"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> d.outbox().deadLetters().size() == 1);
        OutboxEntry dead = d.outbox().deadLetters().get(0);
        assertEquals("genie: HTTP 401 Could not authenticate", dead.lastError());
        assertEquals(1, dead.attempts());
        for (String line : harness.logLines()) {
            assertFalse(line.contains("s3cret"), "a key leaked into the log: " + line);
        }
    }

    @ParameterizedTest(name = "HTTP {0} -> retryable {1}")
    @CsvSource({"400, false", "401, false", "402, false", "403, false", "404, false", "422, false", "429, true", "500, true",
        "503, true"})
    void opsgeniesAnswersDecideWhetherToRetry(int status, boolean retryable) throws Exception {
        opsgenie.force(status, "{\"message\":\"refused\",\"took\":0.0}");
        DeliveryException e = assertThrows(DeliveryException.class, () -> notifier(KEY).deliver(ReceiverHarness.firingGroup("genie")));
        assertEquals(retryable, e.retryable());
        assertEquals("genie: HTTP " + status + " refused", e.getMessage());
    }

    @Test
    void longValuesStayWithinOpsgeniesLimitsAndALongGroupKeyIsHashedToTheSameAliasEachTime() throws Exception {
        String big = "<&>".repeat(40_000);
        List<NotifiedAlert> alerts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Alert a = new Alert("h" + i, "rule-" + i, Severity.MEDIUM, "fp-h" + i, Samples.AT, Samples.AT, big, "m-1", big, big,
                Map.of("tactic", "TA00" + (10 + i), "technique", "T1" + (100 + i), "note", big), List.of());
            alerts.add(Samples.firing(a, true));
        }
        Notification firing = Samples.group("genie", "web-" + "9".repeat(600), alerts, 0, 0, 0);
        List<NotifiedAlert> gone = alerts.stream().map(a -> new NotifiedAlert(a.alert(), AlertStatus.RESOLVED, a.startsAt(), Samples.AT,
            true, 1, List.of(), List.of())).toList();
        Notification resolved = Samples.group("genie", "web-" + "9".repeat(600), gone, 0, 0, 0);
        Notifier n = notifier(KEY);
        n.deliver(firing);
        n.deliver(resolved);
        assertEquals(List.of("create", "close"), opsgenie.calls().stream().map(OpsgenieStandIn.Call::action).toList(),
            "the stand-in accepted both: every field within its limit");
        String alias = OpsgenieNotifier.alias(firing);
        assertTrue(alias.startsWith("sha256:") && alias.length() == 71, alias);
        assertEquals("closed", opsgenie.alert(alias).status());
        JsonNode created = opsgenie.calls().get(0).body();
        assertEquals(130, created.path("message").asText().length());
        assertEquals(20, created.path("tags").size());
        assertTrue(created.path("description").asText().endsWith(" more"), "what the description could not hold is counted");
    }

    @Test
    void theRegionChoosesTheApiAndTheKeyShowsNowhere() throws Exception {
        List<String> problems = new ArrayList<>();
        OpsgenieConfig eu = (OpsgenieConfig) Channels.read(new Settings(YAML.readTree("{name: g, type: opsgenie, api-key: " + KEY
            + ", region: eu}"), "notify.receivers[g]", problems));
        OpsgenieConfig us = (OpsgenieConfig) Channels.read(new Settings(YAML.readTree("{name: g, type: opsgenie, api-key: " + KEY + "}"),
            "notify.receivers[g]", problems));
        assertEquals(List.of(), problems);
        assertEquals("https://api.eu.opsgenie.com", eu.apiUrl().toString());
        assertEquals("https://api.opsgenie.com", us.apiUrl().toString());
        assertFalse(eu.toString().contains(KEY), eu.toString());
        String preview = notifier(KEY).preview(ReceiverHarness.acknowledged(ReceiverHarness.firingGroup("genie"))).orElseThrow();
        assertFalse(preview.contains(KEY), preview);
        assertTrue(preview.startsWith("POST /v2/alerts  Authorization: GenieKey <api-key>\n{\"message\":"), preview);
        Channels.read(new Settings(YAML.readTree("{name: g, type: opsgenie, region: mars, tags: ['" + "t".repeat(51) + "']}"),
            "notify.receivers[g]", problems));
        assertEquals(List.of("notify.receivers[g].api-key: missing (or api-key-file)",
            "notify.receivers[g].region: expected us or eu, got 'mars'",
            "notify.receivers[g].tags: '" + "t".repeat(51) + "' is longer than Opsgenie's 50 characters"), problems);
    }

    @Test
    void severitiesMapOntoPriorities() {
        assertEquals(List.of("P5", "P4", "P3", "P2", "P1"), java.util.Arrays.stream(Severity.values()).map(OpsgenieNotifier::priority)
            .toList());
    }
}

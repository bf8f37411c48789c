package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertFormat;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Severity;
import io.connwatch.kafka.KafkaClientConfig;
import io.connwatch.config.Settings;
import io.connwatch.notify.kafka.KafkaNotifier;
import io.connwatch.notify.kafka.KafkaNotifierConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alerts-topic receiver's failure classes and settings (its publishing is tested against a real broker in the engine). */
class KafkaNotifierTest {
    private static Alert alert() {
        return new Alert("id-1", "rule-x", Severity.HIGH, "fp-1", Instant.parse("2024-05-01T10:00:00Z"),
            Instant.parse("2024-05-01T10:00:05Z"), "m.contoso.com", "m-1", null, "summary", Map.of(), List.of());
    }

    @Test
    void anUnreachableBrokerIsATemporaryFailureTheDispatcherRetries() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (KafkaNotifier n = new KafkaNotifier(new KafkaNotifierConfig("bus", KafkaClientConfig.plaintext("127.0.0.1:" + closedPort),
            "alerts", Duration.ofSeconds(1), 10, true))) {
            DeliveryException e = assertThrows(DeliveryException.class, () -> n.deliver(Samples.notification("bus", alert())));
            assertTrue(e.retryable(), e.getMessage());
            assertTrue(e.getMessage().contains("alerts"), e.getMessage());
        }
    }

    @Test
    void settingsProblemsNameTheirKeysAndNeverThePassword() throws Exception {
        List<String> problems = new ArrayList<>();
        ReceiverConfig n = Channels.read(new Settings(new ObjectMapper().readTree("""
            {"name": "bus", "type": "kafka", "security-protocol": "SASL_SSL", "sasl-mechanism": "OAUTH",
             "sasl-password": "hunter2", "ssl-ca-file": "/ca.pem", "ssl-truststore": "/ts.jks", "colour": "red"}
            """), "notify.receivers[bus]", problems));
        assertNull(n);
        String all = String.join("\n", problems);
        assertTrue(all.contains("notify.receivers[bus].topic: missing"), all);
        assertTrue(all.contains("notify.receivers[bus].bootstrap-servers: missing"), all);
        assertTrue(all.contains("notify.receivers[bus].sasl-mechanism: unknown 'OAUTH'"), all);
        assertTrue(all.contains("notify.receivers[bus].sasl-username: missing"), all);
        assertTrue(all.contains("notify.receivers[bus].ssl-ca-file: give ssl-ca-file (PEM) or ssl-truststore, not both"), all);
        assertTrue(all.contains("notify.receivers[bus].colour: unknown setting"), all);
        assertFalse(all.contains("hunter2"), all);
    }

    @Test
    void eachAlertIsARecordValueInTheWebhooksVersion2ShapeWithItsGroupAndNotification() throws Exception {
        Notification n = Samples.group("bus", "web-01", List.of(Samples.firing(Samples.alert("k1", Severity.HIGH), true),
            Samples.resolved(Samples.alert("k2", Severity.LOW))), 0, 0, 0);
        JsonNode first = new ObjectMapper().readTree(KafkaNotifier.value(n, n.alerts().get(0)));
        JsonNode asWebhook = new ObjectMapper().valueToTree(NotificationJson.alert(n.alerts().get(0)));
        for (String field : List.of("id", "status", "startsAt", "endsAt", "fingerprint", "rule", "severity", "labels", "annotations",
            "evidence")) {
            assertEquals(asWebhook.get(field), first.get(field), field);
        }
        assertEquals(n.groupKey(), first.get("groupKey").asText());
        assertEquals(n.id(), first.get("notificationId").asText());
        assertEquals("firing", first.get("status").asText());
        JsonNode second = new ObjectMapper().readTree(KafkaNotifier.value(n, n.alerts().get(1)));
        assertEquals("resolved", second.get("status").asText(), "the alert's own status");
        assertEquals("2024-04-01T08:20:00Z", second.get("endsAt").asText());
        try (KafkaNotifier k = new KafkaNotifier(new KafkaNotifierConfig("bus", KafkaClientConfig.plaintext("127.0.0.1:9"), "alerts",
            Duration.ofSeconds(1), 10, true))) {
            assertEquals(KafkaNotifier.value(n, n.alerts().get(0)) + "\n" + KafkaNotifier.value(n, n.alerts().get(1)),
                k.preview(n).orElseThrow(), "the preview shows the records' values");
        }
    }

    @Test
    void formatOcsfMakesEachRecordValueADetectionFinding() throws Exception {
        List<String> problems = new ArrayList<>();
        KafkaNotifierConfig ocsf = (KafkaNotifierConfig) Channels.read(new Settings(new ObjectMapper().readTree("""
            {"name": "bus", "type": "kafka", "topic": "alerts", "bootstrap-servers": "b:9092", "format": "ocsf"}
            """), "notify.receivers[bus]", problems));
        assertNull(Channels.read(new Settings(new ObjectMapper().readTree("""
            {"name": "bus", "type": "kafka", "topic": "alerts", "bootstrap-servers": "b:9092", "format": "xml"}
            """), "notify.receivers[bus]", problems)));
        assertEquals(List.of("notify.receivers[bus].format: expected native or ocsf, got 'xml'"), problems);
        assertEquals(AlertFormat.OCSF, ocsf.format());
        Notification n = Samples.group("bus", "web-01", List.of(Samples.firing(Samples.alert("k1", Severity.HIGH), true),
            Samples.resolved(Samples.alert("k2", Severity.LOW))), 0, 0, 0);
        JsonNode first = new ObjectMapper().readTree(KafkaNotifier.value(AlertFormat.OCSF, n, n.alerts().get(0)));
        assertEquals(2004, first.get("class_uid").asInt());
        assertEquals("fp-k1", first.get("finding_info").get("uid").asText(), "the record key's fingerprint is the finding's uid");
        assertEquals(1, first.get("activity_id").asInt());
        JsonNode second = new ObjectMapper().readTree(KafkaNotifier.value(AlertFormat.OCSF, n, n.alerts().get(1)));
        assertEquals(3, second.get("activity_id").asInt(), "a resolved alert closes its finding");
        assertEquals(KafkaNotifier.value(n, n.alerts().get(0)), KafkaNotifier.value(AlertFormat.NATIVE, n, n.alerts().get(0)));
        try (KafkaNotifier k = new KafkaNotifier(new KafkaNotifierConfig("bus", KafkaClientConfig.plaintext("127.0.0.1:9"), "alerts",
            Duration.ofSeconds(1), 10, true, AlertFormat.OCSF))) {
            assertEquals(KafkaNotifier.value(AlertFormat.OCSF, n, n.alerts().get(0)) + "\n"
                + KafkaNotifier.value(AlertFormat.OCSF, n, n.alerts().get(1)), k.preview(n).orElseThrow(), "the preview shows OCSF values");
        }
    }

    @Test
    void resolvedAlertsArePublishedByDefaultAndCanBeTurnedOff() throws Exception {
        List<String> problems = new ArrayList<>();
        KafkaNotifierConfig on = (KafkaNotifierConfig) Channels.read(new Settings(new ObjectMapper().readTree("""
            {"name": "bus", "type": "kafka", "topic": "alerts", "bootstrap-servers": "b:9092"}
            """), "notify.receivers[bus]", problems));
        KafkaNotifierConfig off = (KafkaNotifierConfig) Channels.read(new Settings(new ObjectMapper().readTree("""
            {"name": "bus", "type": "kafka", "topic": "alerts", "bootstrap-servers": "b:9092", "send-resolved": false}
            """), "notify.receivers[bus]", problems));
        assertEquals(List.of(), problems);
        assertTrue(on.sendResolved());
        assertFalse(off.sendResolved());
    }
}

package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
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
            "alerts", Duration.ofSeconds(1), 10))) {
            DeliveryException e = assertThrows(DeliveryException.class, () -> n.deliver(List.of(alert())));
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
}

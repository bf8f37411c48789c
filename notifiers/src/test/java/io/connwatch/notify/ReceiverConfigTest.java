package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.connwatch.config.Settings;
import io.connwatch.notify.email.EmailConfig;
import io.connwatch.notify.kafka.KafkaNotifierConfig;
import io.connwatch.notify.slack.SlackConfig;
import io.connwatch.notify.webhook.WebhookConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each channel's typed config, read once through the registry, with its secrets kept out of its text. */
class ReceiverConfigTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String SECRET = "s3cret-77";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "email | {name: r, type: email, host: smtp.test, username: u, password: s3cret-77, from: a@b.test, to: c@d.test, timeout: 3s}",
        "webhook | {name: r, type: webhook, url: 'https://in.test/x?token=s3cret-77', signing-secret: s3cret-77, bearer-token: s3cret-77, timeout: 3s}",
        "slack | {name: r, type: slack, url: 'https://hooks.slack.test/services/s3cret-77', timeout: 3s}",
        "kafka | {name: r, type: kafka, topic: alerts, bootstrap-servers: 'b:9093', security-protocol: SASL_SSL, sasl-username: u, sasl-password: s3cret-77, timeout: 3s}"})
    void eachChannelReadsIntoItsTypedConfigWithoutShowingSecrets(String type, String yaml) throws Exception {
        List<String> problems = new ArrayList<>();
        ReceiverConfig c = Channels.read(new Settings(YAML.readTree(yaml), "notify.receivers[r]", problems));
        assertEquals(List.of(), problems);
        assertEquals("r", c.name());
        assertEquals(type, c.type());
        Class<?> expected = switch (type) {
            case "email" -> EmailConfig.class;
            case "webhook" -> WebhookConfig.class;
            case "slack" -> SlackConfig.class;
            default -> KafkaNotifierConfig.class;
        };
        assertInstanceOf(expected, c);
        Duration timeout = c instanceof EmailConfig e ? e.timeout() : c instanceof WebhookConfig w ? w.timeout()
            : c instanceof SlackConfig s ? s.timeout() : ((KafkaNotifierConfig) c).timeout();
        assertEquals(Duration.ofSeconds(3), timeout);
        assertFalse(c.toString().contains(SECRET), c.toString());
    }

    @Test
    void unreadableTlsMaterialIsAProblemWhenTheConfigurationIsRead(@TempDir Path dir) throws Exception {
        List<String> problems = new ArrayList<>();
        ReceiverConfig c = Channels.read(new Settings(YAML.readTree("""
            {name: r, type: webhook, url: 'https://in.test/x?token=s3cret-77', ca-file: '%s'}
            """.formatted(dir.resolve("missing-ca.pem"))), "notify.receivers[r]", problems));
        assertNull(c);
        assertEquals(List.of("notify.receivers[r].ca-file: cannot set up TLS: NoSuchFileException"), problems);
    }
}

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
import io.connwatch.notify.opsgenie.OpsgenieConfig;
import io.connwatch.notify.pagerduty.PagerDutyConfig;
import io.connwatch.notify.slack.SlackConfig;
import io.connwatch.notify.teams.TeamsConfig;
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
        "kafka | {name: r, type: kafka, topic: alerts, bootstrap-servers: 'b:9093', security-protocol: SASL_SSL, sasl-username: u, sasl-password: s3cret-77, timeout: 3s}",
        "teams | {name: r, type: teams, url: 'https://prod.westeurope.logic.azure.com/workflows/1/invoke?sig=s3cret-77', timeout: 3s}",
        "pagerduty | {name: r, type: pagerduty, routing-key: s3cret-77, timeout: 3s}",
        "opsgenie | {name: r, type: opsgenie, api-key: s3cret-77, region: eu, timeout: 3s}"})
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
            case "teams" -> TeamsConfig.class;
            case "pagerduty" -> PagerDutyConfig.class;
            case "opsgenie" -> OpsgenieConfig.class;
            default -> KafkaNotifierConfig.class;
        };
        assertInstanceOf(expected, c);
        Duration timeout = c instanceof EmailConfig e ? e.timeout() : c instanceof WebhookConfig w ? w.timeout()
            : c instanceof SlackConfig s ? s.timeout() : c instanceof TeamsConfig t ? t.timeout() : c instanceof PagerDutyConfig p
            ? p.timeout() : c instanceof OpsgenieConfig o ? o.timeout() : ((KafkaNotifierConfig) c).timeout();
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

    @ParameterizedTest(name = "{0}: send-resolved {1} by default")
    @CsvSource(delimiter = '|', value = {
        "email | false | {name: r, type: email, host: smtp.test, from: a@b.test, to: c@d.test}",
        "slack | false | {name: r, type: slack, url: 'https://hooks.slack.test/services/x'}",
        "webhook | true | {name: r, type: webhook, url: 'https://in.test/x'}",
        "kafka | true | {name: r, type: kafka, topic: alerts, bootstrap-servers: '127.0.0.1:9'}",
        "teams | false | {name: r, type: teams, url: 'https://prod.westeurope.logic.azure.com/workflows/1/invoke?sig=x'}",
        "pagerduty | true | {name: r, type: pagerduty, routing-key: k}",
        "opsgenie | true | {name: r, type: opsgenie, api-key: k}"})
    void sendResolvedDefaultsAsAlertmanagersAndCanBeSetOnEveryReceiver(String type, boolean byDefault, String yaml) throws Exception {
        List<String> problems = new ArrayList<>();
        ReceiverConfig plain = Channels.read(new Settings(YAML.readTree(yaml), "notify.receivers[r]", problems));
        String flipped = yaml.substring(0, yaml.length() - 1) + ", send-resolved: " + !byDefault + "}";
        ReceiverConfig set = Channels.read(new Settings(YAML.readTree(flipped), "notify.receivers[r]", problems));
        assertEquals(List.of(), problems);
        assertEquals(byDefault, plain.sendResolved(), type);
        assertEquals(!byDefault, set.sendResolved(), type);
        try (Notifier n = Channels.create(plain, new Templates(null))) {
            assertEquals(byDefault, n.sendResolved(), "the notifier says what its configuration says");
        }
        Channels.read(new Settings(YAML.readTree(yaml.substring(0, yaml.length() - 1) + ", send-resolved: maybe}"), "notify.receivers[r]",
            problems));
        assertEquals(List.of("notify.receivers[r].send-resolved: expected true or false, got 'maybe'"), problems);
    }
}

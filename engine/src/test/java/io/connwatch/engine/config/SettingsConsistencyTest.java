package io.connwatch.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.notify.ReceiverConfig;
import io.connwatch.notify.email.EmailConfig;
import io.connwatch.notify.kafka.KafkaNotifierConfig;
import io.connwatch.notify.slack.SlackConfig;
import io.connwatch.notify.webhook.WebhookConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every section of the configuration reads its values with the same rules: the same odd values
 * given to a boolean, a whole number and a duration setting of each section (where it has one)
 * get the same answer, or the same problem in the same {@code <dotted.path>: <message>} form.
 * An unknown key is reported the same way in every section.
 */
class SettingsConsistencyTest {
    /** The kind of a setting, and what each odd value means to it. */
    enum Kind {
        BOOLEAN, NUMBER, DURATION;

        /** The value read from {@code yaml} (as written in the file), or the problem's message. */
        Object expected(String yaml) {
            String text = yaml.replaceAll("^['\"]|['\"]$", "");
            return switch (this) {
                case BOOLEAN -> switch (text.toLowerCase(java.util.Locale.ROOT)) {
                    case "yes", "on" -> true;
                    case "off" -> false;
                    default -> new Problem("expected true or false, got '" + text + "'");
                };
                case NUMBER -> text.equals("5") ? 5L : new Problem("expected a whole number, got '" + text + "'");
                case DURATION -> text.equals("5m") ? Duration.ofMinutes(5)
                    : new Problem("not a duration: '" + text + "' (use e.g. 250ms, 90s, 5m, 2h, 1d or PT5M)");
            };
        }
    }

    record Problem(String message) {
    }

    /**
     * One setting: where it is reported, its kind, a whole configuration with {@code %s} where the
     * value goes, and how to get the value read back out of the parsed configuration.
     */
    record Setting(String path, Kind kind, String yaml, Function<ConnwatchConfig, Object> read) {
        @Override
        public String toString() {
            return path;
        }
    }

    private static final String HOOK = "{name: hook, type: webhook, url: 'http://127.0.0.1:9/in'}";
    private static final String KAFKA = "bootstrap-servers: '127.0.0.1:9092', topics: [connections]";

    static final List<Setting> SETTINGS = List.of(
        new Setting("rules.partitions", Kind.NUMBER, "rules: {partitions: %s}", c -> c.rules().partitions()),
        new Setting("rules.allowed-lateness", Kind.DURATION, "rules: {allowed-lateness: %s}", c -> c.rules().allowedLateness()),
        new Setting("rules.retention.rollups", Kind.DURATION, "rules: {retention: {rollups: %s}}", c -> c.rules().retention().rollups()),
        new Setting("http.enabled", Kind.BOOLEAN, "http: {enabled: %s}", c -> c.http().enabled()),
        new Setting("console.enabled", Kind.BOOLEAN, "console: {enabled: %s}", c -> c.console().enabled()),
        new Setting("console.max-machines", Kind.NUMBER, "console: {max-machines: %s}", c -> c.console().store().maxMachines()),
        new Setting("console.retention", Kind.DURATION, "console: {retention: %s}", c -> c.console().store().retention()),
        new Setting("http.port", Kind.NUMBER, "http: {port: %s}", c -> c.http().port()),
        new Setting("outputs.console", Kind.BOOLEAN, "outputs: {console: %s}", c -> c.outputs().console()),
        new Setting("threat-intel.retro-max-addresses", Kind.NUMBER, "threat-intel: {retro-max-addresses: %s}",
            c -> c.threatIntel().retroMaxAddresses()),
        new Setting("threat-intel.retro-window", Kind.DURATION, "threat-intel: {retro-window: %s}", c -> c.threatIntel().retroWindow()),
        new Setting("threat-intel.feeds[f].severity", Kind.NUMBER, "threat-intel: {feeds: [{name: f, format: plain, path: x, severity: %s}]}",
            c -> c.threatIntel().feeds().get(0).defaults().severity()),
        new Setting("threat-intel.feeds[f].interval", Kind.DURATION, "threat-intel: {feeds: [{name: f, format: plain, path: x, interval: %s}]}",
            c -> c.threatIntel().feeds().get(0).interval()),
        new Setting("notify.retry.max-attempts", Kind.NUMBER, "notify: {retry: {max-attempts: %s}}", c -> c.notifications().retry().maxAttempts()),
        new Setting("notify.retry.initial", Kind.DURATION, "notify: {retry: {initial: %s}}", c -> c.notifications().retry().initial()),
        new Setting("notify.circuit-breaker.failures", Kind.NUMBER, "notify: {circuit-breaker: {failures: %s}}",
            c -> c.notifications().breakerFailures()),
        new Setting("notify.circuit-breaker.open-for", Kind.DURATION, "notify: {circuit-breaker: {open-for: %s}}",
            c -> c.notifications().breakerOpenFor()),
        new Setting("notify.receivers[mail].port", Kind.NUMBER,
            "notify: {receivers: [{name: mail, type: email, host: smtp.test, from: a@b.test, to: c@d.test, port: %s}]}",
            c -> receiver(c, EmailConfig.class).port()),
        new Setting("notify.receivers[mail].timeout", Kind.DURATION,
            "notify: {receivers: [{name: mail, type: email, host: smtp.test, from: a@b.test, to: c@d.test, timeout: %s}]}",
            c -> receiver(c, EmailConfig.class).timeout()),
        new Setting("notify.receivers[hook].max-batch", Kind.NUMBER,
            "notify: {receivers: [{name: hook, type: webhook, url: 'http://127.0.0.1:9/in', max-batch: %s}]}",
            c -> receiver(c, WebhookConfig.class).maxBatch()),
        new Setting("notify.receivers[hook].timeout", Kind.DURATION,
            "notify: {receivers: [{name: hook, type: webhook, url: 'http://127.0.0.1:9/in', timeout: %s}]}",
            c -> receiver(c, WebhookConfig.class).timeout()),
        new Setting("notify.receivers[chat].max-alerts-per-message", Kind.NUMBER,
            "notify: {receivers: [{name: chat, type: slack, url: 'https://hooks.slack.test/x', max-alerts-per-message: %s}]}",
            c -> receiver(c, SlackConfig.class).maxAlertsPerMessage()),
        new Setting("notify.receivers[chat].min-interval", Kind.DURATION,
            "notify: {receivers: [{name: chat, type: slack, url: 'https://hooks.slack.test/x', min-interval: %s}]}",
            c -> receiver(c, SlackConfig.class).minInterval()),
        new Setting("notify.receivers[bus].ssl-endpoint-identification", Kind.BOOLEAN,
            "notify: {receivers: [{name: bus, type: kafka, topic: alerts, bootstrap-servers: 'b:9093', security-protocol: SSL,"
                + " ssl-endpoint-identification: %s}]}",
            c -> !"".equals(receiver(c, KafkaNotifierConfig.class).client().properties().get("ssl.endpoint.identification.algorithm"))),
        new Setting("notify.receivers[bus].max-batch", Kind.NUMBER,
            "notify: {receivers: [{name: bus, type: kafka, topic: alerts, bootstrap-servers: 'b:9092', max-batch: %s}]}",
            c -> receiver(c, KafkaNotifierConfig.class).maxBatch()),
        new Setting("notify.receivers[bus].timeout", Kind.DURATION,
            "notify: {receivers: [{name: bus, type: kafka, topic: alerts, bootstrap-servers: 'b:9092', timeout: %s}]}",
            c -> receiver(c, KafkaNotifierConfig.class).timeout()),
        new Setting("notify.routes[0].continue", Kind.BOOLEAN, "notify: {receivers: [" + HOOK + "], routes: [{receivers: [hook], continue: %s}]}",
            c -> c.notifications().router().routes().get(0).continueMatching()),
        new Setting("kafka.enabled", Kind.BOOLEAN, "kafka: {" + KAFKA + ", enabled: %s}", c -> c.kafka().enabled()),
        new Setting("kafka.ssl-endpoint-identification", Kind.BOOLEAN,
            "kafka: {" + KAFKA + ", security-protocol: SSL, ssl-endpoint-identification: %s}",
            c -> !"".equals(c.kafka().client().properties().get("ssl.endpoint.identification.algorithm"))),
        new Setting("kafka.max-poll-records", Kind.NUMBER, "kafka: {" + KAFKA + ", max-poll-records: %s}", c -> c.kafka().maxPollRecords()),
        new Setting("kafka.rewind", Kind.DURATION, "kafka: {" + KAFKA + ", rewind: %s}", c -> c.kafka().rewind()),
        new Setting("ready.ingest-stall", Kind.DURATION, "ready: {ingest-stall: %s}", c -> c.ready().ingestStall()),
        new Setting("ready.max-rule-errors", Kind.NUMBER, "ready: {max-rule-errors: %s}", c -> c.ready().maxRuleErrors()));

    /** Written as in a file: YAML's boolean words bare and quoted, a quoted number, a duration, a word. */
    static final List<String> ODD_VALUES = List.of("yes", "on", "off", "OFF", "'Yes'", "\"5\"", "5m", "abc");

    static Stream<Arguments> settingsAndValues() {
        List<Arguments> out = new ArrayList<>();
        for (Setting s : SETTINGS) {
            for (String v : ODD_VALUES) {
                out.add(Arguments.of(s, v));
            }
        }
        return out.stream();
    }

    private static <T extends ReceiverConfig> T receiver(ConnwatchConfig c, Class<T> type) {
        List<ReceiverConfig> receivers = c.notifications().receivers();
        assertEquals(1, receivers.size(), receivers.toString());
        return type.cast(receivers.get(0));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("settingsAndValues")
    void theSameOddValueMeansTheSameInEverySection(Setting setting, String value) throws Exception {
        String yaml = setting.yaml().formatted(value);
        Object expected = setting.kind().expected(value);
        if (expected instanceof Problem p) {
            ConfigException e = assertThrows(ConfigException.class, () -> ConnwatchConfig.parse("t", yaml, Map.of()), yaml);
            assertEquals(List.of(setting.path() + ": " + p.message()), e.problems(), yaml);
        } else {
            Object read = setting.read().apply(ConnwatchConfig.parse("t", yaml, Map.of()));
            assertEquals(expected, read instanceof Integer i ? Long.valueOf(i) : read, yaml);
        }
    }

    /** Each section with {@code colour: red} added, and the dotted path the unknown key is reported under. */
    static Stream<Arguments> sections() {
        return Stream.of(
            Arguments.of("colour", "colour: red"),
            Arguments.of("rules.colour", "rules: {colour: red}"),
            Arguments.of("rules.retention.colour", "rules: {retention: {colour: red}}"),
            Arguments.of("http.colour", "http: {colour: red}"),
            Arguments.of("outputs.colour", "outputs: {colour: red}"),
            Arguments.of("threat-intel.colour", "threat-intel: {colour: red}"),
            Arguments.of("threat-intel.feeds[f].colour", "threat-intel: {feeds: [{name: f, format: plain, path: x, colour: red}]}"),
            Arguments.of("notify.colour", "notify: {colour: red}"),
            Arguments.of("notify.retry.colour", "notify: {retry: {colour: red}}"),
            Arguments.of("notify.circuit-breaker.colour", "notify: {circuit-breaker: {colour: red}}"),
            Arguments.of("notify.receivers[mail].colour",
                "notify: {receivers: [{name: mail, type: email, host: smtp.test, from: a@b.test, to: c@d.test, colour: red}]}"),
            Arguments.of("notify.receivers[hook].colour",
                "notify: {receivers: [{name: hook, type: webhook, url: 'http://127.0.0.1:9/in', colour: red}]}"),
            Arguments.of("notify.receivers[chat].colour",
                "notify: {receivers: [{name: chat, type: slack, url: 'https://hooks.slack.test/x', colour: red}]}"),
            Arguments.of("notify.receivers[bus].colour",
                "notify: {receivers: [{name: bus, type: kafka, topic: alerts, bootstrap-servers: 'b:9092', colour: red}]}"),
            Arguments.of("notify.routes[0].colour", "notify: {receivers: [" + HOOK + "], routes: [{receivers: [hook], colour: red}]}"),
            Arguments.of("notify.routes[0].match.colour",
                "notify: {receivers: [" + HOOK + "], routes: [{receivers: [hook], match: {colour: red}}]}"),
            Arguments.of("kafka.colour", "kafka: {" + KAFKA + ", colour: red}"),
            Arguments.of("kafka.topics[0].colour", "kafka: {bootstrap-servers: 'b:9092', topics: [{name: t, colour: red}]}"),
            Arguments.of("ready.colour", "ready: {colour: red}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sections")
    void anUnknownKeyIsReportedTheSameWayInEverySection(String path, String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConnwatchConfig.parse("t", yaml, Map.of()));
        assertEquals(1, e.problems().size(), e.problems().toString());
        String p = e.problems().get(0);
        String prefix = path + ": unknown setting (expected one of ";
        assertTrue(p.startsWith(prefix) && p.endsWith(")"), p);
        List<String> known = List.of(p.substring(prefix.length(), p.length() - 1).split(", "));
        assertEquals(known.stream().sorted().toList(), known, "the keys it knows, sorted");
        assertTrue(!known.contains("colour") && known.size() > 1, p);
    }
}

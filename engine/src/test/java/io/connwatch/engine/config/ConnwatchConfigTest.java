package io.connwatch.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.connwatch.feeds.FeedConfig;
import io.connwatch.feeds.ThreatType;
import io.connwatch.feeds.TlpLevel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnwatchConfigTest {
    @Test
    void theShippedConfigurationIsValidMatchesTheDefaultsAndNamesItsExampleFeeds() throws Exception {
        ConnwatchConfig shipped = ConnwatchConfig.load(Path.of("..", "config", "connwatch.yaml"), Map.of());
        // its `home: ..` is the checkout, whatever the working directory: the defaults taken from there
        Path checkout = Path.of("..").toAbsolutePath().normalize();
        assertEquals(checkout, shipped.home());
        ConnwatchConfig defaults = ConnwatchConfig.parse("(defaults)", "home: " + checkout, Map.of());
        assertEquals(checkout.resolve("rules"), shipped.rules().directory());
        assertEquals(defaults.rules(), shipped.rules());
        assertEquals(defaults.http(), shipped.http());
        assertEquals(defaults.outputs(), shipped.outputs());
        assertEquals(defaults.console(), shipped.console());
        assertEquals(defaults.ready(), shipped.ready());
        assertEquals(io.connwatch.engine.metrics.Readiness.Settings.DEFAULT, defaults.ready());
        assertEquals(defaults.threatIntel().retroWindow(), shipped.threatIntel().retroWindow());
        assertEquals(List.of("feodo", "rfc1918"), shipped.threatIntel().feeds().stream().map(FeedConfig::name).toList());
        FeedConfig feodo = shipped.threatIntel().feeds().get(0);
        assertEquals(ThreatType.C2, feodo.defaults().threatType(), "the format's default");
        assertEquals(checkout.resolve("config/feeds/feodo-ipblocklist.csv"), feodo.path());
    }

    @Test
    void relativePathsComeFromHomeWhichIsRelativeToTheFileElseFromTheWorkingDirectory(@TempDir Path dir) throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path state = Files.createDirectories(dir.resolve("state"));
        Path file = Files.writeString(etc.resolve("c.yaml"), "home: ../state\nrules: {directory: /srv/rules}\n");
        ConnwatchConfig c = ConnwatchConfig.load(file, Map.of());
        assertEquals(state, c.home());
        assertEquals(Path.of("/srv/rules"), c.rules().directory(), "absolute paths stay");
        assertEquals(state.resolve("data/alerts.jsonl"), c.outputs().jsonl());
        assertEquals(state.resolve("data/outbox"), c.notifications().outbox());
        assertEquals(state.resolve("data/lifecycle"), c.notifications().lifecycle().state());

        Path envHome = Files.writeString(etc.resolve("e.yaml"), "home: ${CONNWATCH_HOME:-..}\n");
        assertEquals(dir, ConnwatchConfig.load(envHome, Map.of()).home());
        assertEquals(state, ConnwatchConfig.load(envHome, Map.of("CONNWATCH_HOME", state.toString())).home());

        Path none = Files.writeString(etc.resolve("n.yaml"), "rules: {partitions: 1}\n");
        ConnwatchConfig wd = ConnwatchConfig.load(none, Map.of());
        assertEquals(Path.of("").toAbsolutePath(), wd.home());
        assertEquals(Path.of("rules"), wd.rules().directory(), "without home: the working directory, as before");

        Path missing = Files.writeString(etc.resolve("m.yaml"), "home: ../nowhere\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConnwatchConfig.load(missing, Map.of()));
        assertTrue(e.getMessage().contains("home: no such directory: " + dir.resolve("nowhere")), e.getMessage());
    }

    @Test
    void feedsAreTypedAndEveryFeedProblemIsReported() throws Exception {
        ConnwatchConfig c = ConnwatchConfig.parse("t", """
            threat-intel:
              retro-window: 6h
              feeds:
                - name: vendor
                  format: csv
                  url: https://intel.example.com/v1/feed.csv?token=${TOKEN}
                  interval: 15m
                  timeout: 10s
                  headers: {Authorization: "Bearer ${TOKEN}"}
                  severity: 5
                  tlp: amber
                  csv: {ip: address, threat-type: kind}
            """, Map.of("TOKEN", "abc"));
        FeedConfig f = c.threatIntel().feeds().get(0);
        assertEquals(Duration.ofMinutes(15), f.interval());
        assertEquals(Duration.ofSeconds(10), f.timeout());
        assertEquals(5, f.defaults().severity());
        assertEquals(TlpLevel.AMBER, f.defaults().tlp());
        assertEquals(Map.of("ip", "address", "threat-type", "kind"), f.csvMapping());
        assertEquals("Bearer abc", f.headers().get("Authorization"));
        assertEquals("https://intel.example.com/v1/feed.csv", f.displaySource(), "no token in what is shown");
        assertEquals(Duration.ofHours(6), c.threatIntel().retroWindow());

        ConfigException e = assertThrows(ConfigException.class, () -> ConnwatchConfig.parse("t", """
            threat-intel:
              feeds:
                - name: a
                  format: openioc
                  path: x
                - name: b
                  format: plain
                  path: x
                  url: https://x
                - name: c
                  format: csv
                  path: x
                  csv: {address: a}
                  severity: 9
                  colour: red
            """, Map.of()));
        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("threat-intel.feeds[a].format: unknown 'openioc'"), e.problems().toString());
        assertTrue(e.problems().contains("threat-intel.feeds[b]: give exactly one of path and url"), e.problems().toString());
        assertTrue(e.problems().contains("threat-intel.feeds[c].severity: 9 is outside 0..5"), e.problems().toString());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("threat-intel.feeds[c].colour: unknown setting")), e.problems().toString());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("threat-intel.feeds[c].csv: unknown CSV mapping key 'address'")),
            e.problems().toString());
    }

    @Test
    void readsTypedValuesWithEnvironmentSubstitution() throws Exception {
        ConnwatchConfig c = ConnwatchConfig.parse("t", """
            rules:
              directory: ${RULES_DIR}
              partitions: 3
              allowed-lateness: 90s
              episode-gap: ${GAP:-1h}
              retention:
                records: 15m
                rollups: 3h
            http:
              port: ${PORT:-9000}
              host: 0.0.0.0
            outputs:
              console: false
              jsonl: ""
            # a comment may mention ${NOT_SET} freely
            """, Map.of("RULES_DIR", "/etc/connwatch/rules", "PORT", "8181"));
        assertEquals(Path.of("/etc/connwatch/rules"), c.rules().directory());
        assertEquals(3, c.rules().engineSettings().partitions());
        assertEquals(Duration.ofSeconds(90), c.rules().allowedLateness());
        assertEquals(Duration.ofHours(1), c.rules().episodeGap());
        assertEquals(Duration.ofMinutes(15), c.rules().retention().records());
        assertFalse(c.rules().retention().rowsJudgedOnce());
        assertEquals(Duration.ofHours(3), c.rules().retention().rollups());
        assertEquals(8181, c.http().port());
        assertEquals("0.0.0.0", c.http().host());
        assertFalse(c.outputs().console());
        assertNull(c.outputs().jsonl());
    }

    @Test
    void reportsEveryProblemAtOnceNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConnwatchConfig.parse("conf.yaml", """
            rules:
              partitions: many
              retention:
                rollups: 0s
            http:
              port: 70000
              enabled: maybe
            output:
              console: true
            """, Map.of()));
        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().startsWith("conf.yaml: 5 configuration problem(s)"), e.getMessage());
        assertTrue(e.problems().contains("rules.partitions: expected a whole number, got 'many'"), e.problems().toString());
        assertTrue(e.problems().contains("http.port: 70000 is outside 0..65535"), e.problems().toString());
        assertTrue(e.problems().contains("http.enabled: expected true or false, got 'maybe'"), e.problems().toString());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("output: unknown setting")), e.problems().toString());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("rules.retention:")), e.problems().toString());
    }

    @Test
    void readinessThresholdsAreTypedAndZeroTurnsACheckOff() throws Exception {
        ConnwatchConfig c = ConnwatchConfig.parse("t", """
            ready:
              check-interval: 5s
              rule-error-window: 0s
              max-rule-errors: 3
              delivery-stuck: 2m
              ingest-stall: 15m
              kafka-lag-rising-checks: 0
            """, Map.of());
        assertEquals(new io.connwatch.engine.metrics.Readiness.Settings(Duration.ofSeconds(5), Duration.ZERO, 3, Duration.ofMinutes(2),
            Duration.ofMinutes(15), 0), c.ready());
        ConfigException e = assertThrows(ConfigException.class, () -> ConnwatchConfig.parse("t", """
            ready: {check-interval: 0s, delivery-stuck: -1m, kafka-lag-rising-checks: -2}
            """, Map.of()));
        assertEquals(List.of("ready.check-interval: must be positive", "ready.delivery-stuck: must be 0s (off) or positive",
            "ready.kafka-lag-rising-checks: -2 is outside 0..1000000"), e.problems());
    }

    @Test
    void doubleDollarKeepsALiteralReference() throws Exception {
        ConnwatchConfig c = ConnwatchConfig.parse("t", "outputs:\n  jsonl: /tmp/$${HOME}.jsonl\n", Map.of("HOME", "/root"));
        assertEquals(Path.of("/tmp/${HOME}.jsonl"), c.outputs().jsonl());
    }

    @Test
    void malformedYamlSaysWhere() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConnwatchConfig.parse("c.yaml", "rules:\n  directory: [a\n", Map.of()));
        assertTrue(e.getMessage().contains("not valid YAML"), e.getMessage());
        assertTrue(e.getMessage().contains("line"), e.getMessage());
    }

    @Test
    void kafkaIsOffByDefaultAndItsSettingsBecomeClientPropertiesWithTheSecretOnlyInTheJaasConfig() throws Exception {
        assertFalse(ConnwatchConfig.defaults().kafka().enabled());
        ConnwatchConfig c = ConnwatchConfig.parse("t", """
            kafka:
              bootstrap-servers: ns.servicebus.windows.net:9093
              security-protocol: SASL_SSL
              sasl-mechanism: PLAIN
              sasl-username: $ConnectionString
              sasl-password: ${EH_CONNECTION}
              group-id: connwatch-prod
              topics: [{name: vm-connections, table: VMConnection}, vm-mixed]
              rewind: 20m
              properties: {client.dns.lookup: use_all_dns_ips}
            """, Map.of("EH_CONNECTION", "Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey=abc\"def"));
        KafkaSettings k = c.kafka();
        assertTrue(k.enabled());
        assertEquals("connwatch-prod", k.groupId());
        assertEquals(List.of(new KafkaSettings.Topic("vm-connections", "VMConnection"), new KafkaSettings.Topic("vm-mixed", "auto")),
            k.topics());
        assertEquals(Duration.ofMinutes(20), k.rewind());
        Map<String, String> p = k.client().properties();
        assertEquals("SASL_SSL", p.get("security.protocol"));
        assertEquals("PLAIN", p.get("sasl.mechanism"));
        assertEquals("use_all_dns_ips", p.get("client.dns.lookup"));
        assertEquals("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$ConnectionString\" "
            + "password=\"Endpoint=sb://ns/;SharedAccessKeyName=k;SharedAccessKey=abc\\\"def\";", p.get("sasl.jaas.config"));
        assertFalse(k.client().toString().contains("SharedAccessKey"));
        assertEquals("connwatch-dead-letters", k.deadLetterTopic());
        assertEquals("connwatch-episodes", k.episodeTopic());
    }

    @Test
    void kafkaProblemsAreAllReportedWithTheirKeysAndNeverTheSecret() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConnwatchConfig.parse("t", """
            kafka:
              security-protocol: SASL_SSH
              sasl-mechanism: GSSAPI
              sasl-password: hunter2
              topics: [{name: t, table: VMProcess}]
              start-from: middle
              colour: blue
            """, Map.of()));
        String all = String.join("\n", e.problems());
        assertTrue(all.contains("kafka.bootstrap-servers: missing"), all);
        assertTrue(all.contains("kafka.security-protocol: unknown 'SASL_SSH'"), all);
        assertTrue(all.contains("kafka.topics[0].table"), all);
        assertTrue(all.contains("kafka.start-from"), all);
        assertTrue(all.contains("kafka.colour: unknown setting"), all);
        assertFalse(all.contains("hunter2"), all);
    }
}

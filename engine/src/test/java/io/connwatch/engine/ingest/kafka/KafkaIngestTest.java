package io.connwatch.engine.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.connwatch.alert.Alert;
import io.connwatch.engine.service.ConnwatchService;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.RuleHarness;
import io.connwatch.engine.rules.Rows;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.connwatch.lifecycle.dispatch.GroupDispatcher;
import io.connwatch.lifecycle.match.Matchers;
import io.connwatch.lifecycle.silence.Silence;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * `connwatch run` consuming from a real Kafka broker (a separate JVM on loopback) and delivering
 * to a real webhook receiver on loopback: end to end, across a restart, with two instances in one
 * group, and with poison records.
 */
class KafkaIngestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger RUN = new AtomicInteger();
    private static final int MAX_POLL_RECORDS = 50;

    @TempDir
    Path tmp;
    private LocalKafka kafka;
    private HttpServer receiver;
    /** fingerprint -> times delivered */
    private final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
    private final List<String> rulesDelivered = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<ConnwatchService> services = new ArrayList<>();
    /** Every alert its own group unless a test groups (the at-least-once tests count one notification per alert). */
    private String groupBy = "[\"...\"]";
    private String topic;
    private String group;

    @BeforeEach
    void setUp(TestInfo info) throws IOException {
        kafka = LocalKafka.shared();
        int n = RUN.incrementAndGet();
        topic = "vm-connections-" + n;
        group = "connwatch-test-" + n;
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            JsonNode body = JSON.readTree(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            for (JsonNode a : body.get("alerts")) {
                delivered.computeIfAbsent(a.get("fingerprint").asText(), k -> new AtomicInteger()).incrementAndGet();
                rulesDelivered.add(a.get("rule").asText());
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterEach
    void tearDown() {
        for (ConnwatchService s : services) {
            s.close();
        }
        receiver.stop(0);
    }

    private ConnwatchService start(String name, String extraReceivers) throws Exception {
        return start(name, extraReceivers, "bootstrap-servers: " + kafka.bootstrap(), Map.of());
    }

    private ConnwatchService start(String name, String extraReceivers, String connection, Map<String, String> env) throws Exception {
        String yaml = """
            rules:
              directory: %s
              partitions: 2
              idle-close: 1s
            http:
              enabled: false
            outputs:
              console: false
              jsonl: ""
            kafka:
              %s
              group-id: %s
              topics: [{name: %s}]
              dead-letter-topic: %s-dead
              episode-topic: %s-episodes
              lifecycle-topic: %s-lifecycle
              max-poll-records: %d
            notify:
              outbox: %s
              retry: {initial: 100ms, max: 1s}
              group-by: %s
              group-wait: 1s
              group-interval: 2s
              inhibit-rules: []     # these tests count every alert the rules raise
              receivers:
                - {name: hook, type: webhook, url: "http://127.0.0.1:%d/alerts"}
            %s
              default-receivers: [%s]
            """.formatted(Path.of("..", "rules").toAbsolutePath(), connection.replace("\n", "\n  "), group, topic, topic, group, group, MAX_POLL_RECORDS,
            tmp.resolve(name + "-outbox"), groupBy, receiver.getAddress().getPort(), extraReceivers,
            extraReceivers.isEmpty() ? "hook" : "hook, bus");
        ConnwatchService s = ConnwatchService.start(ConnwatchConfig.parse("test", yaml, env),
            new PrintWriter(new StringWriter(), true));
        services.add(s);
        return s;
    }

    private void stop(ConnwatchService s) {
        s.close();
        services.remove(s);
    }

    /** A connection to a known C2 address from machine m at minute t: one outbound alert per machine. */
    static Map.Entry<String, String> malicious(String machine, int minute) {
        String time = "2024-05-01T10:%02d:00Z".formatted(minute);
        return Map.entry(machine, Rows.connection(time, machine).set("DestinationIp", "192.9.135.73").malicious("C2", 4, 90).json());
    }

    /** Machines m-0 .. m-(n-1), each with a connection to a known C2 address at the minute. */
    static List<Map.Entry<String, String>> fleet(int n, int minute) {
        List<Map.Entry<String, String>> out = new ArrayList<>(n);
        for (int m = 0; m < n; m++) {
            out.add(malicious("m-" + m, minute));
        }
        return out;
    }

    private static Map.Entry<String, String> wildcard(String machine, int minute) {
        return Map.entry(machine, Rows.boundPort("2024-05-01T10:%02d:00Z".formatted(minute), machine).set("Ip", "0.0.0.0").json());
    }

    private long committedTotal() throws Exception {
        return kafka.committed(group);
    }

    private long endTotal() throws Exception {
        try (Admin admin = kafka.admin()) {
            Set<TopicPartition> tps = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
            return admin.listOffsets(tps.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                .all().get().values().stream().mapToLong(i -> i.offset()).sum();
        }
    }

    private void awaitAllCommitted() {
        Awaitility.await("every record committed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> committedTotal() == endTotal());
    }

    private void awaitDelivered(int fingerprints) {
        Awaitility.await(fingerprints + " alerts delivered").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .until(() -> delivered.size() >= fingerprints);
    }

    private void assertEachDeliveredOnce(int expected) {
        assertEquals(expected, delivered.size(), "distinct alerts: " + rulesDelivered);
        assertNoneDeliveredTwice();
    }

    /** Exactly these alerts (fingerprints) were delivered, each once. */
    private void assertEachDeliveredOnce(Set<String> expected) {
        assertEquals(new TreeSet<>(expected), new TreeSet<>(delivered.keySet()), "distinct alerts: " + rulesDelivered);
        assertNoneDeliveredTwice();
    }

    private void assertNoneDeliveredTwice() {
        Map<String, Integer> twice = delivered.entrySet().stream().filter(e -> e.getValue().get() != 1)
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
        assertTrue(twice.isEmpty(), "notified more than once: " + twice);
    }

    /** The alerts the same rows raise when fed in order to the shipped rules in memory, a poll's worth at a time. */
    private static List<Alert> raisedInMemory(List<Map.Entry<String, String>> rows) throws Exception {
        try (RuleHarness h = RuleHarness.shipped()) {
            for (int i = 0; i < rows.size(); i += MAX_POLL_RECORDS) {
                h.feed(rows.subList(i, Math.min(rows.size(), i + MAX_POLL_RECORDS)).stream().map(Map.Entry::getValue).toArray());
            }
            h.drain();
            return h.alerts();
        }
    }

    @Test
    void theDeliveryCheckRejectsAnAlertDeliveredTwiceOrOneMissing() {
        delivered.put("fp-1", new AtomicInteger(1));
        delivered.put("fp-2", new AtomicInteger(2));
        assertThrows(AssertionFailedError.class, () -> assertEachDeliveredOnce(2));
        assertThrows(AssertionFailedError.class, () -> assertEachDeliveredOnce(Set.of("fp-1", "fp-2")));
        delivered.get("fp-2").set(1);
        assertEachDeliveredOnce(Set.of("fp-1", "fp-2"));
        assertThrows(AssertionFailedError.class, () -> assertEachDeliveredOnce(Set.of("fp-1", "fp-2", "fp-3")));
        assertThrows(AssertionFailedError.class, () -> assertEachDeliveredOnce(Set.of("fp-1")));
    }

    @Test
    void recordsInAlertsOutAPoisonRecordGoesToTheDeadLetterTopicAndAlertsToTheAlertsTopic() throws Exception {
        kafka.createTopic(topic, 3);
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int m = 0; m < 10; m++) {
            records.add(malicious("m-" + m, 1));
            if (m == 4) {
                records.add(Map.entry("m-4", "{\"Type\": \"VMConnection\", \"TimeGenerated\": "));
                records.add(Map.entry("m-4", Rows.connection("2024-05-01T10:01:00Z", "m-4").set("Direction", "sideways").json()));
            }
            records.add(wildcard("m-" + m, 2));
        }
        // Azure Monitor data export's envelope: one message, two tables
        records.add(Map.entry("m-10", "{\"records\": [" + malicious("m-10", 3).getValue() + ", " + wildcard("m-10", 3).getValue() + "]}"));
        kafka.produce(topic, records);
        ConnwatchService s = start("a", "    - {name: bus, type: kafka, bootstrap-servers: \"" + kafka.bootstrap()
            + "\", topic: " + topic + "-alerts}");

        awaitDelivered(22);
        awaitAllCommitted();
        assertEachDeliveredOnce(22);
        assertEquals(11, rulesDelivered.stream().filter("malicious-remote-ip-outbound"::equals).count());
        assertEquals(11, rulesDelivered.stream().filter("unexpected-wildcard-bind"::equals).count());

        List<ConsumerRecord<String, String>> dead = kafka.readAll(topic + "-dead");
        assertEquals(2, dead.size(), dead.toString());
        for (ConsumerRecord<String, String> d : dead) {
            assertEquals("m-4", d.key(), "the original key is kept");
            String error = LocalKafka.header(d, "connwatch-error");
            assertNotNull(error);
            assertTrue(error.startsWith(topic + "/" + LocalKafka.header(d, "connwatch-source-partition") + "@"
                + LocalKafka.header(d, "connwatch-source-offset")), error);
            assertEquals(topic, LocalKafka.header(d, "connwatch-source-topic"));
        }
        Set<String> errors = dead.stream().map(d -> LocalKafka.header(d, "connwatch-error")).collect(Collectors.toSet());
        assertTrue(errors.stream().anyMatch(e -> e.contains("Direction")), errors.toString());
        assertEquals(2, s.ingest().rejected.sum());
        assertEquals(22, s.ingest().accepted.sum());
        assertEquals(2, s.kafka().stats().deadLettered.sum());

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> kafka.readAll(topic + "-alerts").size() >= 22);
        List<ConsumerRecord<String, String>> published = kafka.readAll(topic + "-alerts");
        assertEquals(22, published.size());
        for (ConsumerRecord<String, String> a : published) {
            JsonNode alert = JSON.readTree(a.value());
            assertEquals(alert.get("fingerprint").asText(), a.key(), "keyed by fingerprint");
            assertEquals(alert.get("rule").asText(), LocalKafka.header(a, "connwatch-rule"));
        }
        assertEquals(delivered.keySet(), published.stream().map(ConsumerRecord::key).collect(Collectors.toSet()));
    }

    @Test
    void stoppedAndRestartedMidStreamLosesNoAlertAndNotifiesNoneTwice() throws Exception {
        kafka.createTopic(topic, 2);
        List<Map.Entry<String, String>> first = fleet(10, 1);
        kafka.produce(topic, first);
        ConnwatchService a = start("same", "");
        awaitDelivered(10);
        awaitAllCommitted();
        stop(a);

        // The same findings go on (same episode: no second notification), ten machines are new.
        List<Map.Entry<String, String>> second = fleet(20, 3);
        kafka.produce(topic, second);
        ConnwatchService b = start("same", "");
        awaitDelivered(20);
        awaitAllCommitted();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> b.kafka().stats().records.sum() >= 30);
        assertEachDeliveredOnce(20);
        assertEquals(10, b.kafka().stats().replayed.sum(), "the rewind re-read the first ten records");
        assertTrue(b.kafka().statsJson().getLong("repeatsHeldBack") >= 10, b.kafka().statsJson().encode());
    }

    @Test
    void twoInstancesInOneGroupSplitThePartitionsAndEachAlertIsRaisedOnce() throws Exception {
        kafka.createTopic(topic, 4);
        ConnwatchService a = start("a", "");
        ConnwatchService b = start("b", "");
        Awaitility.await("both instances own partitions").atMost(Duration.ofSeconds(60)).until(() ->
            !a.kafka().stats().assigned().isEmpty() && !b.kafka().stats().assigned().isEmpty()
                && a.kafka().stats().assigned().size() + b.kafka().stats().assigned().size() == 4);
        Set<String> union = new HashSet<>(a.kafka().stats().assigned());
        union.addAll(b.kafka().stats().assigned());
        assertEquals(4, union.size(), "no partition owned twice");

        List<Map.Entry<String, String>> records = fleet(40, 1);
        kafka.produce(topic, records);
        awaitDelivered(40);
        awaitAllCommitted();
        assertEachDeliveredOnce(40);
        assertTrue(a.kafka().stats().records.sum() > 0 && b.kafka().stats().records.sum() > 0,
            "both consumed: " + a.kafka().stats().records.sum() + " / " + b.kafka().stats().records.sum());
        assertEquals(40, a.kafka().stats().records.sum() + b.kafka().stats().records.sum());
    }

    @Test
    void twoInstancesShareSilencesAndTheNotificationLogAndNotifyEachGroupOnce() throws Exception {
        groupBy = "[computer]";
        kafka.createTopic(topic, 4);
        ConnwatchService a = start("a", "");
        ConnwatchService b = start("b", "");
        Awaitility.await("both instances own partitions").atMost(Duration.ofSeconds(60)).until(() ->
            a.kafka().stats().assigned().size() + b.kafka().stats().assigned().size() == 4);
        // a silence added on one instance holds on the other within seconds
        Silence s = a.stages().silences().add(Matchers.parse("{machine=\"m-7\"}"), Instant.now(), Instant.now().plusSeconds(3600),
            "alice", "maintenance of m-7", Instant.now());
        Awaitility.await("the silence reached b").atMost(Duration.ofSeconds(10)).until(() -> b.stages().silences().get(s.id()).isPresent());

        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int m = 0; m < 10; m++) {
            records.add(malicious("m-" + m, 1));
        }
        kafka.produce(topic, records);
        awaitDelivered(9);
        awaitAllCommitted();
        ConnwatchService owner = a.lifecycle().alerts().stream().anyMatch(v -> "m-7".equals(v.labels().get("machine"))) ? a : b;
        Awaitility.await("m-7 held back by the silence").atMost(Duration.ofSeconds(20)).until(() -> owner.lifecycle().alerts().stream()
            .anyMatch(v -> "m-7".equals(v.labels().get("machine")) && v.state() == GroupDispatcher.State.SILENCED));
        assertEachDeliveredOnce(9);
        // both instances know every group's log entry: the one not owning a group would not notify it again
        Awaitility.await("notification log shared").atMost(Duration.ofSeconds(10)).until(() ->
            a.lifecycle().counters().notificationsFiring.get() + b.lifecycle().counters().notificationsFiring.get() == 9);
    }

    @Test
    void consumesOverSaslWithThePasswordFromTheEnvironmentAndNeverLogsIt() throws Exception {
        kafka.createTopic(topic, 1);
        kafka.produce(topic, List.of(malicious("m-1", 1), wildcard("m-1", 1)));
        // Kafka's clients print their whole configuration at INFO: capture it for this test.
        ch.qos.logback.classic.Logger kafkaLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.kafka");
        ch.qos.logback.classic.Level before = kafkaLog.getLevel();
        kafkaLog.setLevel(ch.qos.logback.classic.Level.INFO);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        ConnwatchService s;
        try {
            s = start("sasl", "", """
            bootstrap-servers: %s
            security-protocol: SASL_PLAINTEXT
            sasl-mechanism: PLAIN
            sasl-username: connwatch
            sasl-password: ${KAFKA_PASSWORD}""".formatted(kafka.saslBootstrap()), Map.of("KAFKA_PASSWORD", "connwatch-secret"));
            awaitDelivered(2);
            awaitAllCommitted();
        } finally {
            root.detachAppender(logs);
            kafkaLog.setLevel(before);
        }
        assertEachDeliveredOnce(2);
        assertEquals(2, s.kafka().stats().records.sum());
        List<String> lines = logs.list.stream().map(e -> e.getFormattedMessage()).toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("sasl.jaas.config = [hidden]")), "the client configuration was logged");
        assertTrue(lines.stream().noneMatch(l -> l.contains("connwatch-secret")), "the password reached the log");
    }

    @Test
    void aBrokerKilledAndStartedAgainUnderTheEngineIsSurvived() throws Exception {
        LocalKafka own = LocalKafka.start(tmp.resolve("broker"));
        LocalKafka sharedBroker = kafka;
        kafka = own;
        try {
            kafka.createTopic(topic, 2);
            ConnwatchService s = start("survivor", "");
            List<Map.Entry<String, String>> first = fleet(5, 1);
            kafka.produce(topic, first);
            awaitDelivered(5);
            awaitAllCommitted();

            own.kill();
            own.restart();
            List<Map.Entry<String, String>> second = fleet(10, 4);
            kafka.produce(topic, second);
            awaitDelivered(10);
            awaitAllCommitted();
            assertEachDeliveredOnce(10);
            assertEquals(15, s.kafka().stats().records.sum());
            stop(s);
        } finally {
            kafka = sharedBroker;
            own.close();
        }
    }

    @Test
    void anInstanceJoiningMidStreamTakesPartitionsOverWithoutAnAlertStorm() throws Exception {
        kafka.createTopic(topic, 4);
        ConnwatchService a = start("first", "");
        List<Map.Entry<String, String>> early = fleet(20, 1);
        kafka.produce(topic, early);
        awaitDelivered(20);
        awaitAllCommitted();

        ConnwatchService b = start("joiner", "");
        Awaitility.await("the joiner owns partitions").atMost(Duration.ofSeconds(60)).until(() ->
            !b.kafka().stats().assigned().isEmpty() && a.kafka().stats().assigned().size() + b.kafka().stats().assigned().size() == 4);
        List<Map.Entry<String, String>> late = fleet(40, 5);
        kafka.produce(topic, late);
        awaitDelivered(40);
        awaitAllCommitted();
        assertEachDeliveredOnce(40);
        assertTrue(b.kafka().stats().replayed.sum() > 0, "the joiner re-read what the first instance had judged");
        assertTrue(b.kafka().statsJson().getLong("repeatsHeldBack") > 0, b.kafka().statsJson().encode());
    }

    @Test
    void aBacklogReadFromPartitionsOfDifferentDensityIsJudgedInEventTimeOrder() throws Exception {
        // Partition 0: a busy machine, 300 rows a minute for 31 minutes, spiking at the end.
        // Partition 1: a quiet machine, one row a minute. One fetch holds all of partition 1 but
        // only minutes of partition 0: without alignment partition 1 would push the watermark to
        // minute 30 and the busy machine's history would be late for its windows.
        kafka.createTopic(topic, 2);
        List<String> busy = new ArrayList<>();
        List<String> quiet = new ArrayList<>();
        for (int minute = 0; minute <= 30; minute++) {
            for (int i = 0; i < 300; i++) {
                boolean failed = minute >= 26 ? i < 20 : i == 0;
                busy.add(Rows.connection("2024-05-01T12:%02d:%02dZ".formatted(minute, i % 60), "m-busy")
                    .set("ProcessName", "backup").set("Process", "p-b").set("DestinationIp", "10.2.0." + (i % 10 + 1))
                    .set("LinksFailed", failed ? 1 : 0).set("LinksEstablished", failed ? 0 : 1).json());
            }
            quiet.add(Rows.connection("2024-05-01T12:%02d:00Z".formatted(minute), "m-quiet").json());
        }
        kafka.produceTo(topic, 0, "m-busy", busy);
        kafka.produceTo(topic, 1, "m-quiet", quiet);
        ConnwatchService s = start("aligned", "");
        Awaitility.await("the busy machine's spike").atMost(Duration.ofSeconds(60))
            .until(() -> rulesDelivered.stream().anyMatch(r -> r.equals("connection-failure-spike-machine")));
        awaitAllCommitted();
        assertEquals(0, s.engine().stats().lateForWindows.sum(), "no row was late for its windows");
        assertTrue(s.kafka().stats().alignmentPauses.sum() > 0, "the quiet partition had to wait");
    }

    @Test
    void aFailureSpikeStraddlingARestartIsStillDetected() throws Exception {
        // One failed connection a minute from one process for 12 minutes of history, then 20 a
        // minute: the process floor (25 in 5 minutes) is crossed only in the spike's second minute.
        // The first instance stops after the spike's first minute; the next one must rebuild the
        // history (the rewind) to see the spike at all: without it there is no baseline.
        kafka.createTopic(topic, 1);
        List<Map.Entry<String, String>> before = new ArrayList<>();
        List<Map.Entry<String, String>> after = new ArrayList<>();
        for (int minute = 0; minute < 16; minute++) {
            int failed = minute < 12 ? 1 : 20;
            for (int i = 0; i < failed; i++) {
                String row = Rows.connection("2024-05-01T11:%02d:%02dZ".formatted(minute, i % 60), "m-spike")
                    .set("DestinationIp", "10.1.0." + (i % 200 + 1)).set("LinksFailed", 1).set("LinksEstablished", 0).json();
                (minute < 13 ? before : after).add(Map.entry("m-spike", row));
            }
        }
        kafka.produce(topic, before);
        ConnwatchService a = start("spike", "");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> committedTotal() == before.size());
        assertEquals(0, a.engine().stats().alertsPublished.sum(), "nothing to see before the spike's second minute");
        stop(a);
        int deliveredBefore = delivered.size();
        kafka.produce(topic, after);
        start("spike", "");
        Awaitility.await("the spike alert").atMost(Duration.ofSeconds(60))
            .until(() -> rulesDelivered.stream().anyMatch(r -> r.startsWith("connection-failure-spike")));
        awaitAllCommitted();
        assertEquals(0, deliveredBefore, "the spike is not visible before its second minute");
        List<Map.Entry<String, String>> all = new ArrayList<>(before);
        all.addAll(after);
        List<Alert> inMemory = raisedInMemory(all);
        List<String> rules = inMemory.stream().map(Alert::rule).toList();
        assertTrue(rules.stream().anyMatch(r -> r.startsWith("connection-failure-spike")), "in memory too: " + rules);
        assertEachDeliveredOnce(inMemory.stream().map(Alert::fingerprint).collect(Collectors.toSet()));
    }
}

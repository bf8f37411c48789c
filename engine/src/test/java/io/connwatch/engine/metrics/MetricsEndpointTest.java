package io.connwatch.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.Rows;
import io.connwatch.engine.service.ConnwatchService;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} and {@code GET /ready} of the service as {@code connwatch run} starts it, on
 * loopback, fed over real HTTP and delivering to a real webhook receiver; every scrape is parsed
 * with the strict {@link PrometheusTextParser}.
 */
class MetricsEndpointTest {
    private static final String READ = TestTokens.bearer(TestTokens.READ);
    private static final String INGEST = TestTokens.bearer(TestTokens.INGEST);

    @TempDir
    Path tmp;

    private HttpServer receiver;
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger received = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();
    private ConnwatchService service;

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            int s = status.get();
            if (s == 200) {
                received.incrementAndGet();
            }
            ex.sendResponseHeaders(s, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        receiver.stop(0);
    }

    /** The service with a webhook receiver, a feed of two addresses, no grouping wait, and readiness checked every 100 ms. */
    static ConnwatchConfig config(Path tmp, int receiverPort, String ready) throws Exception {
        Path feed = Files.writeString(tmp.resolve("blocklist.txt"), "203.0.113.250\n198.51.100.7\n");
        return ConnwatchConfig.parse("test", """
            rules:
              directory: %s
            http:
              port: 0
              auth:
                tokens:
                  - {name: admin, roles: [admin], token: %s}
                  - {name: shipper, roles: [ingest], token: %s}
                  - {name: prometheus, roles: [read], token: %s}
                  - {name: operator, roles: [operate], token: %s}
            outputs:
              console: false
              jsonl: %s
            threat-intel:
              feeds:
                - {name: blocklist, format: plain, path: %s, threat-type: C2, severity: 5, confidence: 90}
            notify:
              outbox: %s
              state: %s
              group-wait: 0s
              retry: {initial: 300ms, max: 1s}
              circuit-breaker: {failures: 1000}
              receivers:
                - {name: hook, type: webhook, url: "http://127.0.0.1:%d/alerts"}
              default-receivers: [hook]
            ready:
              check-interval: 100ms
              %s
            """.formatted(Path.of("..", "rules").toAbsolutePath(), TestTokens.ADMIN, TestTokens.INGEST, TestTokens.READ, TestTokens.OPERATE,
            tmp.resolve("alerts.jsonl"), feed,
            tmp.resolve("outbox"), tmp.resolve("lifecycle"), receiverPort, ready), Map.of());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + service.httpPort() + path);
    }

    private HttpResponse<String> get(String path, String auth, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> ingest(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/ingest")).header("Authorization", INGEST)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Scrapes /metrics as Prometheus does (a read token, Prometheus' Accept for the text format) and parses it. */
    private Map<String, PrometheusTextParser.Family> scrape() throws Exception {
        HttpResponse<String> r = get("/metrics", READ, "text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(ConnwatchMetrics.TEXT_FORMAT, r.headers().firstValue("Content-Type").orElse(""));
        return PrometheusTextParser.parse(r.body());
    }

    /** The value of the one sample named so with exactly these labels. */
    static double value(Map<String, PrometheusTextParser.Family> families, String name, Map<String, String> labels) {
        List<Double> found = families.values().stream().flatMap(f -> f.samples().stream())
            .filter(s -> s.name().equals(name) && s.labels().equals(labels)).map(PrometheusTextParser.Sample::value).toList();
        assertEquals(1, found.size(), name + labels + " in " + families.keySet());
        return found.get(0);
    }

    static Set<String> sampleNames(Map<String, PrometheusTextParser.Family> families) {
        Set<String> names = new TreeSet<>();
        families.values().forEach(f -> f.samples().forEach(s -> names.add(s.name())));
        return names;
    }

    @Test
    void theScrapeParsesAsPrometheusTextAndCountsWhatWasSentByItsLabels() throws Exception {
        service = ConnwatchService.start(config(tmp, receiver.getAddress().getPort(), ""), new PrintWriter(new StringWriter(), true));
        String body = String.join("\n",
            Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.135.73").malicious("C2", 5, 90).json(),
            Rows.connection("2024-05-01T10:00:01Z", "m-1").json(),
            Rows.connection("2024-05-01T10:00:02Z", "m-2").json(),
            Rows.boundPort("2024-05-01T10:00:00Z", "m-3").set("Ip", "0.0.0.0").set("ProcessName", "redis-server").json(),
            Rows.boundPort("2024-05-01T10:00:00Z", "m-3").json(),
            Rows.connection("2024-05-01T10:00:02Z", "m-2").set("DestinationPort", "https").json()) + "\n";
        HttpResponse<String> r = ingest(body);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(5, new JsonObject(r.body()).getInteger("accepted"), r.body());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> service.delivery().outbox().pending().isEmpty() && received.get() >= 1);

        Map<String, PrometheusTextParser.Family> m = scrape();
        assertEquals(3.0, value(m, "connwatch_records_ingested_total", Map.of("source", "http", "table", "VMConnection")));
        assertEquals(2.0, value(m, "connwatch_records_ingested_total", Map.of("source", "http", "table", "VMBoundPort")));
        assertEquals(0.0, value(m, "connwatch_records_ingested_total", Map.of("source", "kafka", "table", "VMConnection")));
        assertEquals(0.0, value(m, "connwatch_records_ingested_total", Map.of("source", "file", "table", "VMBoundPort")));
        assertEquals(1.0, value(m, "connwatch_records_rejected_total", Map.of("source", "http")));
        assertEquals(5.0, value(m, "connwatch_records_processed_total", Map.of()));
        assertEquals("counter", m.get("connwatch_records_ingested_total").type());
        assertEquals("Records accepted by a source (decoded and handed to the rules)", m.get("connwatch_records_ingested_total").help());

        assertEquals(1.0, value(m, "connwatch_alerts_published_total", Map.of("rule", "malicious-remote-ip-outbound", "severity", "critical")));
        assertEquals(1.0, value(m, "connwatch_alerts_published_total", Map.of("rule", "unexpected-wildcard-bind", "severity", "medium")));
        assertTrue(value(m, "connwatch_rule_fires_total", Map.of("rule", "malicious-remote-ip-outbound")) >= 1);
        assertEquals(0.0, value(m, "connwatch_rule_errors_total", Map.of("rule", "malicious-remote-ip-outbound")),
            "every rule in force has its series from the start");
        assertEquals(0.0, value(m, "connwatch_rule_fires_total", Map.of("rule", "exfiltration-volume")));
        assertEquals(1.0, value(m, "connwatch_config_last_reload_successful", Map.of()));
        assertTrue(value(m, "connwatch_rules_loaded", Map.of()) >= 12);
        double lag = value(m, "connwatch_watermark_lag_seconds", Map.of());
        assertTrue(lag > Duration.ofDays(30).toSeconds(), "the records are from 2024: " + lag);

        double delivered = value(m, "connwatch_notifications_total", Map.of("receiver", "hook", "status", "delivered"));
        assertEquals(received.get(), delivered);
        assertEquals(0.0, value(m, "connwatch_notifications_total", Map.of("receiver", "hook", "status", "dead_lettered")));
        for (String reason : List.of("temporary", "rate_limited", "permanent")) {
            assertEquals(0.0, value(m, "connwatch_notifications_failed_total", Map.of("receiver", "hook", "reason", reason)));
        }
        assertEquals("histogram", m.get("connwatch_notification_latency_seconds").type());
        assertEquals(delivered, value(m, "connwatch_notification_latency_seconds_count", Map.of("receiver", "hook")));
        for (String le : List.of("1.0", "5.0", "10.0", "15.0", "20.0", "+Inf")) {
            assertEquals(delivered, value(m, "connwatch_notification_latency_seconds_bucket", Map.of("receiver", "hook", "le", le)),
                "a loopback delivery takes less than a second: le=" + le);
        }
        assertEquals(0.0, value(m, "connwatch_outbox_pending", Map.of("receiver", "hook")));
        assertEquals(0.0, value(m, "connwatch_outbox_oldest_age_seconds", Map.of("receiver", "hook")));
        assertEquals(0.0, value(m, "connwatch_dead_letters", Map.of("receiver", "hook")));
        assertEquals(0.0, value(m, "connwatch_circuit_open", Map.of("receiver", "hook")));

        double tracked = 0;
        for (String state : List.of("active", "silenced", "inhibited", "acknowledged", "resolved")) {
            tracked += value(m, "connwatch_alerts", Map.of("state", state));
        }
        assertEquals(service.lifecycle().alertCount(), tracked);
        assertEquals(2.0, value(m, "connwatch_lifecycle_alerts_received_total", Map.of()));
        for (String state : List.of("pending", "active", "expired")) {
            assertEquals(0.0, value(m, "connwatch_silences", Map.of("state", state)));
        }
        assertEquals(2.0, value(m, "connwatch_feed_indicators", Map.of("feed", "blocklist")));
        double age = value(m, "connwatch_feed_last_success_age_seconds", Map.of("feed", "blocklist"));
        assertTrue(age >= 0 && age < 60, "loaded at start: " + age);
        assertEquals(0.0, value(m, "connwatch_feed_failing", Map.of("feed", "blocklist")));
        assertEquals(1.0, value(m, "connwatch_ready", Map.of()));
        assertTrue(value(m, "connwatch_http_connections_open", Map.of()) >= 1, "this scrape's own connection");

        Set<String> names = sampleNames(m);
        assertTrue(names.contains("jvm_memory_used_bytes"), names.toString());
        assertTrue(names.contains("jvm_gc_pause_seconds_count") || names.contains("jvm_gc_memory_allocated_bytes_total"), names.toString());
        assertTrue(names.contains("jvm_threads_live_threads"), names.toString());
        assertTrue(names.contains("process_cpu_usage"), names.toString());
        assertTrue(names.contains("process_uptime_seconds"), names.toString());
        for (PrometheusTextParser.Family f : m.values()) {
            assertTrue(f.name().matches("(connwatch|jvm|process|system)_[a-z0-9_]+"), "a prefix and snake case: " + f.name());
            if (f.type().equals("counter")) {
                assertTrue(f.name().endsWith("_total"), "a counter ends in _total: " + f.name());
            }
            for (PrometheusTextParser.Sample s : f.samples()) {
                assertFalse(s.labels().containsKey("machine") || s.labels().containsKey("ip"), "never a machine or address: " + s);
                assertFalse(s.labels().values().stream().anyMatch(v -> v.startsWith("m-") || v.contains("192.9.135.73")),
                    "no machine or address as a label value: " + s);
            }
        }
    }

    @Test
    void metricsNeedTheReadRoleAndOpenMetricsIsAnsweredWhenAskedFor() throws Exception {
        service = ConnwatchService.start(config(tmp, receiver.getAddress().getPort(), ""), new PrintWriter(new StringWriter(), true));
        HttpResponse<String> anonymous = get("/metrics", null, null);
        assertEquals(401, anonymous.statusCode());
        assertFalse(anonymous.body().contains("connwatch_"), anonymous.body());
        assertEquals(403, get("/metrics", INGEST, null).statusCode(), "the ingest role does not read");
        assertEquals(200, get("/metrics", TestTokens.bearer(TestTokens.OPERATE), null).statusCode(), "operate includes read");

        HttpResponse<String> om = get("/metrics", READ, "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        assertEquals(200, om.statusCode());
        assertEquals(ConnwatchMetrics.OPENMETRICS_FORMAT, om.headers().firstValue("Content-Type").orElse(""));
        assertTrue(om.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        assertTrue(om.body().contains("connwatch_records_ingested_total{source=\"http\",table=\"VMConnection\"} 0"), om.body());

        HttpResponse<String> plain = get("/metrics", READ, null);
        assertEquals(ConnwatchMetrics.TEXT_FORMAT, plain.headers().firstValue("Content-Type").orElse(""), "the text format by default");
        PrometheusTextParser.parse(plain.body());
    }

    @Test
    void readyTurns503WhileDeliveryIsStuckAndBackTo200WhenItFlowsAgainWithTheReasonOnlyInStats() throws Exception {
        status.set(500);
        service = ConnwatchService.start(config(tmp, receiver.getAddress().getPort(), "delivery-stuck: 1s"),
            new PrintWriter(new StringWriter(), true));
        HttpResponse<String> ready = get("/ready", null, null);
        assertEquals(200, ready.statusCode(), "open to anyone, and ready at start");
        assertEquals(new JsonObject().put("status", "ready"), new JsonObject(ready.body()));

        assertEquals(200, ingest(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.135.73")
            .malicious("C2", 5, 90).json()).statusCode());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get("/ready", null, null).statusCode() == 503);
        HttpResponse<String> notReady = get("/ready", null, null);
        assertEquals(new JsonObject().put("status", "not ready"), new JsonObject(notReady.body()), "no details for anyone");

        JsonObject readiness = new JsonObject(get("/stats", READ, null).body()).getJsonObject("readiness");
        assertFalse(readiness.getBoolean("ready"));
        assertEquals(List.of("delivery_stuck"), readiness.getJsonArray("failing").getList());
        String reason = readiness.getJsonArray("reasons").getString(0);
        assertTrue(reason.startsWith("receiver hook: the oldest notification has waited") && reason.contains("failed attempts"), reason);
        Map<String, PrometheusTextParser.Family> m = scrape();
        assertEquals(0.0, value(m, "connwatch_ready", Map.of()));
        assertEquals(1.0, value(m, "connwatch_ready_check_failing", Map.of("check", "delivery_stuck")));
        assertEquals(0.0, value(m, "connwatch_ready_check_failing", Map.of("check", "rule_errors")));
        assertEquals(1.0, value(m, "connwatch_outbox_pending", Map.of("receiver", "hook")));
        assertTrue(value(m, "connwatch_outbox_oldest_age_seconds", Map.of("receiver", "hook")) > 1);
        assertTrue(value(m, "connwatch_notifications_failed_total", Map.of("receiver", "hook", "reason", "temporary")) >= 1, "500 is temporary");
        assertEquals(0.0, value(m, "connwatch_notifications_total", Map.of("receiver", "hook", "status", "delivered")));

        status.set(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get("/ready", null, null).statusCode() == 200);
        assertEquals(1, received.get());
        assertTrue(new JsonObject(get("/stats", READ, null).body()).getJsonObject("readiness").getBoolean("ready"));
        assertEquals(1.0, value(scrape(), "connwatch_notifications_total", Map.of("receiver", "hook", "status", "delivered")));
    }
}

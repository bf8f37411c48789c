package io.connwatch.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.ingest.kafka.KafkaIngest;
import io.connwatch.engine.rules.Rows;
import io.connwatch.engine.service.ConnwatchService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Grafana dashboard: well formed for Grafana (a Prometheus data source variable, every
 * panel on it, panels within the 24-column grid) and every PromQL query in it names only metrics
 * that a running service exports.
 */
class GrafanaDashboardTest {
    static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "connwatch-dashboard.json");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and",
        "or", "unless", "offset", "inf", "nan");

    @TempDir
    Path tmp;

    /** The metric names a PromQL expression reads: identifiers outside label matchers, strings and ranges, not functions or keywords. */
    static Set<String> metricNames(String promql) {
        String e = promql.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*}", "")
            .replaceAll("\\[[^]]*]", "")
            .replaceAll("\\$\\{?\\w+}?", "")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
        Set<String> out = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(e);
        while (m.find()) {
            String name = m.group();
            int after = m.end();
            while (after < e.length() && e.charAt(after) == ' ') {
                after++;
            }
            boolean function = after < e.length() && e.charAt(after) == '(';
            boolean number = m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1));
            if (!function && !number && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                out.add(name);
            }
        }
        return out;
    }

    @Test
    void theNameExtractionSkipsFunctionsLabelsRangesAndVariables() {
        assertEquals(Set.of("x_bucket"), metricNames(
            "histogram_quantile(0.95, sum by (le, receiver) (rate(x_bucket{instance=~\"$instance\", a=\"b{c}\"}[$__rate_interval])))"));
        assertEquals(Set.of("a_total", "b_total"), metricNames("sum(rate(a_total[5m])) / on (x) group_left sum(b_total) and bool 1e3"));
        assertEquals(Set.of("c_seconds"), metricNames("time() - max(c_seconds)"));
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.get("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    @Test
    void theDashboardIsWellFormedAndEveryQueryNamesOnlyExportedMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertTrue(dashboard.get("schemaVersion").asInt() >= 36, "a current Grafana schema");
        JsonNode datasource = null;
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (v.path("type").asText().equals("datasource")) {
                datasource = v;
            }
        }
        assertTrue(datasource != null && datasource.path("query").asText().equals("prometheus"), "a Prometheus data source variable");
        String uid = "${" + datasource.get("name").asText() + "}";

        Map<String, Set<String>> queries = new java.util.LinkedHashMap<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode p : panels(dashboard)) {
            assertTrue(ids.add(p.get("id").asInt()), "panel ids are unique: " + p.get("id"));
            JsonNode grid = p.get("gridPos");
            assertTrue(grid.get("x").asInt() + grid.get("w").asInt() <= 24, "within the grid: " + p.get("title"));
            if (p.get("type").asText().equals("row")) {
                continue;
            }
            assertEquals(uid, p.path("datasource").path("uid").asText(), "on the data source variable: " + p.get("title"));
            assertFalse(p.path("targets").isEmpty(), "a query: " + p.get("title"));
            for (JsonNode t : p.get("targets")) {
                String expr = t.get("expr").asText();
                assertFalse(expr.isBlank(), p.get("title").asText());
                queries.put(p.get("title").asText() + " / " + t.get("refId").asText() + ": " + expr, metricNames(expr));
            }
        }
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (v.path("type").asText().equals("query")) {
                String q = v.path("query").path("query").asText();
                Matcher m = Pattern.compile("label_values\\((\\w+),").matcher(q);
                assertTrue(m.find(), q);
                queries.put("variable " + v.get("name").asText() + ": " + q, Set.of(m.group(1)));
            }
        }
        assertTrue(queries.size() >= 30, "panels for ingest, rules, lifecycle, delivery, feeds, Kafka, readiness, JVM: " + queries.size());

        Set<String> exported = exportedByARunningService();
        List<String> unknown = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        queries.forEach((query, names) -> {
            assertFalse(names.isEmpty(), "a query names a metric: " + query);
            used.addAll(names);
            for (String n : names) {
                if (!exported.contains(n)) {
                    unknown.add(n + " in " + query);
                }
            }
        });
        assertEquals(List.of(), unknown, "exported: " + exported);
        for (String topic : List.of("connwatch_records_ingested_total", "connwatch_records_rejected_total", "connwatch_rule_fires_total",
            "connwatch_alerts", "connwatch_notifications_total", "connwatch_notifications_failed_total",
            "connwatch_notification_latency_seconds_bucket", "connwatch_outbox_pending", "connwatch_dead_letters", "connwatch_circuit_open",
            "connwatch_silences", "connwatch_feed_last_success_age_seconds", "connwatch_kafka_lag", "jvm_memory_used_bytes")) {
            assertTrue(used.contains(topic), "the dashboard shows " + topic);
        }
    }

    /**
     * The sample names of one scrape of a running service that ingested records, raised alerts and
     * delivered them to a loopback receiver, with a Kafka consumer's meters bound too (the consumer
     * is built, not started: no broker is needed to name its metrics).
     */
    private Set<String> exportedByARunningService() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger received = new AtomicInteger();
        receiver.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            received.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        try (ConnwatchService service = ConnwatchService.start(MetricsEndpointTest.config(tmp, receiver.getAddress().getPort(), ""),
            new PrintWriter(new StringWriter(), true))) {
            ConnwatchConfig kafka = ConnwatchConfig.parse("t", "kafka: {enabled: true, bootstrap-servers: '127.0.0.1:9', topics: [t]}",
                Map.of());
            service.metrics().bindKafka(new KafkaIngest(kafka.kafka(), service.engine(), service.ingest(), null, "dashboard-test"));
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + service.httpPort());
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/ingest"))
                .header("Authorization", TestTokens.bearer(TestTokens.INGEST)).POST(HttpRequest.BodyPublishers.ofString(
                    Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.135.73").malicious("C2", 5, 90).json()))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> received.get() >= 1);
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(base.resolve("/metrics"))
                .header("Authorization", TestTokens.bearer(TestTokens.READ)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode());
            return MetricsEndpointTest.sampleNames(PrometheusTextParser.parse(scrape.body()));
        } finally {
            receiver.stop(0);
        }
    }
}

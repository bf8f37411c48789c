package io.connwatch.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.Rows;
import io.connwatch.engine.service.ConnwatchService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service wires which receivers take acknowledgements: an acknowledgement through the API
 * reaches a PagerDuty receiver at once as a lone {@code acknowledge} event, and the webhook on the
 * same route is sent no acknowledgement notification.
 */
class AcknowledgementToPagerDutyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WILDCARD_RULE = "unexpected-wildcard-bind";

    @TempDir
    Path tmp;
    private HttpServer server;
    private final List<JsonNode> hook = new CopyOnWriteArrayList<>();
    private final List<JsonNode> pager = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ConnwatchService service;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/alerts", ex -> {
            hook.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.createContext("/v2/enqueue", ex -> {
            pager.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            byte[] ok = "{\"status\":\"success\",\"message\":\"Event processed\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(202, ok.length);
            ex.getResponseBody().write(ok);
            ex.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        String config = LifecycleRoutesTest.config(tmp, port, "group-by: [computer, rule]").replace("default-receivers: [hook]",
            "  - {name: pager, type: pagerduty, routing-key: R0UT1NGKEY0000000000000000000077, url: \"http://127.0.0.1:" + port
                + "/v2/enqueue\"}\n  default-receivers: [hook, pager]");
        service = ConnwatchService.start(ConnwatchConfig.parse("test", config, Map.of()), new PrintWriter(new StringWriter(), true));
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        server.stop(0);
    }

    private HttpResponse<String> send(String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
            .timeout(Duration.ofSeconds(30)).header("Authorization", TestTokens.bearer(token))
            .method(method, HttpRequest.BodyPublishers.ofString(body));
        b.header("Content-Type", "application/json");
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<String> actions() {
        return pager.stream().map(e -> e.path("event_action").asText()).toList();
    }

    @Test
    void anAcknowledgementThroughTheApiAcknowledgesThePagerDutyIncidentAtOnceAndTellsTheWebhookNothing() throws Exception {
        String row = Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "0.0.0.0").set("Computer", "web-01").json();
        assertEquals(200, send(TestTokens.INGEST, "POST", "/ingest", row).statusCode());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !hook.isEmpty() && actions().contains("trigger"));
        String key = "default:{computer=\"web-01\", rule=\"" + WILDCARD_RULE + "\"}";

        HttpResponse<String> acked = send(TestTokens.OPERATE, "POST", "/api/v1/groups/"
            + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20") + "/ack", "{\"comment\": \"on it\"}");
        assertEquals(200, acked.statusCode(), acked.body());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> actions().contains("acknowledge"));
        assertEquals(1, service.lifecycle().counters().notificationsAcknowledgement.get(), "one, for the PagerDuty receiver only");

        int first = actions().indexOf("acknowledge");
        JsonNode ack = pager.get(first);
        assertEquals(key, ack.path("dedup_key").asText());
        JsonNode before = pager.get(first - 1);
        assertEquals("trigger", before.path("event_action").asText());
        assertFalse(before.path("payload").path("custom_details").has("acknowledged"),
            "the acknowledge came alone, not after a trigger of the acknowledged group: " + before);
        for (JsonNode n : hook) {
            assertEquals("firing", n.path("status").asText());
        }
        assertEquals(0, hook.stream().filter(n -> !n.path("acknowledged").isNull()).count(),
            "the webhook got no message about the acknowledgement (acknowledged groups send it no repeats)");
    }
}

package io.connwatch.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.Rows;
import io.connwatch.engine.service.ConnwatchService;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Feeds refreshed on request (admin only), and the rules' fires and errors per rule in /rules. */
class FeedRoutesTest {
    @TempDir
    Path tmp;

    @Test
    void anAdminRefreshesAFeedNowAndTheRulesShowTheirFires() throws Exception {
        Path feed = tmp.resolve("bad.txt");
        Files.writeString(feed, "192.0.2.1\n");
        ConnwatchConfig config = ConnwatchConfig.parse("test", "rules:\n  directory: " + Path.of("..", "rules").toAbsolutePath()
            + "\nhttp:\n  port: 0\n" + TestTokens.authYaml() + "outputs:\n  console: false\n  jsonl: \"\"\nnotify:\n  outbox: "
            + tmp.resolve("outbox") + "\nthreat-intel:\n  feeds:\n    - {name: local, format: plain, path: " + feed
            + ", threat-type: C2, severity: 4, confidence: 90}\n", Map.of());
        try (ConnwatchService service = ConnwatchService.start(config, new PrintWriter(new StringWriter(), true))) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + service.httpPort();
            Files.writeString(feed, "192.0.2.1\n192.0.2.2\n192.0.2.3\n");
            HttpRequest.Builder refresh = HttpRequest.newBuilder(URI.create(base + FeedRoutes.PATH)).header("Content-Type", "application/json");
            HttpResponse<String> denied = http.send(refresh.copy().header("Authorization", TestTokens.bearer(TestTokens.INGEST))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, denied.statusCode(), "only admins refresh");
            HttpResponse<String> unknown = http.send(refresh.copy().header("Authorization", TestTokens.bearer(TestTokens.ADMIN))
                .POST(HttpRequest.BodyPublishers.ofString("{\"feed\": \"nosuch\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, unknown.statusCode());
            HttpResponse<String> done = http.send(refresh.copy().header("Authorization", TestTokens.bearer(TestTokens.ADMIN))
                .POST(HttpRequest.BodyPublishers.ofString("{\"feed\": \"local\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, done.statusCode(), done.body());
            assertEquals(3, new JsonObject(done.body()).getJsonArray("feeds").getJsonObject(0).getInteger("indicators"),
                "the edit is in without waiting for the interval");

            HttpResponse<String> ingest = http.send(HttpRequest.newBuilder(URI.create(base + "/ingest"))
                .header("Authorization", TestTokens.bearer(TestTokens.INGEST))
                .POST(HttpRequest.BodyPublishers.ofString(Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.0.2.3")
                    .json())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ingest.statusCode(), ingest.body());
            JsonObject rules = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(base + "/rules"))
                .header("Authorization", TestTokens.bearer(TestTokens.ADMIN)).build(), HttpResponse.BodyHandlers.ofString()).body());
            JsonObject outbound = rules.getJsonObject("stats").getJsonObject("malicious-remote-ip-outbound");
            assertEquals(1, outbound.getLong("fires"), rules.encode());
            assertEquals(0, outbound.getLong("errors"));
            assertTrue(rules.getJsonObject("stats").containsKey("port-scan-fan-out"), "every rule in force is listed, fired or not");
        }
    }
}

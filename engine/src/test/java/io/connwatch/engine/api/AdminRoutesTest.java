package io.connwatch.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.ingest.http.HttpIngest;
import io.connwatch.engine.rules.CollectingSink;
import io.connwatch.engine.rules.EventRetention;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RuleHarness;
import io.connwatch.engine.rules.RuleSet;
import io.connwatch.engine.rules.RulesWatcher;
import io.connwatch.feeds.FeedStatus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The status and admin routes on a real HTTP server on loopback: every status code and JSON shape as clients read them. */
class AdminRoutesTest {
    private static final FeedStatus FEODO = new FeedStatus("feodo", "config/feeds/feodo.csv", 12, 0, 1, 2,
        Instant.parse("2024-05-01T10:00:00Z"), Instant.parse("2024-05-01T10:05:00Z"), null, Instant.parse("2024-05-01T11:00:00Z"));
    private static final FeedStatus BROKEN = new FeedStatus("broken", "https://feeds.example/x.txt", 0, 3, 0, 0,
        null, Instant.parse("2024-05-01T10:05:00Z"), "HTTP 503", null);

    private Vertx vertx;
    private WebClient client;
    private RuleEngine engine;
    private RulesWatcher watcher;

    private void start(boolean reload) throws Exception {
        RuleSet set = RuleSet.load(RuleHarness.SHIPPED_RULES, EventRetention.DEFAULT);
        engine = new RuleEngine(set, new CollectingSink(), RuleEngine.Settings.defaults(), Clock.systemUTC());
        watcher = reload ? new RulesWatcher(engine, RuleHarness.SHIPPED_RULES) : null;
        IngestStats stats = new IngestStats();
        stats.accepted.add(7);
        vertx = Vertx.vertx();
        AdminRoutes admin = new AdminRoutes(new AdminRoutes.Sources(engine, stats, () -> List.of(FEODO, BROKEN),
            Optional.ofNullable(watcher).map(w -> w::requestReload), Map.of("kafka", () -> new JsonObject().put("records", 3))));
        HttpApiVerticle verticle = new HttpApiVerticle(new HttpApiVerticle.Settings("127.0.0.1", 0,
            new HttpIngest(engine, stats, 1 << 20), admin, TestTokens.security()));
        vertx.deployVerticle(verticle).await();
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(verticle.actualPort()));
    }

    @AfterEach
    void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (watcher != null) {
            watcher.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private HttpResponse<Buffer> get(String path) {
        return client.get(path).putHeader("Authorization", TestTokens.bearer(TestTokens.READ)).send().await();
    }

    private HttpResponse<Buffer> reload() {
        return client.post("/admin/reload").putHeader("Authorization", TestTokens.bearer(TestTokens.ADMIN)).send().await();
    }

    @Test
    void healthFeedsAndStatsAnswerInTheirDocumentedShapes() throws Exception {
        start(false);
        HttpResponse<Buffer> health = get("/health");
        assertEquals(200, health.statusCode());
        assertEquals("application/json", health.getHeader("Content-Type"));
        assertEquals("{\"status\":\"ok\"}", health.bodyAsString());

        HttpResponse<Buffer> feeds = get("/feeds");
        assertEquals(200, feeds.statusCode());
        assertEquals("application/json", feeds.getHeader("Content-Type"));
        assertEquals("[{\"name\":\"feodo\",\"source\":\"config/feeds/feodo.csv\",\"indicators\":12,\"allowEntries\":0,\"problems\":1,"
            + "\"skipped\":2,\"lastSuccess\":\"2024-05-01T10:00:00Z\",\"lastAttempt\":\"2024-05-01T10:05:00Z\",\"lastError\":null,"
            + "\"nextRefresh\":\"2024-05-01T11:00:00Z\"},"
            + "{\"name\":\"broken\",\"source\":\"https://feeds.example/x.txt\",\"indicators\":0,\"allowEntries\":3,\"problems\":0,"
            + "\"skipped\":0,\"lastSuccess\":null,\"lastAttempt\":\"2024-05-01T10:05:00Z\",\"lastError\":\"HTTP 503\","
            + "\"nextRefresh\":null}]", feeds.bodyAsString());

        HttpResponse<Buffer> stats = get("/stats");
        assertEquals(200, stats.statusCode());
        assertEquals("{\"accepted\":7,\"rejected\":0,\"records\":0,\"lateForWindows\":0,\"historyRows\":0,\"rollups\":0,\"rollupsDropped\":0,\"rollupsSkipped\":0,\"rowsSkipped\":0,"
            + "\"rulesFired\":0,\"ruleErrors\":0,\"ruleFailures\":[],\"alertsRaised\":0,\"alertsPublished\":0,\"lateDetections\":0,\"sessionRepairs\":0,\"watermark\":null,"
            + "\"time\":{\"fleetNewest\":null,\"skewedClocks\":[],\"futureRefused\":0,\"futureMachines\":[],\"trackedMachines\":0,"
            + "\"machinesEvicted\":0,\"processRowsDropped\":0,\"remoteRowsDropped\":0,\"cadenceKeysDropped\":0},\"problems\":[],"
            + "\"kafka\":{\"records\":3}}", stats.bodyAsString());
    }

    @Test
    void rulesListsWhatRunsAndReloadIsAbsentWithoutAWatcher() throws Exception {
        start(false);
        HttpResponse<Buffer> rules = get("/rules");
        assertEquals(200, rules.statusCode());
        assertEquals("application/json", rules.getHeader("Content-Type"));
        JsonObject r = rules.bodyAsJsonObject();
        assertEquals(List.of("version", "directory", "rules", "files", "stats"), List.copyOf(r.fieldNames()));
        assertEquals("1", r.getString("version"));
        assertTrue(r.getJsonArray("rules").contains("unexpected-wildcard-bind"), r.encode());
        assertEquals(404, reload().statusCode());
    }

    @Test
    void reloadAnswersWithItsOutcomeAndRulesShowsItAfterwards() throws Exception {
        start(true);
        HttpResponse<Buffer> reload = reload();
        assertEquals(200, reload.statusCode(), reload.bodyAsString());
        assertEquals("application/json", reload.getHeader("Content-Type"));
        JsonObject body = reload.bodyAsJsonObject();
        assertEquals(List.of("at", "version", "rules", "pausedMillis", "problems"), List.copyOf(body.fieldNames()));
        assertEquals("2", body.getString("version"));
        assertEquals(engine.rules().ruleNames().size(), body.getInteger("rules"));
        assertEquals(0, body.getJsonArray("problems").size());
        JsonObject rules = get("/rules").bodyAsJsonObject();
        assertEquals(List.of("version", "directory", "rules", "files", "stats", "lastReload"), List.copyOf(rules.fieldNames()));
        assertEquals(body, rules.getJsonObject("lastReload"));
    }
}

package io.connwatch.engine.ingest.http;

import io.connwatch.engine.api.AdminRoutes;
import io.connwatch.engine.api.HttpApiVerticle;
import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.ingest.IngestStats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Alert;
import io.connwatch.engine.alert.sink.AlertSink;
import io.connwatch.engine.rules.CollectingSink;
import io.connwatch.engine.rules.EventRetention;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RuleHarness;
import io.connwatch.engine.rules.RuleSet;
import io.connwatch.engine.rules.Rows;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ingest endpoint on a real HTTP server on loopback, driven by a real HTTP client. */
class HttpIngestTest {
    private Vertx vertx;
    private WebClient client;
    private RuleEngine engine;
    private IngestStats stats;
    private int port;

    private void start(AlertSink sink, int queuedBatches, long maxBody) throws Exception {
        RuleSet set = RuleSet.load(RuleHarness.SHIPPED_RULES, EventRetention.DEFAULT);
        engine = new RuleEngine(set, sink, new RuleEngine.Settings(1, RuleEngine.Settings.DEFAULT_ALLOWED_LATENESS,
            RuleEngine.Settings.DEFAULT_EPISODE_GAP, queuedBatches), Clock.systemUTC());
        stats = new IngestStats();
        vertx = Vertx.vertx();
        HttpApiVerticle verticle = new HttpApiVerticle(new HttpApiVerticle.Settings("127.0.0.1", 0, new HttpIngest(engine, stats, maxBody),
            new AdminRoutes(AdminRoutes.Sources.of(engine, stats)), TestTokens.security()));
        vertx.deployVerticle(verticle).await();
        port = verticle.actualPort();
        // the admin token may ingest and read /stats; the role matrix is HttpSecurityTest's
        client = WebClientSession.create(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)))
            .addHeader("Authorization", TestTokens.bearer(TestTokens.ADMIN));
    }

    @AfterEach
    void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private HttpResponse<Buffer> post(String path, String body) {
        return client.post(path).sendBuffer(Buffer.buffer(body)).await();
    }

    @Test
    void acceptsGoodRecordsRejectsBadOnesWithReasonsAndRunsTheRulesBeforeAnswering() throws Exception {
        CollectingSink sink = new CollectingSink();
        start(sink, 16, 1 << 20);
        String body = Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.135.73").malicious("C2", 5, 90).json()
            + "\n" + Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationPort", "https").json()
            + "\n" + Rows.boundPort("2024-05-01T10:00:00Z", "m-1").json() + "\n";
        HttpResponse<Buffer> r = post("/ingest", body);
        assertEquals(200, r.statusCode(), r.bodyAsString());
        JsonObject answer = r.bodyAsJsonObject();
        assertEquals(2, answer.getInteger("accepted"));
        assertEquals(1, answer.getInteger("rejected"));
        JsonObject rejection = answer.getJsonArray("rejections").getJsonObject(0);
        assertEquals("line 2", rejection.getString("location"));
        assertEquals("DestinationPort", rejection.getString("field"));
        assertEquals("not a whole number: 'https'", rejection.getString("reason"));
        List<Alert> alerts = sink.alerts();
        assertEquals(1, alerts.size(), "the rules ran before the answer");
        assertEquals("malicious-remote-ip-outbound", alerts.get(0).rule());

        JsonObject s = client.get("/stats").send().await().bodyAsJsonObject();
        assertEquals(2L, s.getLong("accepted"));
        assertEquals(1L, s.getLong("rejected"));
        assertEquals(1L, stats.accepted(IngestStats.Source.HTTP, io.connwatch.engine.facts.Table.VM_CONNECTION));
        assertEquals(1L, stats.accepted(IngestStats.Source.HTTP, io.connwatch.engine.facts.Table.VM_BOUND_PORT));
        assertEquals(1L, stats.rejected(IngestStats.Source.HTTP));
        assertEquals(0L, stats.rejected(IngestStats.Source.FILE));
        assertEquals(1L, s.getLong("alertsPublished"));
        assertEquals(200, client.get("/health").send().await().statusCode());
    }

    @Test
    void answersEachKindOfBadRequestWithItsOwnStatus() throws Exception {
        start(new CollectingSink(), 16, 2048);
        assertEquals(400, post("/ingest", "").statusCode());
        assertEquals(400, post("/ingest?table=VMProcess", "{}").statusCode());
        HttpResponse<Buffer> nothingGood = post("/ingest", "{\"Machine\":\"m-1\"}\n{not json\n");
        assertEquals(422, nothingGood.statusCode());
        assertEquals(2, nothingGood.bodyAsJsonObject().getInteger("rejected"));
        assertEquals(413, post("/ingest", "x".repeat(4096)).statusCode());
        HttpResponse<Buffer> chunked = client.post("/ingest").putHeader("Transfer-Encoding", "chunked")
            .sendBuffer(Buffer.buffer("y".repeat(4096))).await();
        assertEquals(413, chunked.statusCode());
        assertEquals(404, post("/nowhere", "{}").statusCode());
    }

    @Test
    void aBodySentAsAFormAsCurlDoesByDefaultIsReadAsRecords() throws Exception {
        CollectingSink sink = new CollectingSink();
        start(sink, 16, 1 << 20);
        String longLine = Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "0.0.0.0").set("Description", "d".repeat(20_000)).json();
        HttpResponse<Buffer> r = client.post("/ingest").putHeader("Content-Type", "application/x-www-form-urlencoded")
            .sendBuffer(Buffer.buffer(longLine)).await();
        assertEquals(200, r.statusCode(), r.bodyAsString());
        assertEquals(1, r.bodyAsJsonObject().getInteger("accepted"));
    }

    @Test
    void aTableHintAppliesToRecordsWithoutAType() throws Exception {
        CollectingSink sink = new CollectingSink();
        start(sink, 16, 1 << 20);
        HttpResponse<Buffer> r = post("/ingest?table=VMBoundPort",
            "[{\"TimeGenerated\":\"2024-05-01T10:00:00Z\",\"Machine\":\"m-1\",\"Ip\":\"::\",\"Port\":8443,\"ProcessName\":\"java\"}]");
        assertEquals(200, r.statusCode(), r.bodyAsString());
        assertEquals("unexpected-wildcard-bind", sink.alerts().get(0).rule());
    }

    @Test
    void saysServiceUnavailableWithRetryAfterWhenTheRulesCannotKeepUp() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AlertSink blocking = alert -> {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        start(blocking, 1, 1 << 20);
        String malicious = Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.135.73").malicious("C2", 5, 90).json();
        Future<HttpResponse<Buffer>> first = client.post("/ingest").sendBuffer(Buffer.buffer(malicious));
        assertTrue(entered.await(30, TimeUnit.SECONDS), "the partition is now busy publishing");
        assertNotNull(engine.offer(List.of()), "one batch fits in the queue");
        HttpResponse<Buffer> busy = post("/ingest", Rows.connection("2024-05-01T10:01:00Z", "m-1").json());
        assertEquals(503, busy.statusCode());
        assertEquals("1", busy.getHeader("Retry-After"));
        release.countDown();
        assertEquals(200, first.await().statusCode());
        assertEquals(200, post("/ingest", Rows.connection("2024-05-01T10:01:00Z", "m-1").json()).statusCode());
    }
}

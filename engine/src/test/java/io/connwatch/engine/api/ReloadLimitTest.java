package io.connwatch.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.connwatch.engine.api.auth.MutableClock;
import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.ingest.http.HttpIngest;
import io.connwatch.engine.rules.CollectingSink;
import io.connwatch.engine.rules.EventRetention;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RuleHarness;
import io.connwatch.engine.rules.RuleSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code POST /admin/reload} on a real server: one reload at a time, a few a minute, each refusal with its Retry-After. */
class ReloadLimitTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final AtomicInteger started = new AtomicInteger();
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);
    private Vertx vertx;
    private RuleEngine engine;
    private WebClient client;
    private HttpApiVerticle verticle;

    private void start(int perMinute) throws Exception {
        engine = new RuleEngine(RuleSet.load(RuleHarness.SHIPPED_RULES, EventRetention.DEFAULT), new CollectingSink(),
            RuleEngine.Settings.defaults(1), Clock.systemUTC());
        IngestStats stats = new IngestStats();
        // a reload that takes as long as the test says: it ends when the gate opens
        AdminRoutes.Reloader reloader = why -> {
            started.incrementAndGet();
            CompletableFuture<Void> g = gate;
            return g.thenApply(v -> new RuleEngine.Reload(Instant.now(), "2", List.of(), 0, List.of()));
        };
        AdminRoutes admin = new AdminRoutes(new AdminRoutes.Sources(engine, stats, List::of, Optional.of(reloader), Map.of()),
            new ReloadLimit(perMinute, clock));
        vertx = Vertx.vertx();
        verticle = new HttpApiVerticle(new HttpApiVerticle.Settings("127.0.0.1", 0, new HttpIngest(engine, stats, 1 << 20), admin,
            TestTokens.security()));
        vertx.deployVerticle(verticle).await();
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(verticle.actualPort()));
    }

    @AfterEach
    void stop() {
        gate.complete(null);
        if (vertx != null) {
            vertx.close().await();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private Future<HttpResponse<Buffer>> reload() {
        return client.post("/admin/reload").putHeader("Authorization", TestTokens.bearer(TestTokens.ADMIN)).send();
    }

    @Test
    void aReloadWhileOneRunsGets409AndTheSeventhInAMinuteGets429() throws Exception {
        start(ReloadLimit.DEFAULT_PER_MINUTE);
        gate = new CompletableFuture<>();
        Future<HttpResponse<Buffer>> running = reload();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 1);
        for (int i = 0; i < 4; i++) {
            HttpResponse<Buffer> busy = reload().await();
            assertEquals(409, busy.statusCode(), busy.bodyAsString());
            assertEquals("5", busy.getHeader("Retry-After"));
        }
        gate.complete(null);
        assertEquals(200, running.await().statusCode());
        assertEquals(1, started.get(), "the refused ones compiled nothing");

        for (int i = 1; i < ReloadLimit.DEFAULT_PER_MINUTE; i++) {
            clock.advance(Duration.ofSeconds(5));
            assertEquals(200, reload().await().statusCode(), "reload " + (i + 1));
        }
        HttpResponse<Buffer> tooMany = reload().await();
        assertEquals(429, tooMany.statusCode());
        assertEquals("35", tooMany.getHeader("Retry-After"), "until the first of the six is a minute old");
        assertEquals(ReloadLimit.DEFAULT_PER_MINUTE, started.get());
        clock.advance(Duration.ofSeconds(35));
        assertEquals(200, reload().await().statusCode());
        assertEquals(5, verticle.connectionStats().getLong("reloadsRefused"));
    }
}

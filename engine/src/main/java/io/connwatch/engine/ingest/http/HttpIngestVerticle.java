package io.connwatch.engine.ingest.http;

import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.facts.Rejection;
import io.connwatch.engine.rules.EngineStats;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RulesWatcher;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import io.connwatch.feeds.FeedStatus;

/**
 * The HTTP ingest endpoint: {@code POST /ingest} takes records in any shape the decoder reads
 * and answers with accepted and rejected counts and a reason for each rejected record, once the
 * accepted records have been through the rules. {@code GET /health} and {@code GET /stats} tell
 * how the engine is doing.
 *
 * <p>Status codes: 200 some or all records accepted; 400 empty body or unknown table; 413 body
 * over the size limit; 422 nothing in the body could be accepted; 503 with {@code Retry-After}
 * when the rule partitions are full and the sender should back off. Decoding runs on a worker
 * thread, rules on the partition threads, never on the event loop.
 */
public final class HttpIngestVerticle extends VerticleBase {
    /** Rejections listed in one response at most; the counts always cover all. */
    public static final int MAX_LISTED_REJECTIONS = 100;

    private final RuleEngine engine;
    private final IngestStats stats;
    private final String host;
    private final int port;
    private final long maxBodyBytes;
    private final Supplier<List<FeedStatus>> feeds;
    private final RulesWatcher watcher;
    private HttpServer server;
    private final java.util.Map<String, Supplier<JsonObject>> extraStats = new java.util.LinkedHashMap<>();

    public HttpIngestVerticle(RuleEngine engine, IngestStats stats, String host, int port, long maxBodyBytes) {
        this(engine, stats, host, port, maxBodyBytes, List::of, null);
    }

    /**
     * @param feeds   the feeds' status, served on {@code GET /feeds}
     * @param watcher reloads rules on {@code POST /admin/reload}; null to disable
     */
    public HttpIngestVerticle(RuleEngine engine, IngestStats stats, String host, int port, long maxBodyBytes,
                              Supplier<List<FeedStatus>> feeds, RulesWatcher watcher) {
        this.feeds = feeds;
        this.watcher = watcher;
        this.engine = engine;
        this.stats = stats;
        this.host = host;
        this.port = port;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Adds a section to GET /stats (e.g. the Kafka consumer's counters); call before deploying. */
    public HttpIngestVerticle extraStats(String name, Supplier<JsonObject> section) {
        extraStats.put(name, section);
        return this;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        // The body is read here rather than by BodyHandler, which would parse a body sent as
        // application/x-www-form-urlencoded (curl's default) as a form and fail on long lines.
        router.post("/ingest").handler(this::readBody);
        router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")));
        router.get("/stats").handler(ctx -> json(ctx, 200, statsJson()));
        router.get("/rules").handler(ctx -> json(ctx, 200, rulesJson()));
        if (watcher != null) {
            router.post("/admin/reload").handler(ctx -> vertx.executeBlocking(() -> watcher.requestReload("HTTP request").get(), false)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        json(ctx, 500, new JsonObject().put("error", "reload failed: " + ar.cause()));
                        return;
                    }
                    RuleEngine.Reload r = ar.result();
                    json(ctx, r.problems().isEmpty() ? 200 : 422, reloadJson(r));
                }));
        }
        router.get("/feeds").handler(ctx -> {
            JsonArray list = new JsonArray();
            for (FeedStatus f : feeds.get()) {
                list.add(new JsonObject().put("name", f.name()).put("source", f.source()).put("indicators", f.indicators())
                    .put("allowEntries", f.allowEntries()).put("problems", f.problems()).put("skipped", f.skipped())
                    .put("lastSuccess", str(f.lastSuccess())).put("lastAttempt", str(f.lastAttempt()))
                    .put("lastError", f.lastError()).put("nextRefresh", str(f.nextRefresh())));
            }
            ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(list.encode());
        });
        server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setDecompressionSupported(true))
            .requestHandler(router);
        return server.listen();
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** The port the server listens on (useful when configured as 0). */
    public int actualPort() {
        return server.actualPort();
    }

    private void readBody(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String declared = req.getHeader("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBodyBytes) {
                    tooLarge(ctx);
                    return;
                }
            } catch (NumberFormatException e) {
                json(ctx, 400, new JsonObject().put("error", "bad Content-Length"));
                return;
            }
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        req.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > maxBodyBytes) {
                refused[0] = true;
                tooLarge(ctx);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!refused[0]) {
                ingest(ctx, body.toString(StandardCharsets.UTF_8));
            }
        });
        req.resume();
    }

    private void tooLarge(RoutingContext ctx) {
        ctx.response().putHeader("Connection", "close");
        json(ctx, 413, new JsonObject().put("error", "body larger than " + maxBodyBytes + " bytes: split it into smaller requests"));
    }

    private void ingest(RoutingContext ctx, String body) {
        String table = ctx.request().getParam("table");
        if (table != null && !table.equals("VMConnection") && !table.equals("VMBoundPort")) {
            json(ctx, 400, new JsonObject().put("error", "table must be VMConnection or VMBoundPort"));
            return;
        }
        if (body.isBlank()) {
            json(ctx, 400, new JsonObject().put("error", "empty body: send JSON lines, a JSON array, a {\"records\":[...]} envelope or CSV"));
            return;
        }
        String source = "http";
        // Decoding and handing over run on a worker: offer() takes the engine's lock.
        vertx.executeBlocking(() -> {
            Decoded decoded = decode(source, body, table);
            CompletableFuture<Void> done = decoded.records.isEmpty()
                ? CompletableFuture.completedFuture(null) : engine.offer(decoded.records);
            return done == null ? null : new Accepted(decoded, done);
        }, false).compose(accepted -> accepted == null
            ? Future.succeededFuture((Decoded) null)
            : Future.fromCompletionStage(accepted.done(), vertx.getOrCreateContext()).map(v -> accepted.decoded())
        ).onComplete(ar -> {
            if (ar.failed()) {
                json(ctx, 500, new JsonObject().put("error", "processing failed: " + ar.cause().getMessage()));
                return;
            }
            Decoded d = ar.result();
            if (d == null) {
                ctx.response().putHeader("Retry-After", "1");
                json(ctx, 503, new JsonObject().put("error", "the rule engine is busy; retry the same body after Retry-After seconds"));
                return;
            }
            stats.accepted.add(d.records.size());
            d.rejections.forEach(stats::rejected);
            JsonArray listed = new JsonArray();
            for (Rejection r : d.rejections.subList(0, Math.min(MAX_LISTED_REJECTIONS, d.rejections.size()))) {
                listed.add(new JsonObject().put("location", r.location()).put("field", r.field()).put("reason", r.reason()));
            }
            JsonObject answer = new JsonObject()
                .put("accepted", d.records.size())
                .put("rejected", d.rejections.size())
                .put("rejections", listed)
                .put("truncated", d.rejections.size() > MAX_LISTED_REJECTIONS);
            json(ctx, d.records.isEmpty() && !d.rejections.isEmpty() ? 422 : 200, answer);
        });
    }

    private record Decoded(List<MachineRecord> records, List<Rejection> rejections) {
    }

    private record Accepted(Decoded decoded, CompletableFuture<Void> done) {
    }

    private static Decoded decode(String source, String body, String table) {
        List<MachineRecord> records = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        new RecordDecoder(table).decode(source, body, RecordDecoder.Sink.of(records::add, rejections::add));
        return new Decoded(records, rejections);
    }

    private JsonObject statsJson() {
        EngineStats s = engine.stats();
        JsonObject json = new JsonObject()
            .put("accepted", stats.accepted.sum())
            .put("rejected", stats.rejected.sum())
            .put("records", s.records.sum())
            .put("lateForWindows", s.lateForWindows.sum())
            .put("historyRows", s.historyRows.sum())
            .put("rollups", s.rollups.sum())
            .put("rulesFired", s.rulesFired.sum())
            .put("ruleErrors", s.ruleErrors.sum())
            .put("alertsRaised", s.alertsRaised.sum())
            .put("alertsPublished", s.alertsPublished.sum())
            .put("lateDetections", s.lateDetections.sum())
            .put("watermark", engine.watermark() == Long.MIN_VALUE ? null : java.time.Instant.ofEpochMilli(engine.watermark()).toString());
        extraStats.forEach((name, section) -> json.put(name, section.get()));
        return json;
    }

    private JsonObject rulesJson() {
        var rules = engine.rules();
        JsonObject o = new JsonObject().put("version", rules.releaseId().getVersion()).put("directory", rules.directory().toString())
            .put("rules", new JsonArray(rules.ruleNames()))
            .put("files", new JsonArray(rules.files().stream().map(Object::toString).toList()));
        RuleEngine.Reload last = engine.lastReload();
        if (last != null) {
            o.put("lastReload", reloadJson(last));
        }
        return o;
    }

    private static JsonObject reloadJson(RuleEngine.Reload r) {
        JsonArray problems = new JsonArray();
        r.problems().forEach(p -> problems.add(new JsonObject().put("file", p.file()).put("line", p.line()).put("column", p.column())
            .put("message", p.message())));
        return new JsonObject().put("at", r.at().toString()).put("version", r.version()).put("rules", r.rules().size())
            .put("pausedMillis", r.millis()).put("problems", problems);
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}

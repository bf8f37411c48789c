package io.connwatch.engine.ingest.http;

import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.facts.Rejection;
import io.connwatch.engine.facts.Table;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.rules.RuleEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP ingest route: {@code POST /ingest} takes records in any shape the decoder reads and
 * answers with accepted and rejected counts and a reason for each rejected record, once the
 * accepted records have been through the rules.
 *
 * <p>Status codes: 200 some or all records accepted; 400 empty body or unknown table; 413 body
 * over the size limit; 422 nothing in the body could be accepted; 503 with {@code Retry-After}
 * when the rule partitions are full and the sender should back off. Decoding runs on a worker
 * thread, rules on the partition threads, never on the event loop.
 */
public final class HttpIngest {
    /** Rejections listed in one response at most; the counts always cover all. */
    public static final int MAX_LISTED_REJECTIONS = 100;

    private final RuleEngine engine;
    private final IngestStats stats;
    private final long maxBodyBytes;

    public HttpIngest(RuleEngine engine, IngestStats stats, long maxBodyBytes) {
        this.engine = engine;
        this.stats = stats;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Adds {@code POST /ingest} to the router. */
    public void mount(Router router) {
        // The body is read here rather than by BodyHandler, which would parse a body sent as
        // application/x-www-form-urlencoded (curl's default) as a form and fail on long lines.
        router.post("/ingest").handler(this::readBody);
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
        if (table != null && Table.named(table).isEmpty()) {
            json(ctx, 400, new JsonObject().put("error", "table must be " + Table.choices()));
            return;
        }
        if (body.isBlank()) {
            json(ctx, 400, new JsonObject().put("error", "empty body: send JSON lines, a JSON array, a {\"records\":[...]} envelope or CSV"));
            return;
        }
        String source = "http";
        Vertx vertx = ctx.vertx();
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

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}

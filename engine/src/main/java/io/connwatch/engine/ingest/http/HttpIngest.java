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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP ingest route: {@code POST /ingest} takes records in any shape the decoder reads and
 * answers with accepted and rejected counts and a reason for each rejected record, once the
 * accepted records have been through the rules.
 *
 * <p>Status codes: 200 some or all records accepted; 400 empty body, unknown table or a body that
 * is not the gzip it says it is; 408 body not complete within the request timeout; 413 body over
 * the size limit (after decompression too); 415 a content encoding other than gzip; 422 nothing
 * in the body could be accepted; 503 with {@code Retry-After} when the rule partitions are full
 * or the bodies in flight on all connections together have reached their budget, and the sender
 * should back off. Inflating, decoding and handing over run on a worker thread, rules on the
 * partition threads, never on the event loop.
 */
public final class HttpIngest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpIngest.class);
    /** Rejections listed in one response at most; the counts always cover all. */
    public static final int MAX_LISTED_REJECTIONS = 100;

    /**
     * What one request and all requests together may cost.
     *
     * @param maxBodyBytes     a body's size at most, as sent and after decompression
     * @param maxInflateRatio  a gzip body may inflate to at most this many times its size
     * @param maxInFlightBytes bodies being received or processed, over all connections, at most;
     *                         beyond it a request gets 503 and Retry-After
     * @param requestTimeout   a request's body must arrive whole within this (a stalled or trickling sender gets 408)
     */
    public record Limits(long maxBodyBytes, int maxInflateRatio, long maxInFlightBytes, Duration requestTimeout) {
        public static final int DEFAULT_MAX_INFLATE_RATIO = 200;
        public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 256L << 20;
        public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

        /** The defaults with another body limit. */
        public static Limits of(long maxBodyBytes) {
            return new Limits(maxBodyBytes, DEFAULT_MAX_INFLATE_RATIO, defaultInFlight(maxBodyBytes), DEFAULT_REQUEST_TIMEOUT);
        }

        /** The default in-flight budget: 256 MiB, or two bodies of the largest size if that is more. */
        public static long defaultInFlight(long maxBodyBytes) {
            return Math.max(DEFAULT_MAX_IN_FLIGHT_BYTES, 2 * maxBodyBytes);
        }
    }

    private final RuleEngine engine;
    private final IngestStats stats;
    private final Limits limits;
    private final long maxBodyBytes;
    private final AtomicLong inFlight = new AtomicLong();
    /** Requests refused for lack of budget, timed out, or refused as bombs or bad encodings. */
    private final LongAdder overBudget = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder badEncoding = new LongAdder();

    public HttpIngest(RuleEngine engine, IngestStats stats, long maxBodyBytes) {
        this(engine, stats, Limits.of(maxBodyBytes));
    }

    public HttpIngest(RuleEngine engine, IngestStats stats, Limits limits) {
        this.engine = engine;
        this.stats = stats;
        this.limits = limits;
        this.maxBodyBytes = limits.maxBodyBytes();
    }

    /** Bytes of request bodies held now, over all connections. */
    public long inFlightBytes() {
        return inFlight.get();
    }

    /** The ingest endpoint's defences as counters, for /stats. */
    public JsonObject defenceStats() {
        return new JsonObject().put("inFlightBytes", inFlight.get()).put("maxInFlightBytes", limits.maxInFlightBytes())
            .put("refusedOverBudget", overBudget.sum()).put("timedOut", timedOut.sum()).put("refusedEncoding", badEncoding.sum());
    }

    /** Adds {@code POST /ingest} to the router. */
    public void mount(Router router) {
        // The body is read here rather than by BodyHandler, which would parse a body sent as
        // application/x-www-form-urlencoded (curl's default) as a form and fail on long lines.
        router.post("/ingest").handler(this::readBody);
    }

    /**
     * One request's share of the in-flight budget and its timer; released exactly once. The body's
     * bytes are taken as they arrive (event loop), an inflated body's bytes on the worker.
     */
    private final class Claim {
        private final AtomicLong bytes = new AtomicLong();
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        private long timer = -1;
        /** Set when the body went to a worker: from then on the bytes are held until the worker is done. */
        private boolean processing;

        boolean take(long n) {
            if (released.get()) {
                return false;
            }
            if (inFlight.addAndGet(n) > limits.maxInFlightBytes()) {
                inFlight.addAndGet(-n);
                return false;
            }
            bytes.addAndGet(n);
            if (released.get()) {
                // released meanwhile: give back what this call took
                inFlight.addAndGet(-bytes.getAndSet(0));
                return false;
            }
            return true;
        }

        boolean done() {
            return released.get();
        }

        void release(Vertx vertx) {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            inFlight.addAndGet(-bytes.getAndSet(0));
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
        }
    }

    private void readBody(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String encoding = req.getHeader("Content-Encoding");
        boolean gzip = false;
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            String e = encoding.trim().toLowerCase(Locale.ROOT);
            if (!e.equals("gzip") && !e.equals("x-gzip")) {
                badEncoding.increment();
                refuse(ctx, 415, "Content-Encoding " + encoding.trim() + " is not supported: send the body plain or gzip");
                return;
            }
            gzip = true;
        }
        String declared = req.getHeader("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBodyBytes) {
                    tooLarge(ctx);
                    return;
                }
            } catch (NumberFormatException e) {
                refuse(ctx, 400, "bad Content-Length");
                return;
            }
        }
        Vertx vertx = ctx.vertx();
        Claim claim = new Claim();
        ctx.addEndHandler(v -> claim.release(vertx));
        ctx.response().closeHandler(v -> {
            if (!claim.processing) {
                claim.release(vertx);
            }
        });
        claim.timer = vertx.setTimer(Math.max(1, limits.requestTimeout().toMillis()), id -> {
            claim.timer = -1;
            if (!ctx.response().ended()) {
                timedOut.increment();
                refuse(ctx, 408, "the body did not arrive within " + limits.requestTimeout().toSeconds() + " s");
            }
            claim.release(vertx);
        });
        // The connection keeps these handlers until its next request (a keep-alive connection left
        // idle: until it closes), so they hold the body through a holder emptied once it is used.
        Buffer[] body = {Buffer.buffer()};
        boolean[] refused = {false};
        req.handler(chunk -> {
            if (refused[0] || claim.done() || body[0] == null) {
                return;
            }
            if (body[0].length() + chunk.length() > maxBodyBytes) {
                refused[0] = true;
                body[0] = null;
                tooLarge(ctx);
                claim.release(vertx);
                return;
            }
            if (!claim.take(chunk.length())) {
                refused[0] = true;
                body[0] = null;
                overBudget.increment();
                ctx.response().putHeader("Retry-After", "5");
                refuse(ctx, 503, "too many request bodies in flight; retry after Retry-After seconds");
                claim.release(vertx);
                return;
            }
            body[0].appendBuffer(chunk);
        });
        boolean inflate = gzip;
        req.endHandler(v -> {
            Buffer whole = body[0];
            body[0] = null;
            if (!refused[0] && !claim.done() && whole != null) {
                if (claim.timer >= 0) {
                    vertx.cancelTimer(claim.timer);
                    claim.timer = -1;
                }
                claim.processing = true;
                ingest(ctx, whole.getBytes(), inflate, claim, () -> claim.release(vertx));
            }
        });
        req.exceptionHandler(e -> {
            body[0] = null;
            claim.release(vertx);
        });
        req.resume();
    }

    private void tooLarge(RoutingContext ctx) {
        refuse(ctx, 413, "body larger than " + maxBodyBytes + " bytes: split it into smaller requests");
    }

    /** Answers an error and closes the connection: whatever the sender is still sending is not read. */
    private static void refuse(RoutingContext ctx, int status, String message) {
        var response = ctx.response();
        if (response.ended() || response.headWritten()) {
            ctx.request().connection().close();
            return;
        }
        response.putHeader("Connection", "close");
        ctx.addEndHandler(v -> ctx.request().connection().close());
        json(ctx, status, new JsonObject().put("error", message));
    }

    private void ingest(RoutingContext ctx, byte[] raw, boolean gzip, Claim claim, Runnable released) {
        String table = ctx.request().getParam("table");
        if (table != null && Table.named(table).isEmpty()) {
            released.run();
            json(ctx, 400, new JsonObject().put("error", "table must be " + Table.choices()));
            return;
        }
        String source = "http";
        Vertx vertx = ctx.vertx();
        // Inflating, decoding and handing over run on a worker: never inflate on an event loop, and offer() takes the engine's lock.
        vertx.executeBlocking(() -> {
            byte[] body = gzip ? GzipBody.inflate(raw, maxBodyBytes, limits.maxInflateRatio()) : raw;
            if (gzip && !claim.take(body.length)) {
                // what the budget bounds is memory: an inflated body counts at its inflated size
                overBudget.increment();
                throw new GzipBody.Refused(503, "too many request bodies in flight; retry after Retry-After seconds");
            }
            if (blank(body)) {
                throw new GzipBody.Refused(400, "empty body: send JSON lines, a JSON array, a {\"records\":[...]} envelope or CSV");
            }
            Decoded decoded = decode(source, body, table);
            CompletableFuture<Void> done = decoded.records.isEmpty()
                ? CompletableFuture.completedFuture(null) : engine.offer(decoded.records);
            return done == null ? null : new Accepted(decoded, done);
        }, false).compose(accepted -> accepted == null
            ? Future.succeededFuture((Decoded) null)
            : Future.fromCompletionStage(accepted.done(), vertx.getOrCreateContext()).map(v -> accepted.decoded())
        ).onComplete(ar -> {
            released.run();
            if (ar.failed() && ar.cause() instanceof GzipBody.Refused r) {
                if (r.status == 503) {
                    ctx.response().putHeader("Retry-After", "5");
                } else if (r.status != 400 || gzip) {
                    badEncoding.increment();
                }
                if (r.status == 413 || gzip) {
                    refuse(ctx, r.status, r.getMessage());
                } else {
                    json(ctx, r.status, new JsonObject().put("error", r.getMessage()));
                }
                return;
            }
            if (ar.failed() && io.connwatch.engine.alert.sink.AlertSink.NotDurableException.in(ar.cause())) {
                // an alert these records raised could not be stored: the sender must send them again
                ctx.response().putHeader("Retry-After", "30");
                json(ctx, 503, new JsonObject().put("error", "alerts cannot be stored right now (see /health); retry the same body later"));
                return;
            }
            if (ar.failed()) {
                LOG.error("POST /ingest failed: {}", ar.cause().toString(), ar.cause());
                json(ctx, 500, new JsonObject().put("error", "processing failed: see the service's log"));
                return;
            }
            Decoded d = ar.result();
            if (d == null) {
                ctx.response().putHeader("Retry-After", "1");
                json(ctx, 503, new JsonObject().put("error", "the rule engine is busy; retry the same body after Retry-After seconds"));
                return;
            }
            stats.accepted(IngestStats.Source.HTTP, d.records);
            d.rejections.forEach(r -> stats.rejected(IngestStats.Source.HTTP, r));
            stats.rejected(IngestStats.Source.HTTP, d.rejectedCount - d.rejections.size());
            JsonArray listed = new JsonArray();
            for (Rejection r : d.rejections.subList(0, Math.min(MAX_LISTED_REJECTIONS, d.rejections.size()))) {
                listed.add(new JsonObject().put("location", r.location()).put("field", r.field()).put("reason", r.reason()));
            }
            JsonObject answer = new JsonObject()
                .put("accepted", d.records.size())
                .put("rejected", d.rejectedCount)
                .put("rejections", listed)
                .put("truncated", d.rejectedCount > MAX_LISTED_REJECTIONS);
            json(ctx, d.records.isEmpty() && d.rejectedCount > 0 ? 422 : 200, answer);
        });
    }

    /** The records, the first rejections (at most the number listed in an answer) and how many there were in all. */
    private record Decoded(List<MachineRecord> records, List<Rejection> rejections, long rejectedCount) {
    }

    private record Accepted(Decoded decoded, CompletableFuture<Void> done) {
    }

    private static boolean blank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Decodes the body's bytes as they came: a line that is not UTF-8 is rejected with the byte, not silently replaced. */
    private Decoded decode(String source, byte[] body, String table) {
        List<MachineRecord> records = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        long[] rejected = {0};
        // Only the rejections an answer lists are kept: a body of millions of bad lines must not
        // become millions of objects (the counts still cover all of them).
        java.util.function.Consumer<Rejection> reject = r -> {
            if (rejected[0]++ < MAX_LISTED_REJECTIONS) {
                rejections.add(r);
            }
        };
        // a live source: a record from the future is refused before it can move any clock
        new RecordDecoder(table).decode(source, body, engine.admitting(source, RecordDecoder.Sink.of(records::add, reject)));
        return new Decoded(records, rejections, rejected[0]);
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}

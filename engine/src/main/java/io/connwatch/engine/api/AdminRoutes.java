package io.connwatch.engine.api;

import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.rules.EngineStats;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.feeds.FeedStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The service's status and admin routes: {@code GET /health}, {@code GET /stats},
 * {@code GET /rules}, {@code GET /feeds}, and {@code POST /admin/reload} when reloading is offered
 * (200 with the reload's outcome, 422 when the new rules were refused, 500 when the reload itself
 * failed, 409 while another reload runs and 429 beyond the {@link ReloadLimit}, both with
 * {@code Retry-After}). Every answer is JSON. {@code /health} is open to anyone, so it says only
 * "ok" or "degraded"; what is wrong is in {@code /stats}.
 */
public final class AdminRoutes {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminRoutes.class);

    /** Reloads the rules on request; completes with the outcome. */
    @FunctionalInterface
    public interface Reloader {
        Future<RuleEngine.Reload> requestReload(String why);
    }

    /**
     * What the routes report on.
     *
     * @param engine        the running engine: its counters, watermark, rules and last reload
     * @param ingest        the ingest counters every source adds to
     * @param feeds         the feeds' status, served on {@code GET /feeds}
     * @param reload        serves {@code POST /admin/reload}; empty leaves the route out (404)
     * @param statsSections more sections of {@code GET /stats} by name, in the map's order (e.g. the Kafka consumer's counters)
     */
    public record Sources(RuleEngine engine, IngestStats ingest, Supplier<List<FeedStatus>> feeds, Optional<Reloader> reload,
                          Map<String, Supplier<JsonObject>> statsSections, Supplier<List<String>> problems) {
        public Sources {
            statsSections = Collections.unmodifiableMap(new LinkedHashMap<>(statsSections));
        }

        public Sources(RuleEngine engine, IngestStats ingest, Supplier<List<FeedStatus>> feeds, Optional<Reloader> reload,
                       Map<String, Supplier<JsonObject>> statsSections) {
            this(engine, ingest, feeds, reload, statsSections, List::of);
        }

        /** The engine and its ingest counters alone: no feeds, no reloading, no more sections. */
        public static Sources of(RuleEngine engine, IngestStats ingest) {
            return new Sources(engine, ingest, List::of, Optional.empty(), Map.of());
        }
    }

    private final Sources sources;
    private final ReloadLimit reloadLimit;
    private final List<java.util.function.Consumer<Router>> more = new java.util.ArrayList<>();

    public AdminRoutes(Sources sources) {
        this(sources, new ReloadLimit(ReloadLimit.DEFAULT_PER_MINUTE, java.time.Clock.systemUTC()));
    }

    public AdminRoutes(Sources sources, ReloadLimit reloadLimit) {
        this.sources = sources;
        this.reloadLimit = reloadLimit;
    }

    /** Mounts these routes too, after its own: other parts' routes on the same server (metrics, readiness). */
    public AdminRoutes with(java.util.function.Consumer<Router> routes) {
        more.add(routes);
        return this;
    }

    /** Adds the routes to the router. */
    public void mount(Router router) {
        router.get("/health").handler(this::health);
        // off the event loop: a section may wait for a lock (the lifecycle's) or count many things
        router.get("/stats").handler(ctx -> ctx.vertx().executeBlocking(this::statsJson, false).onComplete(ar -> {
            if (ar.succeeded()) {
                json(ctx, 200, ar.result());
            } else {
                LOG.error("GET /stats failed: {}", ar.cause().toString());
                json(ctx, 500, new JsonObject().put("error", "stats failed; see the service's log"));
            }
        }));
        router.get("/rules").handler(ctx -> json(ctx, 200, rulesJson()));
        sources.reload().ifPresent(reloader -> router.post("/admin/reload").handler(ctx -> reload(ctx, reloader, reloadLimit)));
        router.get("/feeds").handler(this::feeds);
        more.forEach(m -> m.accept(router));
    }

    private static void reload(RoutingContext ctx, Reloader reloader, ReloadLimit limit) {
        ReloadLimit.Refusal refusal = limit.tryStart();
        if (refusal != null) {
            ctx.response().putHeader("Retry-After", Long.toString(refusal.retryAfterSeconds()));
            json(ctx, refusal.status(), new JsonObject().put("error", refusal.message()));
            return;
        }
        ctx.vertx().executeBlocking(() -> reloader.requestReload("HTTP request").get(), false).onComplete(ar -> {
            limit.finished();
            if (ar.failed()) {
                json(ctx, 500, new JsonObject().put("error", "reload failed: " + ar.cause()));
                return;
            }
            RuleEngine.Reload r = ar.result();
            json(ctx, r.problems().isEmpty() ? 200 : 422, reloadJson(r));
        });
    }

    /** Reload requests refused by the {@link ReloadLimit} so far. */
    public long reloadsRefused() {
        return reloadLimit.refused();
    }

    private void feeds(RoutingContext ctx) {
        JsonArray list = new JsonArray();
        for (FeedStatus f : sources.feeds().get()) {
            list.add(new JsonObject().put("name", f.name()).put("source", f.source()).put("indicators", f.indicators())
                .put("allowEntries", f.allowEntries()).put("problems", f.problems()).put("skipped", f.skipped())
                .put("lastSuccess", str(f.lastSuccess())).put("lastAttempt", str(f.lastAttempt()))
                .put("lastError", f.lastError()).put("nextRefresh", str(f.nextRefresh())));
        }
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(list.encode());
    }

    /**
     * Liveness: "ok", or "degraded" when an operator must act (an output that cannot write, ...);
     * the problems themselves are in /stats, behind sign-in. Still 200 when degraded: the process
     * is alive and restarting it would not free a full disk.
     */
    private void health(RoutingContext ctx) {
        json(ctx, 200, new JsonObject().put("status", sources.problems().get().isEmpty() ? "ok" : "degraded"));
    }

    private JsonObject statsJson() {
        RuleEngine engine = sources.engine();
        IngestStats ingest = sources.ingest();
        EngineStats s = engine.stats();
        JsonObject json = new JsonObject()
            .put("accepted", ingest.accepted.sum())
            .put("rejected", ingest.rejected.sum())
            .put("records", s.records.sum())
            .put("lateForWindows", s.lateForWindows.sum())
            .put("historyRows", s.historyRows.sum())
            .put("rollups", s.rollups.sum())
            .put("rollupsDropped", s.rollupsDropped.sum())
            .put("rollupsSkipped", s.rollupsSkipped.sum())
            .put("rowsSkipped", s.rowsSkipped.sum())
            .put("rulesFired", s.rulesFired.sum())
            .put("ruleErrors", s.ruleErrors.sum())
            .put("ruleFailures", ruleFailuresJson(s))
            .put("alertsRaised", s.alertsRaised.sum())
            .put("alertsPublished", s.alertsPublished.sum())
            .put("lateDetections", s.lateDetections.sum())
            .put("sessionRepairs", s.sessionRepairs.sum())
            .put("watermark", engine.watermark() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(engine.watermark()).toString())
            .put("time", timeJson(engine))
            .put("problems", new JsonArray(sources.problems().get()));
        sources.statsSections().forEach((name, section) -> json.put(name, section.get()));
        return json;
    }

    /** The rules that failed at run time: name, DRL file:line, condition or consequence, how often, the last error. */
    private static JsonArray ruleFailuresJson(EngineStats s) {
        JsonArray out = new JsonArray();
        for (var f : s.failures.list()) {
            out.add(new JsonObject().put("rule", f.rule()).put("where", f.where()).put("part", f.part()).put("count", f.count())
                .put("last", f.last().toString()).put("message", f.message()));
        }
        return out;
    }

    /** Event time per machine and the bounds: skewed clocks, records refused from the future, machines tracked and evicted. */
    private static JsonObject timeJson(RuleEngine engine) {
        EngineStats s = engine.stats();
        JsonArray skewed = new JsonArray();
        for (var m : engine.skewedMachines(engine.clockSkew(), 20)) {
            skewed.add(new JsonObject().put("machine", m.machine()).put("newest", Instant.ofEpochMilli(m.newestMillis()).toString())
                .put("aheadSeconds", m.aheadMillis() / 1000));
        }
        JsonArray future = new JsonArray();
        for (var m : engine.futureMachines(20)) {
            future.add(new JsonObject().put("machine", m.machine()).put("refused", m.refused())
                .put("newest", Instant.ofEpochMilli(m.newestMillis()).toString()));
        }
        long fleet = engine.fleetNewest();
        return new JsonObject()
            .put("fleetNewest", fleet == Long.MIN_VALUE ? null : Instant.ofEpochMilli(fleet).toString())
            .put("skewedClocks", skewed)
            .put("futureRefused", s.futureRejected.sum())
            .put("futureMachines", future)
            .put("trackedMachines", engine.trackedMachines())
            .put("machinesEvicted", s.machinesEvicted.sum())
            .put("processRowsDropped", s.processRowsDropped.sum())
            .put("remoteRowsDropped", s.remoteRowsDropped.sum())
            .put("cadenceKeysDropped", s.cadenceKeysDropped.sum());
    }

    private JsonObject rulesJson() {
        RuleEngine engine = sources.engine();
        var rules = engine.rules();
        JsonObject o = new JsonObject().put("version", rules.releaseId().getVersion()).put("directory", rules.directory().toString())
            .put("rules", new JsonArray(rules.ruleNames()))
            .put("files", new JsonArray(rules.files().stream().map(Object::toString).toList()));
        // fires and failed consequences per rule since start (every rule in force, 0 when none)
        JsonObject perRule = new JsonObject();
        for (String name : rules.ruleNames()) {
            java.util.concurrent.atomic.LongAdder f = engine.stats().firesByRule.get(name);
            java.util.concurrent.atomic.LongAdder e = engine.stats().errorsByRule.get(name);
            perRule.put(name, new JsonObject().put("fires", f == null ? 0 : f.sum()).put("errors", e == null ? 0 : e.sum()));
        }
        o.put("stats", perRule);
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

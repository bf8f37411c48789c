package io.connwatch.engine.workbook;

import io.connwatch.config.Glob;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console's routes: the workbook views as JSON under {@code /api/v1/workbooks/}, the
 * console's static files under {@code /console/} and the charting library under
 * {@code /console/assets/vendor/}. Views are computed on a worker, never on the event loop; a bad
 * parameter is a 400 naming it.
 *
 * <pre>
 * GET /api/v1/workbooks                    the store: retention, newest minute, machines (for the filter)
 * GET /api/v1/workbooks/{view}?machine=&amp;from=&amp;to=&amp;top=   one of {@link WorkbookViews#NAMES}
 * </pre>
 */
public final class WorkbookRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(WorkbookRoutes.class);
    /** Series drawn and top entries listed when the request does not say. */
    public static final int DEFAULT_TOP = 10;
    /** The most a request may ask for. */
    public static final int MAX_TOP = 50;
    /** The range shown when the request does not say: the last hour of ingested data. */
    public static final Duration DEFAULT_RANGE = Duration.ofHours(1);
    /** The longest range a request may ask for. */
    public static final Duration MAX_RANGE = Duration.ofDays(7);
    /** Machines listed by {@code GET /api/v1/workbooks} at most. */
    public static final int MAX_MACHINES_LISTED = 1_000;
    private static final int MAX_MACHINE_FILTER = 256;
    static final String ECHARTS = "/console/assets/vendor/echarts/echarts.min.js";
    private static final String ECHARTS_POM = "META-INF/maven/org.webjars.npm/echarts/pom.properties";
    private static final String SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final WorkbookStore store;
    private final WorkbookViews views;

    public WorkbookRoutes(WorkbookStore store) {
        this.store = store;
        this.views = new WorkbookViews(store);
    }

    /** Adds the workbook API, the console's files and the charting library to the router. */
    public void mount(Router router) {
        router.get("/api/v1/workbooks").handler(this::status);
        router.get("/api/v1/workbooks/:view").handler(this::view);
        router.get("/console").handler(ctx -> {
            // the router also matches /console/ here: only the bare path is sent on
            if (ctx.request().path().equals("/console")) {
                ctx.redirect("/console/");
            } else {
                ctx.next();
            }
        });
        router.route("/console/*").handler(WorkbookRoutes::securityHeaders);
        Buffer echarts = echarts();
        router.get(ECHARTS).handler(ctx -> {
            if (echarts == null) {
                ctx.response().setStatusCode(404).end();
                return;
            }
            ctx.response().putHeader("Content-Type", "text/javascript; charset=utf-8").putHeader("Cache-Control", "max-age=86400")
                .end(echarts);
        });
        router.route("/console/*").handler(StaticHandler.create("console").setIndexPage("index.html").setMaxAgeSeconds(60));
    }

    private static void securityHeaders(RoutingContext ctx) {
        ctx.response().putHeader("Content-Security-Policy", SECURITY_POLICY).putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("X-Frame-Options", "DENY").putHeader("Referrer-Policy", "no-referrer");
        ctx.next();
    }

    /** ECharts from its webjar on the class path, read once; null (and a warning) when the webjar is missing. */
    private static Buffer echarts() {
        ClassLoader loader = WorkbookRoutes.class.getClassLoader();
        try (InputStream pom = loader.getResourceAsStream(ECHARTS_POM)) {
            if (pom == null) {
                LOG.warn("the ECharts webjar is not on the class path: the console's charts will not draw");
                return null;
            }
            Properties p = new Properties();
            p.load(pom);
            String path = "META-INF/resources/webjars/echarts/" + p.getProperty("version") + "/dist/echarts.min.js";
            try (InputStream js = loader.getResourceAsStream(path)) {
                if (js == null) {
                    LOG.warn("the ECharts webjar has no {}: the console's charts will not draw", path);
                    return null;
                }
                return Buffer.buffer(js.readAllBytes());
            }
        } catch (IOException e) {
            LOG.warn("cannot read the ECharts webjar: {}", e.toString());
            return null;
        }
    }

    private void status(RoutingContext ctx) {
        ctx.vertx().executeBlocking(() -> {
            WorkbookStore.Stats s = store.stats();
            JsonArray machines = new JsonArray();
            for (WorkbookStore.MachineInfo m : store.machines(MAX_MACHINES_LISTED)) {
                machines.add(new JsonObject().put("machine", m.machine()).put("computer", m.label())
                    .put("newest", WorkbookQuery.iso(m.newestMinute())));
            }
            long newest = store.fleetMinute();
            return new JsonObject().put("views", new JsonArray(WorkbookViews.NAMES))
                .put("retention", store.limits().retention().toString())
                .put("newest", newest == Long.MIN_VALUE ? null : WorkbookQuery.iso(newest))
                .put("machinesHeld", s.machines()).put("machineMinutes", s.minutes()).put("records", s.records())
                .put("tooOld", s.tooOld()).put("evicted", s.evicted()).put("full", s.full()).put("machines", machines);
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.error("workbook status failed", ar.cause());
                json(ctx, 500, new JsonObject().put("error", "internal error"));
            } else {
                json(ctx, 200, ar.result());
            }
        });
    }

    private void view(RoutingContext ctx) {
        String name = ctx.pathParam("view");
        if (!WorkbookViews.NAMES.contains(name)) {
            json(ctx, 404, new JsonObject().put("error", "no such workbook").put("views", new JsonArray(WorkbookViews.NAMES)));
            return;
        }
        WorkbookQuery q;
        try {
            q = query(ctx);
        } catch (BadParameter e) {
            json(ctx, 400, new JsonObject().put("error", e.getMessage()).put("parameter", e.parameter));
            return;
        }
        ctx.vertx().executeBlocking(() -> views.view(name, q), false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.error("workbook {} failed", name, ar.cause());
                json(ctx, 500, new JsonObject().put("error", "internal error"));
            } else {
                json(ctx, 200, ar.result());
            }
        });
    }

    /** A request parameter that cannot be used, named. */
    static final class BadParameter extends Exception {
        final String parameter;

        BadParameter(String parameter, String message) {
            super(parameter + ": " + message, null, false, false);
            this.parameter = parameter;
        }
    }

    WorkbookQuery query(RoutingContext ctx) throws BadParameter {
        return query(ctx.queryParams().get("machine"), ctx.queryParams().get("from"), ctx.queryParams().get("to"),
            ctx.queryParams().get("top"));
    }

    /** Reads the parameters (each may be null); the defaults are the last hour of ingested data, every machine, top 10. */
    WorkbookQuery query(String machine, String from, String to, String top) throws BadParameter {
        int n = DEFAULT_TOP;
        if (top != null && !top.isBlank()) {
            try {
                n = Integer.parseInt(top.trim());
            } catch (NumberFormatException e) {
                throw new BadParameter("top", "expected a whole number from 1 to " + MAX_TOP);
            }
            if (n < 1 || n > MAX_TOP) {
                throw new BadParameter("top", "expected a whole number from 1 to " + MAX_TOP);
            }
        }
        Long toMinute = minute("to", to);
        Long fromMinute = minute("from", from);
        if (toMinute == null) {
            long newest = store.fleetMinute();
            toMinute = newest == Long.MIN_VALUE ? Math.floorDiv(System.currentTimeMillis(), WorkbookStore.MINUTE) + 1 : newest + 1;
            if (fromMinute != null && fromMinute >= toMinute) {
                toMinute = fromMinute + DEFAULT_RANGE.toMinutes();
            }
        }
        if (fromMinute == null) {
            fromMinute = toMinute - DEFAULT_RANGE.toMinutes();
        }
        if (fromMinute >= toMinute) {
            throw new BadParameter("from", "must be before to");
        }
        if (toMinute - fromMinute > MAX_RANGE.toMinutes()) {
            throw new BadParameter("from", "the range may be " + MAX_RANGE.toDays() + " days at most");
        }
        return new WorkbookQuery(machineFilter(machine), fromMinute, toMinute, n);
    }

    private static Long minute(String name, String value) throws BadParameter {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            // the end of a partial minute counts it whole: to=10:00:30 includes the minute 10:00
            long millis = Instant.parse(value.trim()).toEpochMilli();
            return name.equals("to") ? Math.floorDiv(millis + WorkbookStore.MINUTE - 1, WorkbookStore.MINUTE)
                : Math.floorDiv(millis, WorkbookStore.MINUTE);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new BadParameter(name, "expected an ISO-8601 instant such as 2024-04-01T08:00:00Z");
        }
    }

    /** A Machine id or a glob over the Machine or the Computer ({@code web-*}); null or blank: every machine. */
    private static Predicate<WorkbookStore.MachineInfo> machineFilter(String machine) throws BadParameter {
        if (machine == null || machine.isBlank()) {
            return m -> true;
        }
        if (machine.length() > MAX_MACHINE_FILTER) {
            throw new BadParameter("machine", "longer than " + MAX_MACHINE_FILTER + " characters");
        }
        Pattern glob = Glob.compile(machine.trim());
        return m -> glob.matcher(m.machine()).matches() || (m.computer() != null && glob.matcher(m.computer()).matches());
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
            .end(body.encode());
    }
}

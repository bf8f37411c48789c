package io.connwatch.engine.api;

import io.connwatch.engine.metrics.ConnwatchMetrics;
import io.connwatch.engine.metrics.Readiness;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: every metric in the Prometheus text format (OpenMetrics when the scraper's
 * Accept asks for it), behind the read role like every other read; and {@code GET /ready}: 200
 * when the readiness checks pass, 503 when not, open to anyone and so without details (they are
 * in the {@code readiness} section of /stats).
 */
public final class MetricsRoutes {
    private final ConnwatchMetrics metrics;
    private final Readiness readiness;

    public MetricsRoutes(ConnwatchMetrics metrics, Readiness readiness) {
        this.metrics = metrics;
        this.readiness = readiness;
    }

    /** Adds the routes to the router. */
    public void mount(Router router) {
        router.get("/metrics").handler(this::metrics);
        router.get("/ready").handler(this::ready);
    }

    private void metrics(RoutingContext ctx) {
        String accept = ctx.request().getHeader("Accept");
        // off the event loop: the lifecycle's and the outbox's counts wait for their locks
        ctx.vertx().executeBlocking(() -> metrics.scrape(accept), false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.response().setStatusCode(500).putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("error", "metrics failed: see the service's log").encode());
                org.slf4j.LoggerFactory.getLogger(MetricsRoutes.class).error("GET /metrics failed: {}", ar.cause().toString(), ar.cause());
                return;
            }
            ctx.response().setStatusCode(200).putHeader("Content-Type", ar.result().contentType()).end(ar.result().body());
        });
    }

    private void ready(RoutingContext ctx) {
        boolean ready = readiness.verdict().ready();
        ctx.response().setStatusCode(ready ? 200 : 503).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
            .end(new JsonObject().put("status", ready ? "ready" : "not ready").encode());
    }
}

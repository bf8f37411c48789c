package io.connwatch.engine.api;

import io.connwatch.feeds.FeedStatus;
import io.connwatch.feeds.ThreatIntel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code POST /api/v1/feeds/refresh} (admin): checks every feed, or the one named in
 * {@code {"feed": "feodo"}}, now instead of at its interval, off the event loop, one refresh at a
 * time (409 while one runs), and answers the feeds' status afterwards.
 */
public final class FeedRoutes {
    public static final String PATH = "/api/v1/feeds/refresh";
    private final ThreatIntel intel;
    private final AtomicBoolean running = new AtomicBoolean();

    public FeedRoutes(ThreatIntel intel) {
        this.intel = intel;
    }

    public void mount(Router router) {
        router.post(PATH).handler(BodyHandler.create().setBodyLimit(4096)).handler(this::refresh);
    }

    private void refresh(RoutingContext ctx) {
        String feed;
        try {
            JsonObject body = ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
            feed = body == null ? null : body.getString("feed");
        } catch (RuntimeException e) {
            json(ctx, 400, new JsonObject().put("error", "the body must be {} or {\"feed\": \"name\"}").put("field", "feed"));
            return;
        }
        if (feed != null && intel.status().stream().noneMatch(s -> s.name().equals(feed))) {
            json(ctx, 404, new JsonObject().put("error", "no feed named '" + feed + "'").put("field", "feed"));
            return;
        }
        if (!running.compareAndSet(false, true)) {
            ctx.response().putHeader("Retry-After", "5");
            json(ctx, 409, new JsonObject().put("error", "a refresh is running"));
            return;
        }
        ctx.vertx().executeBlocking(() -> {
            try {
                if (feed == null) {
                    intel.refreshAll();
                } else {
                    intel.refresh(feed);
                }
                return intel.status();
            } finally {
                running.set(false);
            }
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                json(ctx, 500, new JsonObject().put("error", "refresh failed: " + ar.cause().getMessage()));
                return;
            }
            JsonArray feeds = new JsonArray();
            for (FeedStatus s : (List<FeedStatus>) ar.result()) {
                feeds.add(new JsonObject().put("name", s.name()).put("indicators", s.indicators()).put("allowEntries", s.allowEntries())
                    .put("lastError", s.lastError()));
            }
            json(ctx, 200, new JsonObject().put("refreshed", feed == null ? "all" : feed).put("feeds", feeds));
        });
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
            .end(body.encode());
    }
}

package io.connwatch.engine.api;

import io.connwatch.engine.api.auth.HttpSecurity;
import io.connwatch.engine.ingest.http.HttpIngest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import io.vertx.ext.web.Router;

/**
 * The service's one HTTP server: the ingest route and the status and admin routes on one address,
 * every request passing the {@link HttpSecurity} guard first (HTTPS when it says so).
 */
public final class HttpApiVerticle extends VerticleBase {
    /**
     * Where the server listens, what it serves, and how many connections it keeps.
     *
     * @param port           0 for any free port (see {@link #actualPort()})
     * @param security       who may call what, from where; TLS
     * @param idleTimeout    a connection with nothing to read or write for this long is closed
     * @param maxConnections open connections at most; further ones are closed at once (counted)
     * @param headTimeout    a request must be whole (head and body) within this, on every route: a connection
     *                       whose request is not is closed; a new connection must bring its first request
     *                       head within this or 10 s, whichever is shorter (a silent or trickling client
     *                       holds no connection slot for long)
     * @param lifecycle      the alert lifecycle's routes (alerts, silences, acknowledgements, delivery), or null for none
     */
    public record Settings(String host, int port, HttpIngest ingest, AdminRoutes admin, HttpSecurity security, Duration idleTimeout,
                           int maxConnections, Duration headTimeout, LifecycleRoutes lifecycle) {
        public Settings(String host, int port, HttpIngest ingest, AdminRoutes admin, HttpSecurity security) {
            this(host, port, ingest, admin, security, Duration.ofSeconds(120), 1_000, Duration.ofSeconds(60));
        }

        public Settings(String host, int port, HttpIngest ingest, AdminRoutes admin, HttpSecurity security, Duration idleTimeout,
                        int maxConnections, Duration headTimeout) {
            this(host, port, ingest, admin, security, idleTimeout, maxConnections, headTimeout, null);
        }
    }

    /** Connections whose first request has not arrived yet, with their timer; touched on this verticle's event loop only. */
    private final java.util.Map<HttpConnection, Long> waiting = new java.util.IdentityHashMap<>();

    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder refusedConnections = new LongAdder();
    private final LongAdder cut = new LongAdder();
    private long lastRefusalLog;
    private static final long FIRST_HEAD_MILLIS = 10_000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpApiVerticle.class);

    private final Settings settings;
    private HttpServer server;
    /** Routes more parts of the service add (the web console); mounted after the admin routes. */
    private final java.util.List<java.util.function.Consumer<Router>> moreRoutes = new java.util.ArrayList<>();

    public HttpApiVerticle(Settings settings) {
        this.settings = settings;
    }

    /** Adds routes to mount after the admin routes; call before deploying. */
    public HttpApiVerticle mount(java.util.function.Consumer<Router> routes) {
        moreRoutes.add(routes);
        return this;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        settings.security().mount(router);
        settings.ingest().mount(router);
        settings.admin().mount(router);
        moreRoutes.forEach(m -> m.accept(router));
        if (settings.lifecycle() != null) {
            settings.lifecycle().mount(router);
        }
        // No decompression here: Netty would inflate on the event loop without a bound (a gzip bomb
        // stalls every route); the ingest route inflates on a worker within limits instead.
        server = vertx.createHttpServer(settings.security().applyTo(new HttpServerOptions().setHost(settings.host()).setPort(settings.port())
                .setDecompressionSupported(false).setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) Math.max(1, settings.idleTimeout().toSeconds())).setIdleTimeoutUnit(TimeUnit.SECONDS)))
            .connectionHandler(this::connection)
            .requestHandler(req -> {
                Long timer = waiting.remove(req.connection());
                if (timer != null) {
                    vertx.cancelTimer(timer);
                }
                // A backstop for every route (the ingest route answers 408 before it): a body
                // trickled to /health or to an unknown path must not hold the connection forever.
                vertx.setTimer(settings.headTimeout().toMillis() + 1_000, id -> {
                    if (!req.isEnded()) {
                        cut.increment();
                        req.connection().close();
                    }
                });
                router.handle(req);
            });
        return server.listen();
    }

    private void connection(HttpConnection c) {
        if (open.incrementAndGet() > settings.maxConnections()) {
            open.decrementAndGet();
            refusedConnections.increment();
            long now = System.currentTimeMillis();
            if (now - lastRefusalLog >= 60_000) {
                // once a minute at most: the operator may not reach /stats while this goes on
                lastRefusalLog = now;
                LOG.warn("{} open connections: closing new ones ({} refused so far, {} cut for not completing a request)",
                    settings.maxConnections(), refusedConnections.sum(), cut.sum());
            }
            c.close();
            return;
        }
        long timer = vertx.setTimer(Math.max(1, Math.min(FIRST_HEAD_MILLIS, settings.headTimeout().toMillis())), id -> {
            if (waiting.remove(c) != null) {
                cut.increment();
                c.close();
            }
        });
        waiting.put(c, timer);
        c.closeHandler(v -> {
            open.decrementAndGet();
            Long t = waiting.remove(c);
            if (t != null) {
                vertx.cancelTimer(t);
            }
        });
    }

    /** Open connections now, connections refused over the limit, requests refused by the guard and reloads refused so far, for /stats. */
    public JsonObject connectionStats() {
        return new JsonObject().put("open", open.get()).put("maxConnections", settings.maxConnections())
            .put("refused", refusedConnections.sum()).put("cut", cut.sum())
            .mergeIn(settings.security().statsJson()).put("reloadsRefused", settings.admin().reloadsRefused());
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** The port the server listens on (useful when configured as 0). */
    public int actualPort() {
        return server.actualPort();
    }
}

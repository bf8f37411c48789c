package io.connwatch.engine.api;

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

/** The service's one HTTP server: the ingest route and the status and admin routes on one address. */
public final class HttpApiVerticle extends VerticleBase {
    /**
     * Where the server listens, what it serves, and how many connections it keeps.
     *
     * @param port           0 for any free port (see {@link #actualPort()})
     * @param idleTimeout    a connection with nothing to read or write for this long is closed
     * @param maxConnections open connections at most; further ones are closed at once (counted)
     */
    public record Settings(String host, int port, HttpIngest ingest, AdminRoutes admin, Duration idleTimeout, int maxConnections) {
        public Settings(String host, int port, HttpIngest ingest, AdminRoutes admin) {
            this(host, port, ingest, admin, Duration.ofSeconds(120), 1_000);
        }
    }

    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder refusedConnections = new LongAdder();

    private final Settings settings;
    private HttpServer server;

    public HttpApiVerticle(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        settings.ingest().mount(router);
        settings.admin().mount(router);
        // No decompression here: Netty would inflate on the event loop without a bound (a gzip bomb
        // stalls every route); the ingest route inflates on a worker within limits instead.
        server = vertx.createHttpServer(new HttpServerOptions().setHost(settings.host()).setPort(settings.port())
                .setDecompressionSupported(false)
                .setIdleTimeout((int) Math.max(1, settings.idleTimeout().toSeconds())).setIdleTimeoutUnit(TimeUnit.SECONDS))
            .connectionHandler(this::connection)
            .requestHandler(router);
        return server.listen();
    }

    private void connection(HttpConnection c) {
        if (open.incrementAndGet() > settings.maxConnections()) {
            open.decrementAndGet();
            refusedConnections.increment();
            c.close();
            return;
        }
        c.closeHandler(v -> open.decrementAndGet());
    }

    /** Open connections now and connections refused over the limit so far, for /stats. */
    public JsonObject connectionStats() {
        return new JsonObject().put("open", open.get()).put("maxConnections", settings.maxConnections())
            .put("refused", refusedConnections.sum());
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

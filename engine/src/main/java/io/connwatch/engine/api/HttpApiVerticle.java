package io.connwatch.engine.api;

import io.connwatch.engine.ingest.http.HttpIngest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/** The service's one HTTP server: the ingest route and the status and admin routes on one address. */
public final class HttpApiVerticle extends VerticleBase {
    /**
     * Where the server listens and what it serves.
     *
     * @param port 0 for any free port (see {@link #actualPort()})
     */
    public record Settings(String host, int port, HttpIngest ingest, AdminRoutes admin) {
    }

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
        server = vertx.createHttpServer(new HttpServerOptions().setHost(settings.host()).setPort(settings.port())
                .setDecompressionSupported(true))
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
}

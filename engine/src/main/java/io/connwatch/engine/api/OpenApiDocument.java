package io.connwatch.engine.api;

import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the API's OpenAPI 3 description ({@code GET /api/v1/openapi.yaml}, role read) from the jar. */
public final class OpenApiDocument {
    public static final String PATH = "/api/v1/openapi.yaml";
    private static final String RESOURCE = "/api/openapi.yaml";
    private final byte[] document;

    public OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String text() {
        return new String(document, java.nio.charset.StandardCharsets.UTF_8);
    }

    public void mount(Router router) {
        router.get(PATH).handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8")
            .putHeader("Cache-Control", "no-store").end(io.vertx.core.buffer.Buffer.buffer(document)));
    }
}

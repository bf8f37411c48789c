package io.connwatch.engine.cli;

import io.connwatch.engine.config.ConnwatchConfig;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * How a command reaches the running service's HTTP API when the service holds the state the
 * command would otherwise open itself (the lifecycle store, the outbox): the address (given, or
 * from {@code http.host} and {@code http.port}) and a token (the environment's
 * {@code CONNWATCH_TOKEN}, the given file, or the admin token the service generates).
 */
final class ServiceApi {
    /** The answer of one request. */
    record Answer(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The API's {@code error} text, or the status when the body says none. */
        String error() {
            try {
                String e = new JsonObject(body).getString("error");
                if (e != null) {
                    return e;
                }
            } catch (DecodeException | ClassCastException e) {
                // not the API's JSON: say the status
            }
            return "HTTP " + status;
        }
    }

    /** A request that did not get an answer, or could not be made: its message is one line for the user. */
    static final class Unreachable extends Exception {
        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    /** The {@code --url} and {@code --token-file} options of the commands that go through the API. */
    static final class Options {
        @Option(names = "--url", paramLabel = "URL",
            description = "The running service's address (default: from http.host and http.port of the configuration).")
        URI url;

        @Option(names = "--token-file", paramLabel = "FILE",
            description = {"A file holding an API token (default: http.auth.admin-token-file, the admin token the service generates",
                "when no token is configured). The environment variable CONNWATCH_TOKEN, when set, is used instead."})
        Path tokenFile;
    }

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServiceApi(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    /**
     * The API of the service this configuration runs.
     *
     * @throws Unreachable when its address is unknown (HTTP off, or port 0 without {@code --url}) or no token can be read
     */
    static ServiceApi of(ConnwatchConfig config, Options options) throws Unreachable {
        URI base = options.url != null ? options.url : address(config.http());
        String token = System.getenv("CONNWATCH_TOKEN");
        if (token == null || token.isBlank()) {
            Path file = options.tokenFile != null ? options.tokenFile : config.http().security().adminTokenFile();
            try {
                token = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new Unreachable("no token for the service's API: set CONNWATCH_TOKEN or give --token-file (cannot read " + file
                    + ": " + e.getClass().getSimpleName() + ")");
            }
        }
        return new ServiceApi(base, token.strip());
    }

    private static URI address(ConnwatchConfig.Http http) throws Unreachable {
        if (!http.enabled()) {
            throw new Unreachable("the configuration turns HTTP off (http.enabled: false): give the service's --url");
        }
        if (http.port() == 0) {
            throw new Unreachable("the configuration lets the service pick its port (http.port: 0): give its --url");
        }
        String host = http.host() == null ? "" : http.host().trim().toLowerCase(Locale.ROOT);
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return URI.create((http.security().tls() != null ? "https" : "http") + "://" + host + ":" + http.port());
    }

    URI base() {
        return base;
    }

    /**
     * Sends a request ({@code body} as JSON, or none when null) and returns the answer.
     *
     * @throws Unreachable when no answer came (nothing listens, a timeout, TLS refused)
     */
    Answer send(String method, String pathAndQuery, String body) throws Unreachable {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofMinutes(1))
            .header("Authorization", "Bearer " + token)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new Unreachable("no answer from the service at " + base + " (" + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted while waiting for the service at " + base);
        }
    }
}

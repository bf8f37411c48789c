package io.connwatch.notify.sentinel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.HttpSupport;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Access tokens of an app registration from Microsoft Entra ID by the OAuth 2.0 client-credentials
 * grant ({@code POST <authority>/<tenant>/oauth2/v2.0/token}), kept until shortly before they
 * expire and fetched again when the API refuses one ({@link #invalidate}). Entra's {@code error}
 * codes ({@code invalid_client}, {@code unauthorized_client}) are permanent failures, its 429 and
 * 5xx temporary; neither the secret nor a token appears in a message.
 */
final class EntraTokens {
    /** A token is fetched again this long before it expires (or at half its life when that is sooner). */
    static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String receiver;
    private final SentinelConfig config;
    private final HttpClient http;
    private final Clock clock;
    private String token;
    private Instant refreshAt = Instant.MIN;

    EntraTokens(String receiver, SentinelConfig config, HttpClient http, Clock clock) {
        this.receiver = receiver;
        this.config = config;
        this.http = http;
        this.clock = clock;
    }

    /** The token endpoint of the tenant. */
    URI endpoint() {
        return URI.create(config.authorityHost() + "/" + URLEncoder.encode(config.tenantId(), StandardCharsets.UTF_8)
            + "/oauth2/v2.0/token");
    }

    /** A valid token: the cached one, or a new one. */
    synchronized String token() throws DeliveryException {
        if (token != null && clock.instant().isBefore(refreshAt)) {
            return token;
        }
        String form = "grant_type=client_credentials&client_id=" + enc(config.clientId()) + "&client_secret=" + enc(config.clientSecret())
            + "&scope=" + enc(config.scope());
        HttpRequest req = HttpRequest.newBuilder(endpoint()).timeout(config.timeout())
            .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8)).build();
        Instant asked = clock.instant();
        HttpResponse<String> r = HttpSupport.send(http, req, receiver);
        JsonNode body;
        try {
            body = JSON.readTree(r.body() == null || r.body().isBlank() ? "{}" : r.body());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        if (r.statusCode() != 200 || !body.path("access_token").isTextual()) {
            String error = body.path("error").asText("");
            String detail = "token" + (error.matches("[a-z_]{1,60}") ? " " + error : "");
            if (r.statusCode() == 200) {
                throw DeliveryException.temporary(receiver + ": token answer without access_token");
            }
            throw HttpSupport.failure(receiver, r, detail);
        }
        long life = Math.max(0, body.path("expires_in").asLong(3600));
        Duration early = Duration.ofSeconds(Math.min(REFRESH_BEFORE.toSeconds(), life / 2));
        token = body.get("access_token").asText();
        refreshAt = asked.plusSeconds(life).minus(early);
        return token;
    }

    /** Forgets the cached token (the API said 401). */
    synchronized void invalidate() {
        token = null;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

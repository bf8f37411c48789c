package io.connwatch.notify.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.Notifier;
import io.connwatch.config.Settings;
import io.connwatch.notify.Templates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HTTP POST of a versioned JSON payload ({@code {"version":"1","status":"firing","receiver":...,
 * "sentAt":...,"alerts":[...]}}) with custom headers, optional bearer or basic auth, and an
 * HMAC-SHA256 signature over {@code timestamp + "." + body} so receivers can verify origin and
 * reject replays (see the README for the check). 2xx is success; 408, 429 and 5xx are retried.
 */
public final class WebhookNotifier implements Notifier {
    public static final String PAYLOAD_VERSION = "1";
    public static final String SIGNATURE_HEADER = "X-Connwatch-Signature";
    public static final String TIMESTAMP_HEADER = "X-Connwatch-Timestamp";

    /**
     * @param url           where to POST (secret: may hold a token)
     * @param headers       extra headers
     * @param bearerToken   Authorization: Bearer (secret), or null
     * @param basicUser     basic auth user, or null
     * @param basicPassword basic auth password (secret)
     * @param signingSecret HMAC key (secret), or null for unsigned
     * @param timeout       request timeout
     * @param maxBatch      alerts per request
     * @param tls           CA and client-certificate options
     */
    public record Config(URI url, Map<String, String> headers, String bearerToken, String basicUser, String basicPassword,
                         String signingSecret, Duration timeout, int maxBatch, HttpSupport.Tls tls) {
        @Override
        public String toString() {
            return "WebhookConfig[" + url.getHost() + ", signed=" + (signingSecret != null) + "]";
        }
    }

    private static final Set<String> KEYS = Set.of("type", "name", "url", "url-file", "headers", "bearer-token", "bearer-token-file",
        "basic-user", "basic-password", "basic-password-file", "signing-secret", "signing-secret-file", "timeout", "max-batch",
        "ca-file", "client-keystore", "client-keystore-password", "client-keystore-password-file");
    private static final ObjectMapper JSON = AlertJson.mapper();

    private final String name;
    private final Config config;
    private final HttpClient http;
    private final Clock clock;

    public WebhookNotifier(String name, Config config, Clock clock) throws GeneralSecurityException, IOException {
        this.name = name;
        this.config = config;
        this.clock = clock;
        this.http = HttpSupport.client(config.timeout(), config.tls());
    }

    public static Notifier create(String name, Settings s, Templates templates) {
        s.only(KEYS);
        URI uri = HttpSupport.url(s);
        String caFile = s.string("ca-file", null);
        String keystore = s.string("client-keystore", null);
        Config c = new Config(uri, s.map("headers"), s.secret("bearer-token", false), s.string("basic-user", null),
            s.secret("basic-password", false), s.secret("signing-secret", false), s.duration("timeout", Duration.ofSeconds(10)),
            s.integer("max-batch", 1, 1, 1000), new HttpSupport.Tls(caFile == null ? null : Path.of(caFile),
            keystore == null ? null : Path.of(keystore), s.secret("client-keystore-password", false)));
        if (c.bearerToken() != null && c.basicUser() != null) {
            s.problem("bearer-token", "give bearer-token or basic-user, not both");
        }
        if (uri == null) {
            return null;
        }
        try {
            return new WebhookNotifier(name, c, Clock.systemUTC());
        } catch (GeneralSecurityException | IOException e) {
            s.problem("ca-file", "cannot set up TLS: " + e.getClass().getSimpleName());
            return null;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxBatch() {
        return config.maxBatch();
    }

    /** The payload for alerts, as sent. */
    public String payload(List<Alert> alerts) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", PAYLOAD_VERSION);
        root.put("status", "firing");
        root.put("receiver", name);
        root.put("sentAt", clock.instant().toString());
        ArrayNode list = root.putArray("alerts");
        for (Alert a : alerts) {
            list.add(JSON.valueToTree(a));
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>}. */
    public static String signature(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }

    @Override
    public void deliver(List<Alert> alerts) throws DeliveryException {
        String body = payload(alerts);
        HttpRequest.Builder req = HttpRequest.newBuilder(config.url()).timeout(config.timeout())
            .header("Content-Type", "application/json").header("User-Agent", "connwatch")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        config.headers().forEach(req::header);
        if (config.bearerToken() != null) {
            req.header("Authorization", "Bearer " + config.bearerToken());
        } else if (config.basicUser() != null) {
            String pair = config.basicUser() + ":" + (config.basicPassword() == null ? "" : config.basicPassword());
            req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        if (config.signingSecret() != null) {
            long ts = clock.instant().getEpochSecond();
            req.header(TIMESTAMP_HEADER, String.valueOf(ts));
            req.header(SIGNATURE_HEADER, signature(config.signingSecret(), ts, body));
        }
        HttpResponse<String> r = HttpSupport.send(http, req.build(), name);
        if (r.statusCode() / 100 != 2) {
            throw HttpSupport.failure(name, r, null);
        }
    }
}

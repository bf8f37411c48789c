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
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
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

    private static final ObjectMapper JSON = AlertJson.mapper();

    private final String name;
    private final WebhookConfig config;
    private final HttpClient http;
    private final Clock clock;

    public WebhookNotifier(WebhookConfig config, Clock clock) throws GeneralSecurityException, IOException {
        this.name = config.name();
        this.config = config;
        this.clock = clock;
        this.http = HttpSupport.client(config.timeout(), config.tls());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxBatch() {
        return config.maxBatch();
    }

    /** The JSON payload, as sent. */
    @Override
    public Optional<String> preview(List<Alert> alerts) {
        return Optional.of(payload(alerts));
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

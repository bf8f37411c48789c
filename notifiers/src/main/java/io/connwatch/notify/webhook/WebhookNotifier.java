package io.connwatch.notify.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.AlertFormat;
import io.connwatch.alert.AlertJson;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.ocsf.OcsfFinding;
import io.connwatch.notify.DeliveryException;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.NotificationJson;
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
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HTTP POST of one notification (one alert group) as a versioned JSON payload, with custom
 * headers, optional bearer or basic auth, and an HMAC-SHA256 signature over
 * {@code timestamp + "." + body} so receivers can verify origin and reject replays (see the README
 * for the check). 2xx is success; 408, 429 and 5xx are retried.
 *
 * <p>Version 2 (the default) is shaped as Alertmanager's webhook payload:
 * {@code {"version":"2","id":...,"groupKey":...,"status":"firing"|"resolved","receiver":...,
 * "groupLabels":{...},"commonLabels":{...},"commonAnnotations":{...},"truncatedAlerts":0,
 * "counts":{"firing","resolved","new","silenced","inhibited","muted"},"acknowledged":{...}|null,
 * "ackURL":... (when set),"alerts":[{"id","status","startsAt","endsAt","fingerprint","rule",
 * "severity","computer","machine","process","labels","annotations","evidence"}]}} (see
 * {@link NotificationJson}); {@code max-alerts} bounds the list and {@code truncatedAlerts} counts
 * what was left out. Version 1 ({@code payload-version: 1}) is the payload of earlier releases,
 * unchanged: {@code {"version":"1","status":...,"receiver":...,"sentAt":...,"alerts":[<alert JSON>]}},
 * whose alerts have no status of their own: a firing notification lists its firing alerts, a
 * resolved one the alerts that resolved. With {@code payload: ocsf} the body is a JSON array of
 * OCSF Detection Findings, one per alert of the notification (see {@link OcsfFinding}).
 *
 * <p>Delivery is at-least-once: a receiver slower than {@code timeout} answers a request the
 * dispatcher already counts as failed, and gets the same notification again at the retry. The
 * header {@value #NOTIFICATION_ID_HEADER} (and, in version 2, the payload's {@code id}) is the same
 * on every attempt: receivers deduplicate by it.
 */
public final class WebhookNotifier implements Notifier {
    /** The version of the payload of earlier releases, still sent with {@code payload-version: 1}. */
    public static final String PAYLOAD_VERSION_1 = "1";
    public static final String SIGNATURE_HEADER = "X-Connwatch-Signature";
    public static final String TIMESTAMP_HEADER = "X-Connwatch-Timestamp";
    /** The notification's id, the same on every delivery attempt. */
    public static final String NOTIFICATION_ID_HEADER = "X-Connwatch-Notification-Id";

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
    public boolean sendResolved() {
        return config.sendResolved();
    }

    /** The JSON payload, as sent. */
    @Override
    public Optional<String> preview(Notification n) {
        return Optional.of(payload(n));
    }

    /** The payload for a notification, as sent, in the configured version. */
    public String payload(Notification n) {
        try {
            if (config.payload() == AlertFormat.OCSF) {
                ArrayNode findings = JSON.createArrayNode();
                n.alerts().forEach(a -> findings.add(OcsfFinding.of(a)));
                return JSON.writeValueAsString(findings);
            }
            ObjectNode root = config.payloadVersion() == 1 ? payloadV1(n) : NotificationJson.payload(n, name, config.maxAlerts());
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Version 1, byte for byte as earlier releases sent it for the same alerts. */
    private ObjectNode payloadV1(Notification n) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", PAYLOAD_VERSION_1);
        root.put("status", n.status().label());
        root.put("receiver", name);
        root.put("sentAt", clock.instant().toString());
        ArrayNode list = root.putArray("alerts");
        AlertStatus listed = n.status() == AlertStatus.RESOLVED ? AlertStatus.RESOLVED : AlertStatus.FIRING;
        for (NotifiedAlert a : n.alerts()) {
            if (a.status() == listed) {
                list.add(JSON.valueToTree(a.alert()));
            }
        }
        return root;
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
    public void deliver(Notification n) throws DeliveryException {
        String body = payload(n);
        HttpRequest.Builder req = HttpRequest.newBuilder(config.url()).timeout(config.timeout())
            .header("Content-Type", "application/json").header("User-Agent", "connwatch")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        config.headers().forEach(req::header);
        req.header(NOTIFICATION_ID_HEADER, n.id());
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

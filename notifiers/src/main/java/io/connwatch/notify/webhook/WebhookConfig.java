package io.connwatch.notify.webhook;

import io.connwatch.alert.AlertFormat;
import io.connwatch.config.Settings;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.ReceiverConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A webhook receiver's settings, checked when read (its TLS material too); no secret appears in
 * its {@link #toString()}.
 *
 * @param name          the receiver's name
 * @param url           where to POST (secret: may hold a token)
 * @param headers       extra headers
 * @param bearerToken   Authorization: Bearer (secret), or null
 * @param basicUser     basic auth user, or null
 * @param basicPassword basic auth password (secret)
 * @param signingSecret HMAC key (secret), or null for unsigned
 * @param timeout       request timeout
 * @param maxBatch      no longer used, still accepted so that older configuration files load: a request carries one
 *                      notification (one alert group) since payload version 2; {@code max-alerts} bounds its size
 * @param tls           CA and client-certificate options
 * @param payloadVersion the payload's shape: {@code 2} (a notification, Alertmanager-like) or {@code 1} (the alert
 *                      list of earlier releases)
 * @param maxAlerts     the most alerts one payload lists, the rest counted in {@code truncatedAlerts}; 0 for all
 *                      (version 2 only: version 1 cannot say that some were left out)
 * @param sendResolved  whether resolved notifications are sent ({@code send-resolved}, on by default)
 * @param payload       {@code native} (the versioned payload above) or {@code ocsf}: a JSON array of OCSF Detection
 *                      Findings, one per alert of the notification
 */
public record WebhookConfig(String name, URI url, Map<String, String> headers, String bearerToken, String basicUser,
                            String basicPassword, String signingSecret, Duration timeout, int maxBatch, HttpSupport.Tls tls,
                            int payloadVersion, int maxAlerts, boolean sendResolved, AlertFormat payload)
    implements ReceiverConfig {
    public static final String TYPE = "webhook";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_BATCH = 1;
    public static final int DEFAULT_PAYLOAD_VERSION = 2;
    /** Every alert of the notification. */
    public static final int DEFAULT_MAX_ALERTS = 0;
    /** On, as Alertmanager's webhook: a machine receiver wants to close what it opened. */
    public static final boolean DEFAULT_SEND_RESOLVED = true;

    private static final Set<String> KEYS = Set.of("type", "name", "url", "url-file", "headers", "bearer-token", "bearer-token-file",
        "basic-user", "basic-password", "basic-password-file", "signing-secret", "signing-secret-file", "timeout", "max-batch",
        "ca-file", "client-keystore", "client-keystore-password", "client-keystore-password-file", "payload-version", "max-alerts",
        SEND_RESOLVED, "payload");

    public WebhookConfig {
        headers = Map.copyOf(headers);
        payload = payload == null ? AlertFormat.NATIVE : payload;
    }

    /** A receiver sending the native payload. */
    public WebhookConfig(String name, URI url, Map<String, String> headers, String bearerToken, String basicUser, String basicPassword,
                         String signingSecret, Duration timeout, int maxBatch, HttpSupport.Tls tls, int payloadVersion, int maxAlerts,
                         boolean sendResolved) {
        this(name, url, headers, bearerToken, basicUser, basicPassword, signingSecret, timeout, maxBatch, tls, payloadVersion, maxAlerts,
            sendResolved, AlertFormat.NATIVE);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Reads a webhook receiver's settings; null when they have problems (each added to the settings). */
    public static WebhookConfig read(String name, Settings s) {
        int before = s.problemCount();
        s.only(KEYS);
        URI uri = HttpSupport.url(s);
        String caFile = s.string("ca-file", null);
        String keystore = s.string("client-keystore", null);
        WebhookConfig c = new WebhookConfig(name, uri, s.map("headers"), s.secret("bearer-token", false), s.string("basic-user", null),
            s.secret("basic-password", false), s.secret("signing-secret", false), s.duration("timeout", DEFAULT_TIMEOUT),
            s.integer("max-batch", DEFAULT_MAX_BATCH, 1, 1000), new HttpSupport.Tls(caFile == null ? null : s.resolve(caFile),
            keystore == null ? null : s.resolve(keystore), s.secret("client-keystore-password", false)),
            Integer.parseInt(s.choice("payload-version", String.valueOf(DEFAULT_PAYLOAD_VERSION), List.of("1", "2"))),
            s.integer("max-alerts", DEFAULT_MAX_ALERTS, 0, 1_000_000), s.bool(SEND_RESOLVED, DEFAULT_SEND_RESOLVED),
            AlertFormat.read(s, "payload"));
        if (c.bearerToken() != null && c.basicUser() != null) {
            s.problem("bearer-token", "give bearer-token or basic-user, not both");
        }
        if (c.payloadVersion() == 1 && c.maxAlerts() > 0) {
            s.problem("max-alerts", "needs payload-version 2 (version 1 cannot say how many alerts were left out)");
        }
        if (c.payload() == AlertFormat.OCSF && (s.has("payload-version") || c.maxAlerts() > 0)) {
            s.problem("payload", "ocsf sends every alert as an OCSF finding: payload-version and max-alerts are for the native payload");
        }
        if (uri == null) {
            return null;
        }
        try {
            HttpSupport.sslContext(c.tls());
        } catch (GeneralSecurityException | IOException e) {
            s.problem("ca-file", "cannot set up TLS: " + e.getClass().getSimpleName());
        }
        return s.problemCount() > before ? null : c;
    }

    @Override
    public String toString() {
        return "WebhookConfig[" + name + ", " + url.getHost() + ", " + (payload == AlertFormat.OCSF ? "ocsf" : "v" + payloadVersion) + ", signed=" + (signingSecret != null) + "]";
    }
}

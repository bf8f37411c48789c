package io.connwatch.notify.sentinel;

import io.connwatch.config.Settings;
import io.connwatch.notify.ReceiverConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * A Microsoft Sentinel (Log Analytics) receiver's settings, checked when read; the client secret
 * appears in no {@link #toString()}.
 *
 * @param name           the receiver's name
 * @param endpoint       the data collection endpoint's logs ingestion URL
 *                       ({@code https://<dce>.<region>-1.ingest.monitor.azure.com}), or the DCR's own endpoint
 * @param dcrImmutableId the data collection rule's immutable id ({@code dcr-...})
 * @param stream         the DCR's input stream ({@code Custom-ConnwatchAlerts_CL})
 * @param tenantId       the Microsoft Entra tenant of the app registration
 * @param clientId       the app registration's client id
 * @param clientSecret   its client secret (secret)
 * @param authorityHost  where tokens come from ({@code https://login.microsoftonline.com}; another cloud's, or a test's)
 * @param scope          the token's scope
 * @param gzip           whether request bodies are gzip-compressed
 * @param maxBatchBytes  the most bytes of JSON one request carries (the API takes 1 MB): larger notifications are split
 * @param timeout        request timeout
 * @param sendResolved   whether resolved alerts are sent ({@code send-resolved}, on by default)
 */
public record SentinelConfig(String name, URI endpoint, String dcrImmutableId, String stream, String tenantId, String clientId,
                             String clientSecret, URI authorityHost, String scope, boolean gzip, int maxBatchBytes, Duration timeout,
                             boolean sendResolved) implements ReceiverConfig {
    public static final String TYPE = "sentinel";
    public static final String API_VERSION = "2023-01-01";
    public static final String DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";
    /** Azure Monitor's audience with the client-credentials suffix (the double slash is Azure's). */
    public static final String DEFAULT_SCOPE = "https://monitor.azure.com//.default";
    /** The Logs Ingestion API's limit for one call. */
    public static final int MAX_BATCH_BYTES = 1_000_000;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** On: a SIEM wants to see an alert end. */
    public static final boolean DEFAULT_SEND_RESOLVED = true;

    private static final Set<String> KEYS = Set.of("type", "name", "endpoint", "dcr-immutable-id", "stream", "tenant-id", "client-id",
        "client-secret", "client-secret-file", "authority-host", "scope", "gzip", "max-batch-bytes", "timeout", SEND_RESOLVED);

    @Override
    public String type() {
        return TYPE;
    }

    /** Reads a Sentinel receiver's settings; null when they have problems (each added to the settings). */
    public static SentinelConfig read(String name, Settings s) {
        int before = s.problemCount();
        s.only(KEYS);
        URI endpoint = url(s, "endpoint", null);
        String dcr = s.required("dcr-immutable-id");
        if (dcr != null && !dcr.matches("dcr-[0-9a-fA-F]{32}")) {
            s.problem("dcr-immutable-id", "expected dcr- and 32 hex digits (the rule's immutableId, not its resource id)");
        }
        String stream = s.required("stream");
        if (stream != null && !stream.matches("(Custom|Microsoft)-[A-Za-z0-9_]{1,100}")) {
            s.problem("stream", "expected Custom-<Table>_CL (or a Microsoft- stream)");
        }
        String tenant = s.required("tenant-id");
        if (tenant != null && !tenant.matches("[A-Za-z0-9.-]{1,100}")) {
            s.problem("tenant-id", "expected a tenant id or domain");
        }
        SentinelConfig c = new SentinelConfig(name, endpoint, dcr, stream, tenant, s.required("client-id"), s.secret("client-secret", true),
            url(s, "authority-host", DEFAULT_AUTHORITY_HOST), s.string("scope", DEFAULT_SCOPE), s.bool("gzip", false),
            s.integer("max-batch-bytes", MAX_BATCH_BYTES, 4096, MAX_BATCH_BYTES), s.positiveDuration("timeout", DEFAULT_TIMEOUT),
            s.bool(SEND_RESOLVED, DEFAULT_SEND_RESOLVED));
        return s.problemCount() > before ? null : c;
    }

    private static URI url(Settings s, String key, String def) {
        String v = def == null ? s.required(key) : s.string(key, def);
        if (v == null) {
            return null;
        }
        try {
            URI u = URI.create(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
            if ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        s.problem(key, "must be an http or https URL");
        return null;
    }

    @Override
    public String toString() {
        return "SentinelConfig[" + name + ", " + endpoint.getHost() + ", " + dcrImmutableId + ", " + stream + "]";
    }
}

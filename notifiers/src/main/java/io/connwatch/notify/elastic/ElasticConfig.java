package io.connwatch.notify.elastic;

import io.connwatch.config.Settings;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.ReceiverConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Set;

/**
 * An Elasticsearch or OpenSearch receiver's settings, checked when read (its TLS material too);
 * the API key and password appear in no {@link #toString()}.
 *
 * @param name         the receiver's name
 * @param url          the cluster's base URL ({@code https://es.contoso.com:9200}); the channel adds {@code /_bulk}
 * @param index        the index or data stream documents go to
 * @param dataStream   whether {@code index} is a data stream (documents are then written with {@code create}, the only
 *                     action a data stream takes; an index gets {@code index})
 * @param apiKey       {@code Authorization: ApiKey <api-key>} (secret: the base64 of {@code id:key}, as Elasticsearch
 *                     returns it in {@code encoded}), or null
 * @param username     basic auth user, or null
 * @param password     basic auth password (secret)
 * @param maxBulkBytes the most bytes one {@code _bulk} request carries: larger notifications are split
 * @param timeout      request timeout
 * @param tls          CA options
 * @param sendResolved whether resolved alerts are written ({@code send-resolved}, on by default)
 */
public record ElasticConfig(String name, URI url, String index, boolean dataStream, String apiKey, String username, String password,
                            int maxBulkBytes, Duration timeout, HttpSupport.Tls tls, boolean sendResolved) implements ReceiverConfig {
    public static final String TYPE = "elasticsearch";
    /** 5 MiB: the size Elastic suggests starting bulk requests at, far below http.max_content_length (100 MB). */
    public static final int DEFAULT_MAX_BULK_BYTES = 5 * 1024 * 1024;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** On: a SIEM wants to see an alert end. */
    public static final boolean DEFAULT_SEND_RESOLVED = true;

    private static final Set<String> KEYS = Set.of("type", "name", "url", "url-file", "index", "data-stream", "api-key", "api-key-file",
        "username", "password", "password-file", "max-bulk-bytes", "timeout", "ca-file", SEND_RESOLVED);

    @Override
    public String type() {
        return TYPE;
    }

    /** Reads an Elasticsearch receiver's settings; null when they have problems (each added to the settings). */
    public static ElasticConfig read(String name, Settings s) {
        int before = s.problemCount();
        s.only(KEYS);
        URI url = HttpSupport.url(s);
        String index = s.required("index");
        if (index != null && !index.matches("[a-z0-9][a-z0-9._+-]*")) {
            s.problem("index", "not an index or data stream name (lower case, no spaces or \\ / * ? \" < > | , #)");
        }
        String caFile = s.string("ca-file", null);
        ElasticConfig c = new ElasticConfig(name, url, index, s.bool("data-stream", false), s.secret("api-key", false),
            s.string("username", null), s.secret("password", false), s.integer("max-bulk-bytes", DEFAULT_MAX_BULK_BYTES, 4096,
            Integer.MAX_VALUE), s.positiveDuration("timeout", DEFAULT_TIMEOUT), new HttpSupport.Tls(caFile == null ? null
            : s.resolve(caFile), null, null), s.bool(SEND_RESOLVED, DEFAULT_SEND_RESOLVED));
        if (c.apiKey() != null && c.username() != null) {
            s.problem("api-key", "give api-key or username, not both");
        }
        if (c.password() != null && c.username() == null) {
            s.problem("password", "needs username");
        }
        if (url == null || index == null) {
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
        return "ElasticConfig[" + name + ", " + url.getHost() + ", " + (dataStream ? "data stream " : "index ") + index + "]";
    }
}

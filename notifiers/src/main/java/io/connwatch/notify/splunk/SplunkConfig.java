package io.connwatch.notify.splunk;

import io.connwatch.config.Settings;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.ReceiverConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * A Splunk HTTP Event Collector receiver's settings, checked when read (its TLS material too); the
 * HEC token appears in no {@link #toString()}.
 *
 * @param name             the receiver's name
 * @param url              the collector's base URL ({@code https://splunk.contoso.com:8088}); the channel adds
 *                         {@code /services/collector/event} and {@code /services/collector/ack}
 * @param token            the HEC token (secret), sent as {@code Authorization: Splunk <token>}
 * @param index            the index events go to, or null for the token's default
 * @param source           the events' {@code source}
 * @param sourcetype       the events' {@code sourcetype}
 * @param maxContentLength the most bytes one request carries (the collector's {@code max_content_length}):
 *                         larger notifications are split into several requests
 * @param ack              whether to wait for indexer acknowledgement of each request
 * @param channel          the request channel (a GUID) acknowledgements are tracked on
 * @param ackTimeout       how long to wait for an acknowledgement before the delivery counts as failed (and is retried)
 * @param ackPollInterval  how often to ask for it
 * @param timeout          request timeout
 * @param tls              CA options
 * @param sendResolved     whether resolved alerts are sent ({@code send-resolved}, on by default)
 */
public record SplunkConfig(String name, URI url, String token, String index, String source, String sourcetype, int maxContentLength,
                           boolean ack, String channel, Duration ackTimeout, Duration ackPollInterval, Duration timeout,
                           HttpSupport.Tls tls, boolean sendResolved) implements ReceiverConfig {
    public static final String TYPE = "splunk";
    public static final String DEFAULT_SOURCE = "connwatch";
    public static final String DEFAULT_SOURCETYPE = "connwatch:alert";
    /** 1 MiB: well within any collector's limit (Splunk's default is far larger), and quick to retry. */
    public static final int DEFAULT_MAX_CONTENT_LENGTH = 1024 * 1024;
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_ACK_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** On: a SIEM wants to see an alert end. */
    public static final boolean DEFAULT_SEND_RESOLVED = true;

    private static final Set<String> KEYS = Set.of("type", "name", "url", "url-file", "token", "token-file", "index", "source",
        "sourcetype", "max-content-length", "ack", "channel", "ack-timeout", "ack-poll-interval", "timeout", "ca-file", SEND_RESOLVED);

    @Override
    public String type() {
        return TYPE;
    }

    /** Reads a Splunk receiver's settings; null when they have problems (each added to the settings). */
    public static SplunkConfig read(String name, Settings s) {
        int before = s.problemCount();
        s.only(KEYS);
        URI url = HttpSupport.url(s);
        String token = s.secret("token", true);
        String channel = s.string("channel", null);
        if (channel != null) {
            try {
                UUID.fromString(channel);
            } catch (IllegalArgumentException e) {
                s.problem("channel", "must be a GUID");
            }
        }
        String caFile = s.string("ca-file", null);
        SplunkConfig c = new SplunkConfig(name, url, token, s.string("index", null), s.string("source", DEFAULT_SOURCE),
            s.string("sourcetype", DEFAULT_SOURCETYPE),
            s.integer("max-content-length", DEFAULT_MAX_CONTENT_LENGTH, 4096, Integer.MAX_VALUE),
            s.bool("ack", false), channel == null ? UUID.randomUUID().toString() : channel, s.positiveDuration("ack-timeout",
            DEFAULT_ACK_TIMEOUT), s.positiveDuration("ack-poll-interval", DEFAULT_ACK_POLL_INTERVAL), s.positiveDuration("timeout",
            DEFAULT_TIMEOUT), new HttpSupport.Tls(caFile == null ? null : s.resolve(caFile), null, null),
            s.bool(SEND_RESOLVED, DEFAULT_SEND_RESOLVED));
        if (url == null || token == null) {
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
        return "SplunkConfig[" + name + ", " + url.getHost() + ", index=" + index + ", ack=" + ack + "]";
    }
}

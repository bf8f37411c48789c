package io.connwatch.notify.opsgenie;

import io.connwatch.config.Settings;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.ReceiverConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * An Opsgenie receiver's settings, checked when read; the API key (a secret) appears in no
 * {@link #toString()}.
 *
 * @param name         the receiver's name
 * @param apiUrl       the API's base URL: {@code region} us ({@value #US_URL}) or eu ({@value #EU_URL}), or {@code api-url}
 *                     (a test points it at loopback)
 * @param apiKey       the API integration's key, sent as {@code Authorization: GenieKey <key>} ({@code api-key} or
 *                     {@code api-key-file}, secret)
 * @param source       the alerts' {@code source} field
 * @param tags         tags added to every alert, beside the group's labels
 * @param maxAlerts    alerts of a group listed in the alert's description, the others counted
 * @param timeout      request timeout
 * @param sendResolved whether resolved notifications are sent ({@code send-resolved}, on by default: they close the alert)
 */
public record OpsgenieConfig(String name, URI apiUrl, String apiKey, String source, List<String> tags, int maxAlerts, Duration timeout,
                             boolean sendResolved) implements ReceiverConfig {
    public static final String TYPE = "opsgenie";
    public static final String US_URL = "https://api.opsgenie.com";
    public static final String EU_URL = "https://api.eu.opsgenie.com";
    public static final String DEFAULT_REGION = "us";
    public static final String DEFAULT_SOURCE = "connwatch";
    public static final int DEFAULT_MAX_ALERTS = 20;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** On, as Alertmanager's Opsgenie: the close request is what ends the alert. */
    public static final boolean DEFAULT_SEND_RESOLVED = true;

    private static final Set<String> KEYS = Set.of("type", "name", "api-key", "api-key-file", "region", "api-url", "source", "tags",
        "max-alerts", "timeout", SEND_RESOLVED);

    public OpsgenieConfig {
        tags = List.copyOf(tags);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Reads an Opsgenie receiver's settings; null when they have problems (each added to the settings). */
    public static OpsgenieConfig read(String name, Settings s) {
        int before = s.problemCount();
        s.only(KEYS);
        String key = s.secret("api-key", true);
        String region = s.choice("region", DEFAULT_REGION, List.of("us", "eu"));
        if (s.has("region") && s.has("api-url")) {
            s.problem("api-url", "give region or api-url, not both");
        }
        URI url = HttpSupport.url(s, "api-url", URI.create("eu".equals(region) ? EU_URL : US_URL));
        List<String> tags = s.strings("tags");
        for (String t : tags) {
            if (t.length() > OpsgenieNotifier.MAX_TAG) {
                s.problem("tags", "'" + t + "' is longer than Opsgenie's " + OpsgenieNotifier.MAX_TAG + " characters");
            }
        }
        if (tags.size() > OpsgenieNotifier.MAX_TAGS) {
            s.problem("tags", tags.size() + " tags; Opsgenie takes " + OpsgenieNotifier.MAX_TAGS);
        }
        String source = s.string("source", DEFAULT_SOURCE);
        if (source.length() > OpsgenieNotifier.MAX_SOURCE) {
            s.problem("source", "longer than Opsgenie's " + OpsgenieNotifier.MAX_SOURCE + " characters");
        }
        if (key != null && (key.isBlank() || key.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e))) {
            s.problem("api-key", "must be printable ASCII without spaces (the key of an Opsgenie API integration)");
        }
        OpsgenieConfig c = new OpsgenieConfig(name, url, key, source, tags, s.integer("max-alerts", DEFAULT_MAX_ALERTS, 0, 1000),
            s.duration("timeout", DEFAULT_TIMEOUT), s.bool(SEND_RESOLVED, DEFAULT_SEND_RESOLVED));
        return s.problemCount() > before ? null : c;
    }

    @Override
    public String toString() {
        return "OpsgenieConfig[" + name + ", " + apiUrl.getHost() + ", max " + maxAlerts + " alerts, send-resolved=" + sendResolved + "]";
    }
}

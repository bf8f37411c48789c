package io.connwatch.notify.pagerduty;

import io.connwatch.config.Settings;
import io.connwatch.notify.HttpSupport;
import io.connwatch.notify.ReceiverConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * A PagerDuty receiver's settings, checked when read; the routing key (a secret) appears in no
 * {@link #toString()}.
 *
 * @param name         the receiver's name
 * @param url          the Events API v2 endpoint ({@code url}, PagerDuty's by default; a test points it at loopback)
 * @param routingKey   the integration's routing key ({@code routing-key} or {@code routing-key-file}, secret)
 * @param client       the monitoring client's name shown on the incident
 * @param clientUrl    a link to the console shown on the incident, or null
 * @param maxAlerts    alerts of a group listed in the event's {@code custom_details}, the others counted
 * @param timeout      request timeout
 * @param sendResolved whether resolved notifications are sent ({@code send-resolved}, on by default: they resolve the incident)
 */
public record PagerDutyConfig(String name, URI url, String routingKey, String client, URI clientUrl, int maxAlerts, Duration timeout,
                              boolean sendResolved) implements ReceiverConfig {
    public static final String TYPE = "pagerduty";
    public static final URI DEFAULT_URL = URI.create("https://events.pagerduty.com/v2/enqueue");
    public static final String DEFAULT_CLIENT = "connwatch";
    public static final int DEFAULT_MAX_ALERTS = 20;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** On, as Alertmanager's PagerDuty: the resolve event is what closes the incident. */
    public static final boolean DEFAULT_SEND_RESOLVED = true;

    private static final Set<String> KEYS = Set.of("type", "name", "url", "routing-key", "routing-key-file", "client", "client-url",
        "max-alerts", "timeout", SEND_RESOLVED);

    @Override
    public String type() {
        return TYPE;
    }

    /** Reads a PagerDuty receiver's settings; null when they have problems (each added to the settings). */
    public static PagerDutyConfig read(String name, Settings s) {
        int before = s.problemCount();
        s.only(KEYS);
        String key = s.secret("routing-key", true);
        PagerDutyConfig c = new PagerDutyConfig(name, HttpSupport.url(s, "url", DEFAULT_URL), key, s.string("client", DEFAULT_CLIENT),
            HttpSupport.url(s, "client-url", null), s.integer("max-alerts", DEFAULT_MAX_ALERTS, 0, 1000),
            s.duration("timeout", DEFAULT_TIMEOUT), s.bool(SEND_RESOLVED, DEFAULT_SEND_RESOLVED));
        if (key != null && (key.isBlank() || key.chars().anyMatch(ch -> ch < 0x21 || ch > 0x7e))) {
            s.problem("routing-key", "must be printable ASCII without spaces (the integration key PagerDuty shows)");
        }
        return s.problemCount() > before ? null : c;
    }

    @Override
    public String toString() {
        return "PagerDutyConfig[" + name + ", " + url.getHost() + ", max " + maxAlerts + " alerts, send-resolved=" + sendResolved + "]";
    }
}

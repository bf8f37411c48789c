package io.connwatch.notify;

import io.connwatch.config.Settings;
import com.fasterxml.jackson.databind.JsonNode;
import io.connwatch.notify.email.EmailNotifier;
import io.connwatch.notify.kafka.KafkaNotifier;
import io.connwatch.notify.slack.SlackNotifier;
import io.connwatch.notify.webhook.WebhookNotifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The channel types a receiver can be: adding a channel is one package and one line here. */
public final class Channels {
    /** Reads a receiver's settings and builds its notifier; null when the settings have problems. */
    public interface Channel {
        Notifier create(String name, Settings settings, Templates templates);
    }

    private static final Map<String, Channel> TYPES = Map.of(
        "email", EmailNotifier::create,
        "webhook", WebhookNotifier::create,
        "slack", SlackNotifier::create,
        "kafka", KafkaNotifier::create);

    private Channels() {
    }

    public static List<String> types() {
        return TYPES.keySet().stream().sorted().toList();
    }

    /** Builds the notifier of one receiver entry, adding problems (each naming its key) to the list. */
    public static Notifier create(JsonNode receiver, String where, List<String> problems, Templates templates) {
        Settings s = new Settings(receiver, where, problems);
        String name = s.required("name");
        String type = s.required("type");
        if (name == null || type == null) {
            return null;
        }
        Channel c = TYPES.get(type);
        if (c == null) {
            s.problem("type", "unknown '" + type + "' (expected one of " + String.join(", ", types()) + ")");
            return null;
        }
        return c.create(name, s, templates);
    }

    /** The minimum interval a notifier asks between deliveries (Slack's rate limit). */
    public static Duration minInterval(Notifier n) {
        return n instanceof SlackNotifier s ? s.minInterval() : Duration.ZERO;
    }
}

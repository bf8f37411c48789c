package io.connwatch.notify;

import io.connwatch.config.Settings;
import io.connwatch.notify.elastic.ElasticConfig;
import io.connwatch.notify.elastic.ElasticNotifier;
import io.connwatch.notify.email.EmailConfig;
import io.connwatch.notify.email.EmailNotifier;
import io.connwatch.notify.kafka.KafkaNotifier;
import io.connwatch.notify.kafka.KafkaNotifierConfig;
import io.connwatch.notify.opsgenie.OpsgenieConfig;
import io.connwatch.notify.opsgenie.OpsgenieNotifier;
import io.connwatch.notify.pagerduty.PagerDutyConfig;
import io.connwatch.notify.pagerduty.PagerDutyNotifier;
import io.connwatch.notify.sentinel.SentinelConfig;
import io.connwatch.notify.sentinel.SentinelNotifier;
import io.connwatch.notify.slack.SlackConfig;
import io.connwatch.notify.slack.SlackNotifier;
import io.connwatch.notify.splunk.SplunkConfig;
import io.connwatch.notify.splunk.SplunkNotifier;
import io.connwatch.notify.syslog.SyslogConfig;
import io.connwatch.notify.syslog.SyslogNotifier;
import io.connwatch.notify.teams.TeamsConfig;
import io.connwatch.notify.teams.TeamsNotifier;
import io.connwatch.notify.webhook.WebhookConfig;
import io.connwatch.notify.webhook.WebhookNotifier;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The channel types a receiver can be, each a type name, the reader of its typed configuration
 * and the factory of its notifier: adding a channel is one package and one line here.
 */
public final class Channels {
    /** Reads a receiver's settings into its channel's config; null when they have problems (each added to the settings). */
    @FunctionalInterface
    private interface ConfigReader<C extends ReceiverConfig> {
        C read(String name, Settings settings);
    }

    /** Builds the notifier of a checked config. */
    @FunctionalInterface
    private interface NotifierFactory<C extends ReceiverConfig> {
        Notifier create(C config, Templates templates) throws GeneralSecurityException, IOException;
    }

    /** One channel type. */
    private record Channel<C extends ReceiverConfig>(String type, Class<C> configType, ConfigReader<C> reader,
                                                    NotifierFactory<C> factory) {
        Notifier create(ReceiverConfig config, Templates templates) throws GeneralSecurityException, IOException {
            return factory.create(configType.cast(config), templates);
        }
    }

    private static final Map<String, Channel<?>> TYPES = register(
        new Channel<>(EmailConfig.TYPE, EmailConfig.class, EmailConfig::read, EmailNotifier::new),
        new Channel<>(WebhookConfig.TYPE, WebhookConfig.class, WebhookConfig::read, (c, t) -> new WebhookNotifier(c, Clock.systemUTC())),
        new Channel<>(SplunkConfig.TYPE, SplunkConfig.class, SplunkConfig::read, (c, t) -> new SplunkNotifier(c)),
        new Channel<>(ElasticConfig.TYPE, ElasticConfig.class, ElasticConfig::read, (c, t) -> new ElasticNotifier(c)),
        new Channel<>(SyslogConfig.TYPE, SyslogConfig.class, SyslogConfig::read, (c, t) -> new SyslogNotifier(c)),
        new Channel<>(SentinelConfig.TYPE, SentinelConfig.class, SentinelConfig::read, (c, t) -> new SentinelNotifier(c)),
        new Channel<>(SlackConfig.TYPE, SlackConfig.class, SlackConfig::read, SlackNotifier::new),
        new Channel<>(KafkaNotifierConfig.TYPE, KafkaNotifierConfig.class, KafkaNotifierConfig::read, (c, t) -> new KafkaNotifier(c)),
        new Channel<>(TeamsConfig.TYPE, TeamsConfig.class, TeamsConfig::read, (c, t) -> new TeamsNotifier(c)),
        new Channel<>(PagerDutyConfig.TYPE, PagerDutyConfig.class, PagerDutyConfig::read, (c, t) -> new PagerDutyNotifier(c)),
        new Channel<>(OpsgenieConfig.TYPE, OpsgenieConfig.class, OpsgenieConfig::read, (c, t) -> new OpsgenieNotifier(c)));

    private Channels() {
    }

    private static Map<String, Channel<?>> register(Channel<?>... channels) {
        Map<String, Channel<?>> m = new LinkedHashMap<>();
        for (Channel<?> c : channels) {
            m.put(c.type(), c);
        }
        return Map.copyOf(m);
    }

    public static List<String> types() {
        return TYPES.keySet().stream().sorted().toList();
    }

    /** Reads one receiver entry ({@code name}, {@code type} and the channel's settings); null when it has problems. */
    public static ReceiverConfig read(Settings receiver) {
        String name = receiver.required("name");
        String type = receiver.required("type");
        if (name == null || type == null) {
            return null;
        }
        Channel<?> c = TYPES.get(type);
        if (c == null) {
            receiver.problem("type", "unknown '" + type + "' (expected one of " + String.join(", ", types()) + ")");
            return null;
        }
        int before = receiver.problemCount();
        ReceiverConfig config = c.reader().read(name, receiver);
        return receiver.problemCount() > before ? null : config;
    }

    /**
     * Builds the notifier of a receiver read by {@link #read}.
     *
     * @throws IOException when its TLS material cannot be loaded (it could when the configuration was read)
     */
    public static Notifier create(ReceiverConfig config, Templates templates) throws IOException {
        Channel<?> c = TYPES.get(config.type());
        if (c == null) {
            throw new IllegalArgumentException("no channel type '" + config.type() + "'");
        }
        try {
            return c.create(config, templates);
        } catch (GeneralSecurityException e) {
            throw new IOException(config.name() + ": cannot set up TLS: " + e.getClass().getSimpleName(), e);
        }
    }
}

package io.connwatch.engine.config;

import io.connwatch.alert.Severity;
import io.connwatch.config.Settings;
import io.connwatch.notify.Channels;
import io.connwatch.notify.Dispatcher;
import io.connwatch.notify.Notifier;
import io.connwatch.notify.ReceiverConfig;
import io.connwatch.notify.RetryPolicy;
import io.connwatch.notify.Route;
import io.connwatch.notify.Router;
import io.connwatch.notify.Templates;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code notify} section: receivers (each a channel type with its typed settings), routes,
 * the outbox, retries and circuit breaking.
 *
 * @param outbox           directory of the durable outbox
 * @param templates        directory of template overrides, or null
 * @param retry            backoff and attempts
 * @param breakerFailures  failures in a row that open a receiver's circuit
 * @param breakerOpenFor   how long it stays open
 * @param receivers        the receivers' checked settings (their notifiers are built by {@link #notifiers()})
 * @param router           routes and default receivers
 * @param lifecycle        grouping, timers, resolve, silences, inhibition and acknowledgement settings
 */
public record NotifySettings(Path outbox, Path templates, RetryPolicy retry, int breakerFailures, Duration breakerOpenFor,
                             List<ReceiverConfig> receivers, Router router, LifecycleSettings lifecycle) {
    private static final Set<String> KEYS = keys();

    private static Set<String> keys() {
        Set<String> k = new HashSet<>(Set.of("outbox", "templates", "retry", "circuit-breaker", "receivers", "routes",
            "default-receivers"));
        k.addAll(LifecycleSettings.KEYS);
        return Set.copyOf(k);
    }

    public NotifySettings {
        receivers = List.copyOf(receivers);
    }

    public static NotifySettings defaults() {
        return new NotifySettings(Path.of("data", "outbox"), null, RetryPolicy.DEFAULT, 5, Duration.ofMinutes(1), List.of(),
            new Router(List.of(), List.of()), LifecycleSettings.defaults());
    }

    public boolean enabled() {
        return !receivers.isEmpty();
    }

    /**
     * Whether a receiver is told about resolved alerts: as it is configured, else Alertmanager's
     * defaults (on for webhook and Kafka, off for email and Slack, where resolved messages are noise);
     * on for a receiver that is not configured (the replay's preview).
     */
    public boolean sendResolved(String receiver) {
        for (ReceiverConfig r : receivers) {
            if (r.name().equals(receiver)) {
                return r.sendResolved();
            }
        }
        return true;
    }

    public Templates templateSet() {
        return new Templates(templates);
    }

    /**
     * Builds every receiver's notifier from its checked settings.
     *
     * @throws IOException when a receiver's TLS material can no longer be loaded (none is left open then)
     */
    public List<Notifier> notifiers() throws IOException {
        List<Notifier> out = new ArrayList<>();
        Templates t = templateSet();
        try {
            for (ReceiverConfig r : receivers) {
                out.add(Channels.create(r, t));
            }
        } catch (IOException | RuntimeException e) {
            out.forEach(Notifier::close);
            throw e;
        }
        return out;
    }

    /** Per-receiver dispatcher settings: the channel's minimum interval, the circuit breaker. */
    public Map<String, Dispatcher.ReceiverSettings> receiverSettings(List<Notifier> notifiers) {
        Map<String, Dispatcher.ReceiverSettings> m = new HashMap<>();
        for (Notifier n : notifiers) {
            m.put(n.name(), new Dispatcher.ReceiverSettings(n.minInterval(), breakerFailures, breakerOpenFor));
        }
        return m;
    }

    /** Reads the section ({@link #defaults()} when it is empty). */
    static NotifySettings read(Settings s) {
        s.only(KEYS);
        Path outbox = s.file("outbox", "data/outbox");
        Path templates = s.file("templates", null);
        Settings r = s.section("retry", Set.of("initial", "max", "multiplier", "jitter", "max-attempts"));
        RetryPolicy retry = RetryPolicy.DEFAULT;
        Duration initial = r.duration("initial", RetryPolicy.DEFAULT.initial());
        Duration max = r.duration("max", RetryPolicy.DEFAULT.max());
        double multiplier = r.decimal("multiplier", RetryPolicy.DEFAULT.multiplier());
        double jitter = r.decimal("jitter", RetryPolicy.DEFAULT.jitter());
        int attempts = r.integer("max-attempts", RetryPolicy.DEFAULT.maxAttempts(), 1, 10_000);
        try {
            retry = new RetryPolicy(initial, max, multiplier, jitter, attempts);
        } catch (IllegalArgumentException e) {
            r.problem(e.getMessage());
        }
        Settings cb = s.section("circuit-breaker", Set.of("failures", "open-for"));
        int failures = cb.integer("failures", 5, 1, 1000);
        Duration openFor = cb.duration("open-for", Duration.ofMinutes(1));

        if (templates != null) {
            new Templates(templates).check().forEach(p -> s.problem("templates", p));
        }
        List<ReceiverConfig> receivers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Settings rec : s.list("receivers")) {
            String name = rec.string("name", null);
            if (name != null) {
                rec = rec.at(s.path("receivers") + "[" + name + "]");
                if (!names.add(name)) {
                    rec.problem("two receivers have this name");
                }
            }
            ReceiverConfig c = Channels.read(rec);
            if (c != null) {
                receivers.add(c);
            }
        }
        List<Route> routes = new ArrayList<>();
        List<Settings> routeConfig = s.list("routes");
        for (Settings route : routeConfig) {
            routes.add(route(route, names));
        }
        List<String> defaults = s.strings("default-receivers");
        for (String d : defaults) {
            if (!names.contains(d)) {
                s.problem("default-receivers", "no receiver named '" + d + "'");
            }
        }
        LifecycleSettings lifecycle = LifecycleSettings.read(s, routes, routeConfig, defaults, outbox);
        return new NotifySettings(outbox, templates, retry, failures, openFor, receivers, new Router(routes, defaults), lifecycle);
    }

    private static Route route(Settings s, Set<String> receivers) {
        Set<String> keys = new HashSet<>(Set.of("match", "receivers", "continue"));
        keys.addAll(LifecycleSettings.ROUTE_KEYS);
        s.only(keys);
        Settings m = s.section("match", Set.of("min-severity", "rules", "labels", "machine"));
        Severity min = m.value("min-severity", null, Severity::parse);
        // A route without receivers is allowed: the alerts it takes are tracked, grouped and shown, never sent.
        List<String> to = s.strings("receivers");
        for (String r : to) {
            if (!receivers.contains(r)) {
                s.problem("receivers", "no receiver named '" + r + "'");
            }
        }
        return new Route(min, m.globs("rules"), m.map("labels"), m.glob("machine"), to, s.bool("continue", false));
    }
}

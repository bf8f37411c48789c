package io.connwatch.engine.config;

import io.connwatch.config.Glob;
import com.fasterxml.jackson.databind.JsonNode;
import io.connwatch.alert.Severity;
import io.connwatch.notify.Channels;
import io.connwatch.notify.Dispatcher;
import io.connwatch.notify.Notifier;
import io.connwatch.notify.RetryPolicy;
import io.connwatch.notify.Route;
import io.connwatch.notify.Router;
import io.connwatch.config.Settings;
import io.connwatch.notify.Templates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code notify} section: receivers (each a channel type with its settings), routes, the
 * outbox, retries and circuit breaking.
 *
 * @param outbox           directory of the durable outbox
 * @param templates        directory of template overrides, or null
 * @param retry            backoff and attempts
 * @param breakerFailures  failures in a row that open a receiver's circuit
 * @param breakerOpenFor   how long it stays open
 * @param receivers        the receivers' settings as written (validated at load; built by {@link #notifiers()})
 * @param router           routes and default receivers
 */
public record NotifySettings(Path outbox, Path templates, RetryPolicy retry, int breakerFailures, Duration breakerOpenFor,
                             List<JsonNode> receivers, Router router) {
    private static final Set<String> KEYS = Set.of("outbox", "templates", "retry", "circuit-breaker", "receivers", "routes",
        "default-receivers");

    public static NotifySettings defaults() {
        return new NotifySettings(Path.of("data", "outbox"), null, RetryPolicy.DEFAULT, 5, Duration.ofMinutes(1), List.of(),
            new Router(List.of(), List.of()));
    }

    public boolean enabled() {
        return !receivers.isEmpty();
    }

    public Templates templateSet() {
        return new Templates(templates);
    }

    /** Builds every receiver's notifier. */
    public List<Notifier> notifiers() {
        List<String> problems = new ArrayList<>();
        List<Notifier> out = new ArrayList<>();
        Templates t = templateSet();
        for (int i = 0; i < receivers.size(); i++) {
            Notifier n = Channels.create(receivers.get(i), "notify.receivers[" + i + "]", problems, t);
            if (n != null) {
                out.add(n);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("receivers changed since the configuration was checked: " + problems);
        }
        return out;
    }

    /** Per-receiver dispatcher settings: Slack's minimum interval, the circuit breaker. */
    public Map<String, Dispatcher.ReceiverSettings> receiverSettings(List<Notifier> notifiers) {
        Map<String, Dispatcher.ReceiverSettings> m = new java.util.HashMap<>();
        for (Notifier n : notifiers) {
            m.put(n.name(), new Dispatcher.ReceiverSettings(Channels.minInterval(n), breakerFailures, breakerOpenFor));
        }
        return m;
    }

    static NotifySettings read(JsonNode node, List<String> problems) {
        if (node == null || node.isNull()) {
            return defaults();
        }
        if (!node.isObject()) {
            problems.add("notify: expected a section of settings");
            return defaults();
        }
        Settings s = new Settings(node, "notify", problems);
        s.only(KEYS);
        Path outbox = Path.of(s.string("outbox", "data/outbox"));
        String templatesDir = s.string("templates", null);
        Path templates = templatesDir == null ? null : Path.of(templatesDir);
        Settings r = s.child("retry");
        r.only(Set.of("initial", "max", "multiplier", "jitter", "max-attempts"));
        RetryPolicy retry = RetryPolicy.DEFAULT;
        try {
            JsonNode rn = node.path("retry");
            retry = new RetryPolicy(r.duration("initial", RetryPolicy.DEFAULT.initial()), r.duration("max", RetryPolicy.DEFAULT.max()),
                rn.has("multiplier") ? rn.get("multiplier").asDouble() : RetryPolicy.DEFAULT.multiplier(),
                rn.has("jitter") ? rn.get("jitter").asDouble() : RetryPolicy.DEFAULT.jitter(),
                r.integer("max-attempts", RetryPolicy.DEFAULT.maxAttempts(), 1, 10_000));
        } catch (IllegalArgumentException e) {
            problems.add("notify.retry: " + e.getMessage());
        }
        Settings cb = s.child("circuit-breaker");
        cb.only(Set.of("failures", "open-for"));
        int failures = cb.integer("failures", 5, 1, 1000);
        Duration openFor = cb.duration("open-for", Duration.ofMinutes(1));

        List<JsonNode> receivers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Templates t = new Templates(templates);
        if (templates != null) {
            t.check().forEach(p -> problems.add("notify.templates: " + p));
        }
        JsonNode list = node.get("receivers");
        if (list != null && !list.isArray()) {
            problems.add("notify.receivers: expected a list");
        } else if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                JsonNode rec = list.get(i);
                String name = rec.path("name").asText(null);
                String where = "notify.receivers[" + (name == null ? String.valueOf(i) : name) + "]";
                if (!rec.isObject()) {
                    problems.add(where + ": expected name, type and settings");
                    continue;
                }
                if (name != null && !names.add(name)) {
                    problems.add(where + ": two receivers have this name");
                }
                Notifier n = Channels.create(rec, where, problems, t);
                if (n != null) {
                    n.close();
                    receivers.add(rec);
                }
            }
        }
        List<Route> routes = new ArrayList<>();
        JsonNode routeList = node.get("routes");
        if (routeList != null && !routeList.isArray()) {
            problems.add("notify.routes: expected a list");
        } else if (routeList != null) {
            for (int i = 0; i < routeList.size(); i++) {
                Route route = route(routeList.get(i), "notify.routes[" + i + "]", names, problems);
                if (route != null) {
                    routes.add(route);
                }
            }
        }
        List<String> defaults = s.strings("default-receivers");
        for (String d : defaults) {
            if (!names.contains(d)) {
                problems.add("notify.default-receivers: no receiver named '" + d + "'");
            }
        }
        return new NotifySettings(outbox, templates, retry, failures, openFor, receivers, new Router(routes, defaults));
    }

    private static Route route(JsonNode n, String where, Set<String> receivers, List<String> problems) {
        Settings s = new Settings(n, where, problems);
        s.only(Set.of("match", "receivers", "continue"));
        Settings m = s.child("match");
        m.only(Set.of("min-severity", "rules", "labels", "machine"));
        Severity min = null;
        String sev = m.string("min-severity", null);
        if (sev != null) {
            try {
                min = Severity.parse(sev);
            } catch (IllegalArgumentException e) {
                m.problem("min-severity", e.getMessage());
            }
        }
        List<Pattern> rules = m.strings("rules").stream().map(Glob::compile).toList();
        String machine = m.string("machine", null);
        List<String> to = s.strings("receivers");
        if (to.isEmpty()) {
            s.problem("receivers", "missing: at least one receiver");
        }
        for (String r : to) {
            if (!receivers.contains(r)) {
                s.problem("receivers", "no receiver named '" + r + "'");
            }
        }
        return new Route(min, rules, m.map("labels"), machine == null ? null : Glob.compile(machine), to, s.bool("continue", false));
    }
}

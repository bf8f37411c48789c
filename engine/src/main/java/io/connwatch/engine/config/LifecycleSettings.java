package io.connwatch.engine.config;

import io.connwatch.alert.Alert;
import io.connwatch.config.Settings;
import io.connwatch.engine.rules.ResolveAfter;
import io.connwatch.lifecycle.dispatch.Labels;
import io.connwatch.lifecycle.dispatch.Route;
import io.connwatch.lifecycle.inhibit.InhibitRule;
import io.connwatch.lifecycle.inhibit.Inhibitor;
import io.connwatch.lifecycle.match.Matchers;
import io.connwatch.lifecycle.timeinterval.TimeInterval;
import io.connwatch.lifecycle.dispatch.Timing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The lifecycle part of the {@code notify} section: how alerts are grouped and timed per route
 * (Alertmanager's group-by, group-wait, group-interval, repeat-interval), when they resolve, where
 * the lifecycle keeps its state, and the signed acknowledgement links.
 *
 * @param state            directory of the lifecycle store (groups, notification log, silences, acknowledgements)
 * @param routes           the routes in order, each with its grouping and timers (the root's where it sets none)
 * @param root             the route taking what no route matched: the default receivers, the root grouping
 * @param resolveFloor     resolve-after for rules without a window, and the least any derived one gets
 * @param resolveOverrides resolve-after per rule-name glob
 * @param silenceRetention how long expired silences stay listed
 * @param maxSilences      silences kept at most
 * @param ackLinks         the signed acknowledgement links, or null when off
 * @param inhibitRules     the inhibition rules (the shipped defaults unless configured)
 * @param timeIntervals    the named time intervals routes mute or activate by
 */
public record LifecycleSettings(Path state, List<Route> routes, Route root, Duration resolveFloor,
                                Map<Pattern, Duration> resolveOverrides, Duration silenceRetention, int maxSilences,
                                AckLinks ackLinks, List<InhibitRule> inhibitRules, Map<String, TimeInterval> timeIntervals) {
    static final Set<String> KEYS = Set.of("state", "group-by", "group-wait", "group-interval", "repeat-interval", "resolve-after",
        "silences", "ack-links", "inhibit-rules", "time-intervals", "updates");
    static final Set<String> ROUTE_KEYS = Set.of("name", "group-by", "group-wait", "group-interval", "repeat-interval",
        "mute-time-intervals", "active-time-intervals", "matchers", "updates");

    /**
     * Signed, expiring acknowledgement links in notifications.
     *
     * @param externalUrl the service's address as people reach it (links point there)
     * @param secret      the HMAC key (from the environment or a file)
     * @param ttl         how long a link works
     */
    public record AckLinks(String externalUrl, String secret, Duration ttl) {
        @Override
        public String toString() {
            return "AckLinks[externalUrl=" + externalUrl + ", secret=(hidden), ttl=" + ttl + "]";
        }
    }

    public LifecycleSettings {
        routes = List.copyOf(routes);
        resolveOverrides = new LinkedHashMap<>(resolveOverrides);
        inhibitRules = List.copyOf(inhibitRules);
        timeIntervals = new LinkedHashMap<>(timeIntervals);
    }

    public static LifecycleSettings defaults() {
        return new LifecycleSettings(Path.of("data", "lifecycle"), List.of(), root(List.of(), List.of("computer"), Timing.DEFAULT),
            ResolveAfter.DEFAULT_FLOOR, Map.of(), Duration.ofDays(5), 10_000, null, Inhibitor.defaults(), Map.of());
    }

    private static Route root(List<String> receivers, List<String> groupBy, Timing timing) {
        return root(receivers, groupBy, timing, Route.Updates.ON_ESCALATION);
    }

    private static Route root(List<String> receivers, List<String> groupBy, Timing timing, Route.Updates updates) {
        return new Route("default", a -> true, receivers, false, groupBy, timing, List.of(), List.of(), updates);
    }

    /** Every receiver some route (or the root) sends to. */
    public Set<String> receivers() {
        Set<String> out = new java.util.LinkedHashSet<>(root.receivers());
        routes.forEach(r -> out.addAll(r.receivers()));
        return out;
    }

    /**
     * Reads the lifecycle keys of the notify section.
     *
     * @param routes      the notify routes already read (their match and receivers), in order
     * @param routeConfig their settings, to read the lifecycle keys of each
     * @param defaults    the default receivers
     */
    static LifecycleSettings read(Settings s, List<io.connwatch.notify.Route> routes, List<Settings> routeConfig, List<String> defaults,
                                  Path outbox) {
        // Beside the outbox unless said otherwise: one data directory holds all durable state.
        String stateDir = s.string("state", null);
        String sibling = outbox.getFileName() == null || outbox.getFileName().toString().equals("outbox") ? "lifecycle"
            : outbox.getFileName() + "-lifecycle";
        Path state = stateDir != null ? s.resolve(stateDir) : outbox.resolveSibling(sibling);
        List<String> groupBy = s.has("group-by") ? s.strings("group-by") : List.of("computer");
        Timing rootTiming = timing(s, Timing.DEFAULT);
        Route.Updates rootUpdates = updates(s, Route.Updates.ON_ESCALATION);
        Settings ra = s.section("resolve-after", Set.of("default", "rules"));
        Duration floor = ra.positiveDuration("default", ResolveAfter.DEFAULT_FLOOR);
        Map<Pattern, Duration> overrides = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : ra.map("rules").entrySet()) {
            try {
                overrides.put(io.connwatch.config.Glob.compile(e.getKey()), io.connwatch.config.Durations.parse(e.getValue()));
            } catch (IllegalArgumentException ex) {
                ra.problem("rules." + e.getKey(), ex.getMessage());
            }
        }
        Settings sil = s.section("silences", Set.of("retention", "max"));
        Duration retention = sil.positiveDuration("retention", Duration.ofDays(5));
        int maxSilences = sil.integer("max", 10_000, 1, 1_000_000);
        AckLinks links = null;
        if (s.has("ack-links")) {
            Settings a = s.section("ack-links", Set.of("external-url", "secret", "secret-file", "ttl"));
            String url = a.string("external-url", null);
            if (url == null) {
                a.problem("external-url", "missing: the address people open the links at, e.g. https://connwatch.example.com");
            } else if (!url.startsWith("https://") && !url.startsWith("http://")) {
                a.problem("external-url", "must start with https:// or http://");
            }
            String secret = a.secret("secret", true);
            if (secret != null && secret.length() < 32) {
                a.problem("secret", "too short: at least 32 characters");
            }
            Duration ttl = a.positiveDuration("ttl", Duration.ofHours(24));
            if (url != null && secret != null) {
                links = new AckLinks(url.replaceAll("/+$", ""), secret, ttl);
            }
        }
        List<InhibitRule> inhibit = InhibitRule.list(s);
        Map<String, TimeInterval> intervals = TimeInterval.map(s);
        List<Route> out = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            io.connwatch.notify.Route r = routes.get(i);
            Settings rc = routeConfig.get(i);
            String name = rc.string("name", "route-" + i);
            if (!names.add(name) || name.equals("default")) {
                rc.problem("name", "'" + name + "' is taken: route names must be unique and not 'default'");
            }
            List<String> by = rc.has("group-by") ? rc.strings("group-by") : groupBy;
            Predicate<Alert> match = r::matches;
            if (rc.has("matchers")) {
                try {
                    Matchers m = Matchers.of(rc.strings("matchers"));
                    match = match.and(a -> m.matches(Labels.of(a)));
                } catch (IllegalArgumentException e) {
                    rc.problem("matchers", e.getMessage());
                }
            }
            for (String key : List.of("mute-time-intervals", "active-time-intervals")) {
                for (String named : rc.strings(key)) {
                    if (!intervals.containsKey(named)) {
                        rc.problem(key, "no time interval named '" + named + "' (known: " + intervals.keySet() + ")");
                    }
                }
            }
            out.add(new Route(name, match, r.receivers(), r.continueMatching(), by, timing(rc, rootTiming),
                rc.strings("mute-time-intervals"), rc.strings("active-time-intervals"), updates(rc, rootUpdates)));
        }
        return new LifecycleSettings(state, out, root(defaults, groupBy, rootTiming, rootUpdates), floor, overrides, retention, maxSilences, links,
            inhibit, intervals);
    }

    private static Route.Updates updates(Settings s, Route.Updates inherit) {
        String v = s.choice("updates", inherit == Route.Updates.ALWAYS ? "always" : "on-escalation", List.of("on-escalation", "always"));
        return "always".equals(v) ? Route.Updates.ALWAYS : Route.Updates.ON_ESCALATION;
    }

    private static Timing timing(Settings s, Timing inherit) {
        Duration wait = s.duration("group-wait", inherit.groupWait());
        Duration interval = s.positiveDuration("group-interval", inherit.groupInterval());
        Duration repeat = s.positiveDuration("repeat-interval", inherit.repeatInterval());
        try {
            return new Timing(wait, interval, repeat);
        } catch (IllegalArgumentException e) {
            s.problem(e.getMessage());
            return inherit;
        }
    }
}

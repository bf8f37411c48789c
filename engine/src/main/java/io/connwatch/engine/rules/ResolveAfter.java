package io.connwatch.engine.rules;

import io.connwatch.config.Durations;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;

/**
 * How long a rule's alert keeps firing without new evidence before it resolves, per rule:
 * <ol>
 *   <li>an override from the configuration ({@code notify.resolve-after.rules}, rule-name globs);</li>
 *   <li>the rule's own {@code @resolveAfter("20m")} metadata;</li>
 *   <li>derived from the rule's window, named by its {@code @window("failure-spike.window")} metadata (a
 *       parameters.yaml key or a duration): three windows, so that one quiet window does not end an
 *       incident a sliding window still sees, and never less than the floor;</li>
 *   <li>the floor ({@code notify.resolve-after.default}, 30 minutes, the engine's episode gap, so an alert resolves
 *       when its episode is over): per-row rules (a connection to a
 *       bad address) resolve after that long without a matching row.</li>
 * </ol>
 * Follows rule reloads: the table is rebuilt when the compiled rules change.
 */
public final class ResolveAfter implements Function<String, Duration> {
    public static final Duration DEFAULT_FLOOR = Duration.ofMinutes(30);
    static final int WINDOWS = 3;

    private final Supplier<RuleSet> rules;
    private final Duration floor;
    private final Map<Pattern, Duration> overrides;
    private RuleSet builtFor;
    private Map<String, Duration> table = Map.of();

    public ResolveAfter(Supplier<RuleSet> rules, Duration floor, Map<Pattern, Duration> overrides) {
        this.rules = rules;
        this.floor = floor;
        this.overrides = new LinkedHashMap<>(overrides);
    }

    @Override
    public synchronized Duration apply(String rule) {
        for (Map.Entry<Pattern, Duration> o : overrides.entrySet()) {
            if (o.getKey().matcher(rule).matches()) {
                return o.getValue();
            }
        }
        RuleSet now = rules.get();
        if (now != builtFor) {
            table = table(now);
            builtFor = now;
        }
        return table.getOrDefault(rule, floor);
    }

    /** The resolve-after of every rule of this set (without configuration overrides). */
    public Map<String, Duration> table(RuleSet set) {
        Map<String, Duration> out = new HashMap<>();
        if (set == null || set.rules() == null) {
            return out;
        }
        for (KiePackage p : set.rules().kieBase().getKiePackages()) {
            for (Rule r : p.getRules()) {
                Duration d = derive(r.getMetaData(), set.params());
                if (d != null) {
                    out.put(r.getName(), d);
                }
            }
        }
        return out;
    }

    private Duration derive(Map<String, Object> meta, RuleParameters params) {
        String explicit = text(meta.get("resolveAfter"));
        if (explicit != null) {
            return durationOrKey(explicit, params);
        }
        String window = text(meta.get("window"));
        if (window != null) {
            Duration w = durationOrKey(window, params);
            if (w != null) {
                Duration derived = w.multipliedBy(WINDOWS);
                return derived.compareTo(floor) < 0 ? floor : derived;
            }
        }
        return null;
    }

    private static Duration durationOrKey(String value, RuleParameters params) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException notADuration) {
            try {
                return params == null ? null : Duration.ofMillis(params.millis(value));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    private static String text(Object v) {
        if (v == null) {
            return null;
        }
        String s = v.toString().trim();
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        return s.isEmpty() ? null : s;
    }
}

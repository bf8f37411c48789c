package io.connwatch.notify;

import io.connwatch.alert.Notification.NotifiedAlert;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every label of a group's alerts at once, for the receivers that describe a group in one place
 * (an incident's details, an alert's tags): each key with the distinct items of its values, a
 * value of comma-separated items (the ATT&CK {@code tactic} and {@code technique} ids) read as
 * several, in the order the alerts have them; keys sorted.
 */
public final class GroupLabels {
    private GroupLabels() {
    }

    /** Each label key of the alerts with the distinct items of its values. */
    public static Map<String, List<String>> items(List<NotifiedAlert> alerts) {
        Map<String, Set<String>> items = new TreeMap<>();
        for (NotifiedAlert a : alerts) {
            a.alert().labels().forEach((k, v) -> {
                Set<String> set = items.computeIfAbsent(k, x -> new LinkedHashSet<>());
                for (String item : v.split(",")) {
                    if (!item.isBlank()) {
                        set.add(item.strip());
                    }
                }
            });
        }
        Map<String, List<String>> out = new TreeMap<>();
        items.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
        return out;
    }

    /** Each label key of the alerts with the distinct items of its values, joined by commas ({@code technique=T1071,T1041}). */
    public static Map<String, String> union(List<NotifiedAlert> alerts) {
        Map<String, String> out = new TreeMap<>();
        items(alerts).forEach((k, v) -> out.put(k, String.join(",", v)));
        return out;
    }
}

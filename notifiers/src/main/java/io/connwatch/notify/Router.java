package io.connwatch.notify;

import io.connwatch.alert.Alert;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Picks the receivers of an alert: routes in order, stopping at the first match without continue; the default receivers when none matched. */
public record Router(List<Route> routes, List<String> defaultReceivers) {
    public Router {
        routes = List.copyOf(routes);
        defaultReceivers = List.copyOf(defaultReceivers);
    }

    public List<String> receiversFor(Alert alert) {
        Set<String> out = new LinkedHashSet<>();
        boolean matched = false;
        for (Route r : routes) {
            if (r.matches(alert)) {
                matched = true;
                out.addAll(r.receivers());
                if (!r.continueMatching()) {
                    break;
                }
            }
        }
        if (!matched) {
            out.addAll(defaultReceivers);
        }
        return new ArrayList<>(out);
    }
}

package io.connwatch.lifecycle.dispatch;

import io.connwatch.alert.Alert;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Where the alerts it matches go and how they are grouped: the receivers, the labels that form
 * a group ({@code group-by}; {@code ["..."]} makes every alert its own group), the timers, and the
 * named time intervals during which it stays quiet ({@code mute}) or outside which it stays quiet
 * ({@code active}). Routes are tried in order; the first match ends the search unless it says
 * {@code continueMatching}.
 *
 * @param name  a stable name, part of every group key (so renaming a route starts new groups)
 */
public record Route(String name, Predicate<Alert> match, List<String> receivers, boolean continueMatching,
                    List<String> groupBy, Timing timing, List<String> muteTimeIntervals, List<String> activeTimeIntervals,
                    Updates updates) {
    /**
     * When alerts joining a group that was already notified make a message of their own.
     * {@link #ON_ESCALATION} (the default) as incident tools (PagerDuty) do: a group is an incident
     * that stays open while any of its alerts fires; alerts joining it page only when they are more
     * urgent than every alert that fired at its last tick (which is also the case when all of those
     * have resolved); otherwise they ride along with the group's next message (an escalation, the
     * repeat or the resolve) and show in the API and the console at once. {@link #ALWAYS} is Alertmanager's behaviour: any new alert, at the next group interval.
     */
    public enum Updates { ON_ESCALATION, ALWAYS }

    /** Group by every label: each alert is its own group. */
    public static final String ALL_LABELS = "...";

    public Route {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(timing, "timing");
        receivers = List.copyOf(receivers);
        groupBy = List.copyOf(groupBy);
        muteTimeIntervals = List.copyOf(muteTimeIntervals);
        activeTimeIntervals = List.copyOf(activeTimeIntervals);
        Objects.requireNonNull(updates, "updates");
    }

    public boolean groupsByAll() {
        return groupBy.contains(ALL_LABELS);
    }
}

package io.connwatch.engine.service;

import io.connwatch.engine.config.LifecycleSettings;
import io.connwatch.engine.rules.ResolveAfter;
import io.connwatch.engine.rules.RuleSet;
import io.connwatch.lifecycle.dispatch.GroupDispatcher;
import io.connwatch.lifecycle.dispatch.NotificationOutlet;
import io.connwatch.lifecycle.dispatch.Route;
import io.connwatch.lifecycle.dispatch.Stages;
import io.connwatch.lifecycle.dispatch.Suppression;
import io.connwatch.lifecycle.inhibit.Inhibitor;
import io.connwatch.lifecycle.silence.Silences;
import io.connwatch.lifecycle.store.LifecycleStore;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Builds the alert lifecycle (groups, timers, notification log) from the configuration. */
public final class LifecycleAssembly {
    /** The receiver a replay shows notifications for when no receiver is configured. */
    public static final String PREVIEW_RECEIVER = "replay";

    private LifecycleAssembly() {
    }

    /** The lifecycle of a replay: no receiver is told of acknowledgements (a replay takes none). */
    public static GroupDispatcher dispatcher(LifecycleSettings settings, Supplier<RuleSet> rules, Suppression suppression,
                                             Predicate<String> sendResolved, NotificationOutlet outlet, LifecycleStore store,
                                             Function<String, String> ackLink) {
        return dispatcher(settings, rules, suppression, sendResolved, outlet, store, ackLink, r -> false);
    }

    /**
     * The lifecycle, telling the receivers {@code acknowledgements} accepts of each acknowledgement
     * as it happens (the delivery path's notifiers that want them: PagerDuty, Opsgenie).
     */
    public static GroupDispatcher dispatcher(LifecycleSettings settings, Supplier<RuleSet> rules, Suppression suppression,
                                             Predicate<String> sendResolved, NotificationOutlet outlet, LifecycleStore store,
                                             Function<String, String> ackLink, Predicate<String> acknowledgements) {
        ResolveAfter resolveAfter = new ResolveAfter(rules, settings.resolveFloor(), settings.resolveOverrides());
        return new GroupDispatcher(settings.routes(), settings.root(), resolveAfter, suppression, sendResolved, outlet, store,
            GroupDispatcher.Settings.DEFAULT, ackLink, acknowledgements);
    }

    /**
     * The settings a replay uses: as configured, but when no route sends anywhere the root sends to
     * {@link #PREVIEW_RECEIVER}, so that a replay always shows the notifications the lifecycle would send.
     */
    public static LifecycleSettings forPreview(LifecycleSettings s) {
        if (!s.receivers().isEmpty()) {
            return s;
        }
        Route r = s.root();
        Route preview = new Route(r.name(), r.match(), List.of(PREVIEW_RECEIVER), false, r.groupBy(), r.timing(),
            r.muteTimeIntervals(), r.activeTimeIntervals(), r.updates());
        return new LifecycleSettings(s.state(), s.routes(), preview, s.resolveFloor(), s.resolveOverrides(), s.silenceRetention(),
            s.maxSilences(), s.ackLinks(), s.inhibitRules(), s.timeIntervals());
    }

    /** The suppression stages from the configuration, with silences kept in {@code store} (in memory when null). */
    public static Stages stages(LifecycleSettings s, LifecycleStore store) {
        Silences silences = new Silences(store == null ? null : store.mvStore(), s.silenceRetention(),
            new Silences.Limits(s.maxSilences(), Silences.Limits.DEFAULTS.maxBytesPerSilence()));
        return new Stages(silences, new Inhibitor(s.inhibitRules()), s.timeIntervals());
    }
}

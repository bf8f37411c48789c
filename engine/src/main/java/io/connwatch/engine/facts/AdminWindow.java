package io.connwatch.engine.facts;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A machine's administrative-port minutes in a window: distinct internal targets across them. */
public final class AdminWindow {
    private final Set<Object> targets = new HashSet<>();
    private long perMinute;
    private int minutes;
    private final List<TopRemotes> topTargets = new ArrayList<>(4);

    void add(AdminMinute a) {
        targets.addAll(a.getTargets());
        perMinute += a.getTargets().size();
        minutes++;
        if (a.getTopTargets() != null) {
            topTargets.add(a.getTopTargets());
        }
    }

    /** Distinct internal hosts reached on administrative ports across the window's minutes. */
    public int getDistinctTargets() {
        return targets.size();
    }

    /** The per-minute target counts added up (at least the distinct count). */
    public long getTargetsPerMinuteSum() {
        return perMinute;
    }

    public int getMinutes() {
        return minutes;
    }

    public List<TopRemotes> getTopTargets() {
        return topTargets;
    }
}

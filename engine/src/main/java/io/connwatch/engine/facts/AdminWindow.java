package io.connwatch.engine.facts;

import java.util.ArrayList;
import java.util.List;

/**
 * A machine's administrative-port minutes in a window: distinct internal targets across them.
 * The sums are made as the minutes are added; the distinct targets and the top targets only when a
 * rule asks for them (after the cheap {@code targetsPerMinuteSum} test has passed, as a rule
 * should order it), since merging the minutes' sets costs more than the rest of the query.
 */
public final class AdminWindow {
    private final List<AdminMinute> minutes = new ArrayList<>(4);
    private long perMinute;
    private int distinct = -1;

    void add(AdminMinute a) {
        minutes.add(a);
        perMinute += a.getTargets().size();
    }

    /** Distinct internal hosts reached on administrative ports across the window's minutes. */
    public int getDistinctTargets() {
        if (distinct < 0) {
            distinct = RollupWindows.distinct(minutes, AdminMinute::getTargets);
        }
        return distinct;
    }

    /** The per-minute target counts added up (at least the distinct count). */
    public long getTargetsPerMinuteSum() {
        return perMinute;
    }

    public int getMinutes() {
        return minutes.size();
    }

    /** Each minute's administrative endpoints with the most links, for {@link TopRemotes#describe}. */
    public List<TopRemotes> getTopTargets() {
        return RollupWindows.tops(minutes, AdminMinute::getTopTargets);
    }
}

package io.connwatch.engine.facts;

import io.connwatch.net.IpAddress;
import java.util.Map;
import java.util.Set;

/**
 * The internal hosts one machine reached on administrative ports (22, 135, 445, 3389, 5985,
 * 5986) in one closed minute; inserted only for minutes that have any, so lateral-movement rules
 * see few facts. Rules union the sets over a window to count distinct hosts.
 */
public final class AdminMinute extends MinuteRollupFact {
    private final Set<IpAddress> targets;
    private final TopRemotes topTargets;

    AdminMinute(String machine, String computer, long timestamp, Set<IpAddress> targets, TopRemotes topTargets) {
        super(machine, computer, timestamp);
        this.targets = targets;
        this.topTargets = topTargets;
    }

    @Override
    public String getTable() {
        return "AdminMinute";
    }

    /** Null: an alert on a machine's admin-port minute is about the whole machine. */
    @Override
    public String alertProcess() {
        return null;
    }

    /** The internal hosts reached this minute. */
    public Set<IpAddress> getTargets() {
        return targets;
    }

    /** The hosts and administrative ports with the most links (established, failed, or open) this minute. */
    public TopRemotes getTopTargets() {
        return topTargets;
    }

    @Override
    public Map<String, Object> toColumns() {
        Map<String, Object> m = columns();
        m.put("Targets", targets.stream().map(Object::toString).sorted().toList());
        return m;
    }
}

package io.connwatch.engine.facts;

import io.connwatch.net.IpAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The internal hosts one machine reached on administrative ports (22, 135, 445, 3389, 5985,
 * 5986) in one closed minute; inserted only for minutes that have any, so lateral-movement rules
 * see few facts. Rules union the sets over a window to count distinct hosts.
 */
public final class AdminMinute implements EventFact, MinuteFact {
    private final String machine;
    private final String computer;
    private final long timestamp;
    private final Set<IpAddress> targets;

    AdminMinute(String machine, String computer, long timestamp, Set<IpAddress> targets) {
        this.machine = machine;
        this.computer = computer;
        this.timestamp = timestamp;
        this.targets = targets;
    }

    private boolean current = true;

    /** True while the rules judge the minute this fact closes; false from the next minute on. */
    @Override
    public boolean isCurrent() {
        return current;
    }

    @Override
    public void judged() {
        current = false;
    }

    @Override
    public String getTable() {
        return "AdminMinute";
    }

    @Override
    public String getMachine() {
        return machine;
    }

    @Override
    public String getComputer() {
        return computer;
    }

    @Override
    public long getTimestamp() {
        return timestamp;
    }

    @Override
    public Instant getTimeGenerated() {
        return Instant.ofEpochMilli(timestamp);
    }

    /** The internal hosts reached this minute. */
    public Set<IpAddress> getTargets() {
        return targets;
    }

    @Override
    public Map<String, Object> toColumns() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("TimeGenerated", getTimeGenerated().toString());
        if (computer != null) {
            m.put("Computer", computer);
        }
        m.put("Machine", machine);
        m.put("Targets", targets.stream().map(Object::toString).sorted().toList());
        return m;
    }

    @Override
    public String toString() {
        return "AdminMinute" + toColumns();
    }
}

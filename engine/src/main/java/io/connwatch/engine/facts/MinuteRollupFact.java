package io.connwatch.engine.facts;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every per-minute rollup shares: the machine, the minute it closes, and whether that minute
 * is the one being judged now ({@link MinuteFact}).
 */
abstract sealed class MinuteRollupFact implements MinuteFact permits ConnectionMinute, AdminMinute, FanOutMinute, RemoteMinute {
    final String machine;
    final String computer;
    final long timestamp;
    private boolean current = true;

    MinuteRollupFact(String machine, String computer, long minuteStartMillis) {
        this.machine = machine;
        this.computer = computer;
        this.timestamp = minuteStartMillis;
    }

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
    public void unjudged() {
        current = true;
    }

    @Override
    public String getMachine() {
        return machine;
    }

    @Override
    public String getComputer() {
        return computer;
    }

    /** The start of the minute, epoch milliseconds. */
    @Override
    public long getTimestamp() {
        return timestamp;
    }

    @Override
    public Instant getTimeGenerated() {
        return Instant.ofEpochMilli(timestamp);
    }

    /** The time and machine columns every rollup's evidence starts with. */
    Map<String, Object> columns() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("TimeGenerated", getTimeGenerated().toString());
        if (computer != null) {
            m.put("Computer", computer);
        }
        m.put("Machine", machine);
        return m;
    }

    @Override
    public String toString() {
        return getTable() + toColumns();
    }
}

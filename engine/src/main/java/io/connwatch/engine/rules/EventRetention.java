package io.connwatch.engine.rules;

import java.time.Duration;
import java.util.Objects;

/**
 * How long, in event time, the engine keeps each kind of fact. These are hard limits: Drools
 * drops a fact this long after its timestamp even when some rule matches it without a time
 * bound, which would otherwise keep it forever and grow memory without end.
 *
 * @param records rows of VMConnection and VMBoundPort (the configured {@code rules.retention.records}
 *                is a floor: a rule's {@code @retain("40m")} raises it for every rule); zero (the
 *                default, when no rule declares more) means a row is judged
 *                once, when it arrives, and then removed, which is all the shipped rules need
 *                (their windows run over the per-minute rollups) and is the fastest; a rule that
 *                matches rows in a window or with temporal operators needs it at least that long
 * @param rollups the per-minute rollups (MachineMinute, ProcessMinute); must cover the longest
 *                baseline a rule computes from them
 */
public record EventRetention(Duration records, Duration rollups) {
    public static final EventRetention DEFAULT = new EventRetention(Duration.ZERO, Duration.ofMinutes(90));

    public EventRetention {
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(rollups, "rollups");
        if (records.isNegative() || rollups.isNegative() || rollups.isZero()) {
            throw new IllegalArgumentException("retention of records must be zero or positive, of rollups positive");
        }
    }

    /**
     * This retention with rows kept at least {@code rows}: {@code records} is a floor the rules'
     * own {@code @retain} declarations can raise, never lower.
     */
    public EventRetention withRecordsAtLeast(Duration rows) {
        return rows.compareTo(records) > 0 ? new EventRetention(rows, rollups) : this;
    }

    /** True when rows are judged once and removed right after (retention of records is zero). */
    public boolean rowsJudgedOnce() {
        return records.isZero();
    }
}

package io.connwatch.engine.rules;

import java.time.Duration;
import java.util.Objects;

/**
 * How long, in event time, the engine keeps each kind of fact. These are hard limits: Drools
 * drops a fact this long after its timestamp even when some rule matches it without a time
 * bound, which would otherwise keep it forever and grow memory without end.
 *
 * @param records rows of VMConnection and VMBoundPort; must cover the longest window a rule
 *                uses over them
 * @param rollups the per-minute rollups (MachineMinute, ProcessMinute); must cover the longest
 *                baseline a rule computes from them
 */
public record EventRetention(Duration records, Duration rollups) {
    public static final EventRetention DEFAULT = new EventRetention(Duration.ofMinutes(10), Duration.ofHours(2));

    public EventRetention {
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(rollups, "rollups");
        if (records.isNegative() || records.isZero() || rollups.isNegative() || rollups.isZero()) {
            throw new IllegalArgumentException("retention must be positive");
        }
    }
}

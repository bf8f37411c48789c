package io.connwatch.lifecycle.dispatch;

import java.time.Duration;
import java.util.Objects;

/**
 * A route's notification timers, with Alertmanager's names and defaults: wait {@code groupWait}
 * before a new group's first notification, then look at the group every {@code groupInterval}
 * and send when alerts joined or resolved, and re-send an unchanged firing group after
 * {@code repeatInterval} (checked at the group's ticks, so rounded up to a multiple of the interval).
 */
public record Timing(Duration groupWait, Duration groupInterval, Duration repeatInterval) {
    public static final Timing DEFAULT = new Timing(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4));

    public Timing {
        Objects.requireNonNull(groupWait, "groupWait");
        Objects.requireNonNull(groupInterval, "groupInterval");
        Objects.requireNonNull(repeatInterval, "repeatInterval");
        if (groupWait.isNegative()) {
            throw new IllegalArgumentException("group-wait must not be negative");
        }
        if (groupInterval.isZero() || groupInterval.isNegative()) {
            throw new IllegalArgumentException("group-interval must be positive");
        }
        if (repeatInterval.isZero() || repeatInterval.isNegative()) {
            throw new IllegalArgumentException("repeat-interval must be positive");
        }
    }
}

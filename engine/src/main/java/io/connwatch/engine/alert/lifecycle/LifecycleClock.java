package io.connwatch.engine.alert.lifecycle;

import java.time.Clock;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The lifecycle's time: event time while files are replayed (each alert at the minute its rule
 * saw it, timers by the engine's watermark, so group waits, intervals and resolves happen as a
 * live service would have had them, however fast the replay runs), the wall clock otherwise. Never goes back: a replay of older data after live
 * time keeps the later time.
 */
public final class LifecycleClock {
    private final Clock wall;
    private final LongSupplier watermark;
    private volatile boolean eventTime;

    public LifecycleClock(Clock wall, LongSupplier watermark, boolean eventTime) {
        this.wall = wall;
        this.watermark = watermark;
        this.eventTime = eventTime;
    }

    /** Follow event time (true) or the wall clock (false). */
    public void eventTime(boolean on) {
        eventTime = on;
    }

    public boolean isEventTime() {
        return eventTime;
    }

    /**
     * The lifecycle time of something that happened at {@code event} (event time): that time
     * itself under replay, so that alerts handled out of order across rule partitions still land
     * at their own minute; the wall clock when live.
     */
    public Instant at(Instant event) {
        return eventTime ? event : wall.instant();
    }

    public Instant now() {
        if (eventTime) {
            long w = watermark.getAsLong();
            return w == Long.MIN_VALUE ? Instant.EPOCH : Instant.ofEpochMilli(w);
        }
        return wall.instant();
    }
}

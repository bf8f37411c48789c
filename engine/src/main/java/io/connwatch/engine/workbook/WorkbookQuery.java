package io.connwatch.engine.workbook;

import java.time.Instant;
import java.util.function.Predicate;

/**
 * One request of a workbook view: which machines, which minutes, how many series and rows.
 *
 * @param machine    accepts the machines to include
 * @param fromMinute first minute included (epoch minutes)
 * @param toMinute   first minute excluded
 * @param top        series drawn and top entries listed at most (the rest are summed as "other")
 */
public record WorkbookQuery(Predicate<WorkbookStore.MachineInfo> machine, long fromMinute, long toMinute, int top) {
    /** Points per chart at most: the range is cut into bins of 1, 2, 5, 10, 15, 30, 60, 120 or 360 minutes. */
    public static final int MAX_POINTS = 120;
    private static final int[] BINS = {1, 2, 5, 10, 15, 30, 60, 120, 360, 720, 1440};

    public WorkbookQuery {
        if (toMinute <= fromMinute || top < 1) {
            throw new IllegalArgumentException("from must be before to, top at least 1");
        }
    }

    /** Minutes per chart point. */
    public int binMinutes() {
        long range = toMinute - fromMinute;
        for (int b : BINS) {
            if ((range + b - 1) / b <= MAX_POINTS) {
                return b;
            }
        }
        return (int) Math.max(1, (range + MAX_POINTS - 1) / MAX_POINTS);
    }

    /** Chart points. */
    public int bins() {
        int b = binMinutes();
        return (int) ((toMinute - fromMinute + b - 1) / b);
    }

    /** The point a minute falls in. */
    int bin(long minute) {
        return (int) ((minute - fromMinute) / binMinutes());
    }

    /** The minute that splits the range into two halves, for trends. */
    long middleMinute() {
        return fromMinute + (toMinute - fromMinute) / 2;
    }

    static String iso(long minute) {
        return Instant.ofEpochMilli(minute * WorkbookStore.MINUTE).toString();
    }
}

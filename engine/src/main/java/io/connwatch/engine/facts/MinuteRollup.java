package io.connwatch.engine.facts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sums VMConnection rows into {@link MachineMinute} and {@link ProcessMinute} facts and releases
 * each minute once the watermark has passed its end. Rows for a minute already released are
 * refused (the caller counts them as too late for windows). One instance per rule partition;
 * not thread-safe.
 */
public final class MinuteRollup {
    private static final long MINUTE = 60_000L;

    private final TreeMap<Long, Minute> open = new TreeMap<>();
    private long releasedUpTo = Long.MIN_VALUE;

    private static final class Minute {
        final Map<String, MachineMinute> machines = new HashMap<>();
        final Map<String, ProcessMinute> processes = new HashMap<>();
    }

    /**
     * Adds a row to its minute.
     *
     * @return false when that minute was already released, so the row came too late to count
     */
    public boolean add(Connection c) {
        long minute = Math.floorDiv(c.timestamp, MINUTE) * MINUTE;
        if (minute < releasedUpTo) {
            return false;
        }
        Minute m = open.computeIfAbsent(minute, k -> new Minute());
        m.machines.computeIfAbsent(c.machine, k -> new MachineMinute(c.machine, c.computer, minute)).add(c);
        String process = c.process != null ? c.process : c.processName;
        if (process != null) {
            m.processes.computeIfAbsent(c.machine + '\u0000' + process,
                k -> new ProcessMinute(c.machine, c.computer, process, c.processName, minute)).add(c);
        }
        return true;
    }

    /** Receives one released minute: its end in epoch milliseconds and its rollup facts. */
    public interface MinuteSink {
        void minute(long minuteEndMillis, List<EventFact> facts);
    }

    /**
     * Releases every minute that ends at or before {@code watermarkMillis}, one minute at a
     * time and oldest first, so rules can judge each minute as the newest when it closes.
     */
    public void release(long watermarkMillis, MinuteSink out) {
        while (!open.isEmpty() && open.firstKey() + MINUTE <= watermarkMillis) {
            Map.Entry<Long, Minute> e = open.pollFirstEntry();
            out.minute(e.getKey() + MINUTE, facts(e.getValue()));
        }
        long boundary = Math.floorDiv(watermarkMillis, MINUTE) * MINUTE;
        if (boundary > releasedUpTo) {
            releasedUpTo = boundary;
        }
    }

    /** Releases every open minute, oldest first (the end of a replay). */
    public void releaseAll(MinuteSink out) {
        release(Long.MAX_VALUE, out);
    }

    /** Minutes not yet released. */
    public int openMinutes() {
        return open.size();
    }

    private static List<EventFact> facts(Minute m) {
        List<EventFact> facts = new ArrayList<>(m.machines.size() + m.processes.size());
        for (MachineMinute mm : m.machines.values()) {
            facts.add(mm);
            AdminMinute admin = mm.seal();
            if (admin != null) {
                facts.add(admin);
            }
        }
        for (ProcessMinute pm : m.processes.values()) {
            facts.add(pm);
            FanOutMinute fan = pm.seal();
            if (fan != null) {
                facts.add(fan);
            }
        }
        return facts;
    }
}

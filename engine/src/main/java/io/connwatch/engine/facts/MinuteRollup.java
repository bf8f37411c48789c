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
 *
 * <p><b>History of a machine new here.</b> When the first rows of a machine this partition has
 * never seen are already behind the watermark (a Kafka partition handed over from another
 * instance and re-read from before its committed offset, or an agent that was offline), they are
 * not thrown away: they are summed into minutes of <em>history</em>, handed out by
 * {@link #drainHistory} as judged rollups (never the current minute, so they anchor no rule) that
 * windows and baselines count. The machine's history ends at its first row inside the open
 * minutes, or when a batch brings it no more history rows; a row for a minute before that is
 * late as usual, so no minute is ever counted twice.
 */
public final class MinuteRollup {
    private static final long MINUTE = 60_000L;

    private final TreeMap<Long, Minute> open = new TreeMap<>();
    private long releasedUpTo = Long.MIN_VALUE;
    /** Machines seen, with the newest minute of theirs counted (for forgetting machines gone quiet). */
    private final Map<String, long[]> seen = new HashMap<>();
    /** Machines new here whose rows are history: their minutes, oldest first. */
    private final Map<String, TreeMap<Long, Minute>> backfill = new HashMap<>();
    /** Machines that received history rows since the last {@link #drainHistory}. */
    private final java.util.Set<String> backfilledNow = new java.util.HashSet<>();
    private final List<EventFact> history = new ArrayList<>();
    private long historyRows;
    private static final long FORGET_AFTER = 24 * 60 * MINUTE;

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
        long[] known = seen.get(c.machine);
        if (minute < releasedUpTo) {
            TreeMap<Long, Minute> past = backfill.get(c.machine);
            if (known == null) {
                past = new TreeMap<>();
                backfill.put(c.machine, past);
                seen.put(c.machine, new long[] {minute, Long.MIN_VALUE});
            } else if (past == null || minute <= known[1]) {
                return false;
            } else {
                known[0] = Math.max(known[0], minute);
            }
            add(past.computeIfAbsent(minute, k -> new Minute()), c, minute);
            backfilledNow.add(c.machine);
            historyRows++;
            return true;
        }
        if (known == null) {
            seen.put(c.machine, new long[] {minute, Long.MIN_VALUE});
        } else {
            known[0] = Math.max(known[0], minute);
            if (backfill.containsKey(c.machine)) {
                // caught up with the present: its history is complete
                endHistory(c.machine, false);
            }
        }
        add(open.computeIfAbsent(minute, k -> new Minute()), c, minute);
        return true;
    }

    private static void add(Minute m, Connection c, long minute) {
        m.machines.computeIfAbsent(c.machine, k -> new MachineMinute(c.machine, c.computer, minute)).add(c);
        String process = c.process != null ? c.process : c.processName;
        if (process != null) {
            m.processes.computeIfAbsent(c.machine + '\u0000' + process,
                k -> new ProcessMinute(c.machine, c.computer, process, c.processName, minute)).add(c);
        }
    }

    /** Moves a machine's history minutes to the facts to insert; with {@code keepNewest}, its newest minute stays open. */
    private void endHistory(String machine, boolean keepNewest) {
        TreeMap<Long, Minute> past = backfill.get(machine);
        long[] known = seen.get(machine);
        Map.Entry<Long, Minute> newest = keepNewest ? past.pollLastEntry() : null;
        for (Map.Entry<Long, Minute> e : past.entrySet()) {
            for (EventFact f : facts(e.getValue())) {
                if (f instanceof MinuteFact m) {
                    m.judged();
                }
                history.add(f);
            }
            known[1] = Math.max(known[1], e.getKey());
        }
        past.clear();
        if (newest != null) {
            past.put(newest.getKey(), newest.getValue());
        } else {
            backfill.remove(machine);
        }
    }

    /**
     * Hands out the history summed since the last call, as judged rollups to insert before the
     * next minutes are released: that of machines that caught up with the present, and that of
     * machines whose rows in the last batch were all history or that got none (their re-read is
     * over). Call once per batch; {@code everything} at the end of the input ends every history.
     */
    public void drainHistory(java.util.function.Consumer<EventFact> out, boolean everything) {
        for (String machine : new ArrayList<>(backfill.keySet())) {
            // a machine that got history rows in this batch keeps its newest minute open: the next batch may hold more of it
            endHistory(machine, !everything && backfilledNow.contains(machine) && !backfill.get(machine).isEmpty());
        }
        backfilledNow.clear();
        history.forEach(out);
        history.clear();
    }

    /** Rows counted as history so far. */
    public long historyRows() {
        return historyRows;
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
            if (Math.floorDiv(boundary, 60 * MINUTE) != Math.floorDiv(releasedUpTo, 60 * MINUTE)) {
                // once an hour of event time: forget machines quiet for a day
                long cutoff = boundary - FORGET_AFTER;
                seen.entrySet().removeIf(e -> e.getValue()[0] < cutoff && !backfill.containsKey(e.getKey()));
            }
            releasedUpTo = boundary;
        }
    }

    /** Releases every open minute, oldest first (the end of a replay). */
    public void releaseAll(MinuteSink out) {
        if (open.isEmpty()) {
            return;
        }
        // Only up to the end of the newest minute: rows of later minutes still count (an idle
        // source that resumes), rows of the minutes just judged are late.
        release(open.lastKey() + MINUTE, out);
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

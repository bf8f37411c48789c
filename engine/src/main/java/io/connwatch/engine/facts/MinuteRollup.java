package io.connwatch.engine.facts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Sums VMConnection rows into {@link MachineMinute} and {@link ProcessMinute} facts and releases
 * each machine's minutes once <em>that machine's</em> watermark has passed their end. One
 * instance per rule partition; not thread-safe.
 *
 * <p><b>Event time per machine.</b> A machine's watermark is its own newest TimeGenerated minus
 * the allowed lateness, but never more than {@code machineLag} behind the fleet's watermark (so
 * the last minutes of a machine that went quiet still close). Rows for a minute of a machine that
 * is already released are refused (the caller counts them as too late for windows). One machine's
 * clock, or one record from the future, can therefore never make another machine's rows late.
 *
 * <p><b>History of a machine new here.</b> When the first rows of a machine this partition has
 * never seen are more than {@code machineLag} behind the fleet (a Kafka partition handed over
 * from another instance and re-read from before its committed offset, or an agent that was
 * offline), they are not thrown away: they are summed into minutes of <em>history</em>, handed
 * out by {@link #drainHistory} as judged rollups (never the current minute, so they anchor no
 * rule) that windows and baselines count. The machine's history ends at its first row inside its
 * open minutes, or when a batch brings it no more history rows; a row for a minute before that is
 * late as usual, so no minute is ever counted twice.
 *
 * <p><b>Bounds.</b> At most {@code maxMachines} machines are tracked; beyond that the machines
 * idle longest are evicted (their open minutes are released at once, see {@link #evicted}). At
 * most {@code maxProcesses} process keys are summed per machine-minute; rows of further processes
 * count in the machine's minute only ({@link #processRowsDropped}). At most {@code maxRemotes}
 * remote keys (process + remote IP + port of outbound rows) are summed into {@link RemoteMinute}s
 * per machine-minute; rows of further remotes count in the machine's and process's minutes only
 * ({@link #remoteRowsDropped}). Each remote minute gets its key's contact cadence from a
 * {@link RemoteCadence} of at most {@code maxCadenceKeys} keys.
 */
public final class MinuteRollup {
    private static final long MINUTE = 60_000L;
    private static final long FORGET_AFTER = 24 * 60 * MINUTE;

    /** Limits and time allowances of one partition's rollup. */
    public record Limits(long latenessMillis, long machineLagMillis, int maxMachines, int maxProcesses, int maxRemotes,
                         int maxCadenceKeys) {
        public static final Limits DEFAULT = new Limits(2 * MINUTE, 10 * MINUTE, 100_000, 1_000);
        /** Remote keys summed per machine-minute by default. */
        public static final int MAX_REMOTES = 256;
        /** Keys whose contact cadence is remembered, per partition, by default. */
        public static final int MAX_CADENCE_KEYS = 200_000;

        public Limits(long latenessMillis, long machineLagMillis, int maxMachines, int maxProcesses) {
            this(latenessMillis, machineLagMillis, maxMachines, maxProcesses, MAX_REMOTES, MAX_CADENCE_KEYS);
        }
    }

    private final Limits limits;
    /** Machines in access order: the first is the one idle longest. */
    private final LinkedHashMap<String, MachineTime> machines = new LinkedHashMap<>(256, 0.75f, true);
    private final List<EventFact> history = new ArrayList<>();
    /**
     * Machines with open minutes by their first one, so a release visits only the machines that
     * got rows since the last one and those the fleet's floor has passed, not every machine: a
     * fleet of many machines sending small batches would otherwise pay a pass over all of them
     * per batch.
     */
    private final java.util.TreeSet<MachineTime> byFirstOpen = new java.util.TreeSet<>(
        (a, b) -> a.indexedAt != b.indexedAt ? Long.compare(a.indexedAt, b.indexedAt) : Long.compare(a.seq, b.seq));
    private final java.util.Set<MachineTime> touched = new java.util.LinkedHashSet<>();
    /** Machines whose rows are history, or were in the last batch. */
    private final java.util.Set<MachineTime> inHistory = new java.util.LinkedHashSet<>();
    private long seq;
    private final List<String> evictedNow = new ArrayList<>();
    private final TreeMap<Long, List<EventFact>> evictedMinutes = new TreeMap<>();
    /** Minutes before this are behind the fleet by more than the lag: a new machine's rows there are history. */
    private long fleetBoundary = Long.MIN_VALUE;
    private long lastForget = Long.MIN_VALUE;
    private long historyRows;
    private long evictions;
    private long processRowsDropped;
    private long remoteRowsDropped;
    private final RemoteCadence cadence;

    public MinuteRollup() {
        this(Limits.DEFAULT);
    }

    public MinuteRollup(Limits limits) {
        this.limits = limits;
        this.cadence = new RemoteCadence(limits.maxCadenceKeys());
    }

    private static final long NOT_INDEXED = Long.MIN_VALUE;

    private static final class MachineTime {
        final long seq;
        /** The first open minute this machine is filed under in {@code byFirstOpen}, or NOT_INDEXED. */
        long indexedAt = NOT_INDEXED;
        /** Newest TimeGenerated of this machine's accepted rows. */
        long newest = Long.MIN_VALUE;
        /** Minutes before this are closed for the machine. */
        long releasedUpTo;
        /** The newest minute handed out as history. */
        long historyEnd = Long.MIN_VALUE;
        final TreeMap<Long, Minute> open = new TreeMap<>();
        /** The machine's history minutes while its rows are history; null otherwise. */
        TreeMap<Long, Minute> backfill;
        boolean backfilledNow;

        MachineTime(long releasedUpTo, long seq) {
            this.releasedUpTo = releasedUpTo;
            this.seq = seq;
        }
    }

    private static final class Minute {
        MachineMinute machine;
        final Map<String, ProcessMinute> processes = new HashMap<>(4);
        /** Outbound remotes by process + remote IP + port; null until the minute has an outbound row. */
        Map<RemoteKey, RemoteMinute> remotes;
    }

    private record RemoteKey(String process, io.connwatch.net.IpAddress remote, int port) {
    }

    /**
     * Adds a row to its machine's minute.
     *
     * @return false when that minute was already released, so the row came too late to count
     */
    public boolean add(Connection c) {
        long minute = Math.floorDiv(c.timestamp, MINUTE) * MINUTE;
        MachineTime m = machines.get(c.machine);
        if (m == null) {
            m = track(c.machine);
            if (minute < fleetBoundary) {
                m.backfill = new TreeMap<>();
                inHistory.add(m);
            }
        }
        // Closed for the machine: what its own watermark closed, and anything the fleet's floor passed.
        if (minute < Math.max(m.releasedUpTo, fleetBoundary)) {
            if (m.backfill == null || minute <= m.historyEnd) {
                return false;
            }
            add(m.backfill.computeIfAbsent(minute, k -> new Minute()), c, minute);
            m.backfilledNow = true;
            historyRows++;
            return true;
        }
        if (m.backfill != null) {
            // caught up with the present: its history is complete
            endHistory(m, false);
        }
        m.newest = Math.max(m.newest, c.timestamp);
        add(m.open.computeIfAbsent(minute, k -> new Minute()), c, minute);
        if (m.indexedAt == NOT_INDEXED || minute < m.indexedAt) {
            reindex(m);
        }
        touched.add(m);
        return true;
    }

    /** Files the machine under its first open minute (or nowhere when it has none). */
    private void reindex(MachineTime m) {
        if (m.indexedAt != NOT_INDEXED) {
            byFirstOpen.remove(m);
            m.indexedAt = NOT_INDEXED;
        }
        if (!m.open.isEmpty()) {
            m.indexedAt = m.open.firstKey();
            byFirstOpen.add(m);
        }
    }

    private MachineTime track(String machine) {
        if (machines.size() >= limits.maxMachines()) {
            evictIdlest(Math.max(1, limits.maxMachines() / 100));
        }
        MachineTime m = new MachineTime(fleetBoundary, seq++);
        machines.put(machine, m);
        return m;
    }

    /** Evicts the {@code n} machines idle longest: their open minutes and history are released with the next minutes. */
    private void evictIdlest(int n) {
        Iterator<Map.Entry<String, MachineTime>> it = machines.entrySet().iterator();
        for (int i = 0; i < n && it.hasNext(); i++) {
            Map.Entry<String, MachineTime> e = it.next();
            MachineTime m = e.getValue();
            if (m.backfill != null) {
                endHistory(m, false);
            }
            for (Map.Entry<Long, Minute> open : m.open.entrySet()) {
                evictedMinutes.computeIfAbsent(open.getKey() + MINUTE, k -> new ArrayList<>()).addAll(facts(open.getValue()));
            }
            evictedNow.add(e.getKey());
            if (m.indexedAt != NOT_INDEXED) {
                byFirstOpen.remove(m);
            }
            touched.remove(m);
            inHistory.remove(m);
            it.remove();
            evictions++;
        }
    }

    private void add(Minute m, Connection c, long minute) {
        if (m.machine == null) {
            m.machine = new MachineMinute(c.machine, c.computer, minute);
        }
        m.machine.add(c);
        String process = c.process != null ? c.process : c.processName;
        if (process != null) {
            ProcessMinute pm = m.processes.get(process);
            if (pm == null) {
                if (m.processes.size() >= limits.maxProcesses()) {
                    processRowsDropped++;
                    return;
                }
                pm = new ProcessMinute(c.machine, c.computer, process, c.processName, minute);
                m.processes.put(process, pm);
            }
            pm.add(c);
        }
        if (c.direction == Direction.OUTBOUND && c.remoteIp != null) {
            addRemote(m, c, process, minute);
        }
    }

    private void addRemote(Minute m, Connection c, String process, long minute) {
        if (m.remotes == null) {
            m.remotes = new HashMap<>(8);
        }
        RemoteKey key = new RemoteKey(process, c.remoteIp, c.destinationPort);
        RemoteMinute rm = m.remotes.get(key);
        if (rm == null) {
            if (m.remotes.size() >= limits.maxRemotes()) {
                remoteRowsDropped++;
                return;
            }
            rm = new RemoteMinute(c.machine, c.computer, process, c.processName, c.remoteIp, c.destinationPort, minute);
            m.remotes.put(key, rm);
        }
        rm.add(c);
    }

    /** Moves a machine's history minutes to the facts to insert; with {@code keepNewest}, its newest minute stays open. */
    private void endHistory(MachineTime m, boolean keepNewest) {
        TreeMap<Long, Minute> past = m.backfill;
        Map.Entry<Long, Minute> newest = keepNewest ? past.pollLastEntry() : null;
        for (Map.Entry<Long, Minute> e : past.entrySet()) {
            for (EventFact f : facts(e.getValue())) {
                if (f instanceof MinuteFact mf) {
                    mf.judged();
                }
                history.add(f);
            }
            m.historyEnd = Math.max(m.historyEnd, e.getKey());
        }
        past.clear();
        if (newest != null) {
            past.put(newest.getKey(), newest.getValue());
        } else {
            m.backfill = null;
        }
    }

    /**
     * Hands out the history summed since the last call, as judged rollups to insert before the
     * next minutes are released: that of machines that caught up with the present, and that of
     * machines whose rows in the last batch were all history or that got none (their re-read is
     * over). Call once per batch; {@code everything} at the end of the input ends every history.
     */
    public void drainHistory(Consumer<EventFact> out, boolean everything) {
        for (java.util.Iterator<MachineTime> it = inHistory.iterator(); it.hasNext(); ) {
            MachineTime m = it.next();
            if (m.backfill != null) {
                // a machine that got history rows in this batch keeps its newest minute open: the next batch may hold more of it
                endHistory(m, !everything && m.backfilledNow && !m.backfill.isEmpty());
            }
            m.backfilledNow = false;
            if (m.backfill == null) {
                it.remove();
            }
        }
        history.forEach(out);
        history.clear();
    }

    /** Rows counted as history so far. */
    public long historyRows() {
        return historyRows;
    }

    /** Machines evicted so far because more than the limit were tracked. */
    public long evictions() {
        return evictions;
    }

    /** Rows not summed per process because their machine-minute already had the limit of process keys. */
    public long processRowsDropped() {
        return processRowsDropped;
    }

    /** Outbound rows not summed per remote because their machine-minute already had the limit of remote keys. */
    public long remoteRowsDropped() {
        return remoteRowsDropped;
    }

    /** The contact cadence remembered per remote key. */
    public RemoteCadence cadence() {
        return cadence;
    }

    /** Machines tracked now. */
    public int machines() {
        return machines.size();
    }

    /** Hands out (and forgets) the machines evicted since the last call, so their facts can be removed too. */
    public void evicted(Consumer<String> out) {
        evictedNow.forEach(out);
        evictedNow.clear();
    }

    /** Receives one released minute: its end in epoch milliseconds and its rollup facts. */
    public interface MinuteSink {
        void minute(long minuteEndMillis, List<EventFact> facts);
    }

    /**
     * Releases, for every machine, each minute that ends at or before that machine's watermark,
     * one minute at a time and oldest first across machines, so rules judge each minute as the
     * newest when it closes.
     *
     * @param fleetWatermark the fleet's watermark (see the engine's event clock)
     */
    public void release(long fleetWatermark, MinuteSink out) {
        long floor = fleetWatermark == Long.MIN_VALUE ? Long.MIN_VALUE : fleetWatermark - limits.machineLagMillis();
        if (floor != Long.MIN_VALUE) {
            fleetBoundary = Math.max(fleetBoundary, Math.floorDiv(floor, MINUTE) * MINUTE);
        }
        TreeMap<Long, List<EventFact>> due = takeEvicted();
        // Only two kinds of machine can have a minute to close: those that got rows (their own
        // watermark moved) and those whose first open minute the fleet's floor has passed.
        List<MachineTime> visit = new ArrayList<>(touched);
        touched.clear();
        for (MachineTime m : byFirstOpen) {
            if (m.indexedAt + MINUTE > floor) {
                break;
            }
            visit.add(m);
        }
        for (MachineTime m : visit) {
            long own = m.newest == Long.MIN_VALUE ? Long.MIN_VALUE : m.newest - limits.latenessMillis();
            close(m, Math.max(own, floor), due);
            reindex(m);
        }
        emit(due, out);
        if (fleetWatermark != Long.MIN_VALUE && Math.floorDiv(fleetWatermark, 60 * MINUTE) != Math.floorDiv(lastForget, 60 * MINUTE)) {
            // once an hour of event time: forget machines quiet for a day
            long cutoff = fleetWatermark - FORGET_AFTER;
            machines.values().removeIf(m -> m.open.isEmpty() && m.backfill == null && !inHistory.contains(m) && m.newest < cutoff);
            cadence.forget(fleetWatermark);
            lastForget = fleetWatermark;
        }
    }

    private void close(MachineTime m, long watermark, TreeMap<Long, List<EventFact>> due) {
        while (!m.open.isEmpty() && m.open.firstKey() + MINUTE <= watermark) {
            Map.Entry<Long, Minute> e = m.open.pollFirstEntry();
            due.computeIfAbsent(e.getKey() + MINUTE, k -> new ArrayList<>()).addAll(facts(e.getValue()));
        }
        long boundary = watermark == Long.MIN_VALUE ? Long.MIN_VALUE : Math.floorDiv(watermark, MINUTE) * MINUTE;
        if (boundary > m.releasedUpTo) {
            m.releasedUpTo = boundary;
        }
    }

    private TreeMap<Long, List<EventFact>> takeEvicted() {
        TreeMap<Long, List<EventFact>> due = new TreeMap<>(evictedMinutes);
        evictedMinutes.clear();
        return due;
    }

    private static void emit(TreeMap<Long, List<EventFact>> due, MinuteSink out) {
        for (Map.Entry<Long, List<EventFact>> e : due.entrySet()) {
            out.minute(e.getKey(), e.getValue());
        }
    }

    /**
     * Releases every open minute, oldest first (the end of a replay, or an idle source). Each
     * machine is closed up to the end of its own newest minute: its later rows still count (an
     * idle source that resumes), rows for the minutes just judged are late.
     */
    public void releaseAll(MinuteSink out) {
        TreeMap<Long, List<EventFact>> due = takeEvicted();
        for (MachineTime m : machines.values()) {
            if (!m.open.isEmpty()) {
                close(m, m.open.lastKey() + MINUTE, due);
                reindex(m);
            }
        }
        emit(due, out);
    }

    /** Minutes not yet released, over all machines. */
    public int openMinutes() {
        int n = 0;
        for (MachineTime m : machines.values()) {
            n += m.open.size();
        }
        return n;
    }

    private List<EventFact> facts(Minute m) {
        List<EventFact> facts = new ArrayList<>(2 + m.processes.size() + (m.remotes == null ? 0 : m.remotes.size()));
        facts.add(m.machine);
        AdminMinute admin = m.machine.seal();
        if (admin != null) {
            facts.add(admin);
        }
        for (ProcessMinute pm : m.processes.values()) {
            facts.add(pm);
            FanOutMinute fan = pm.seal();
            if (fan != null) {
                facts.add(fan);
            }
        }
        if (m.remotes != null) {
            RemoteMinute.markLeads(m.remotes.values());
            for (RemoteMinute r : m.remotes.values()) {
                cadence.observe(r);
                facts.add(r);
            }
            m.remotes = null;
        }
        return facts;
    }
}

package io.connwatch.engine.workbook;

import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.rules.RecordTap;
import io.connwatch.text.LogText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A bounded in-memory store of per-machine, per-minute rollups of the records the engine takes in,
 * for the web console's workbooks: links per direction, bytes, responses, the top remotes and
 * processes, listening ports and malicious connections. Fed by the rule partitions through
 * {@link RecordTap} (several at once: each machine has its own lock), read by the routes.
 *
 * <p><b>Bounds.</b> Each machine keeps the minutes within {@code retention} of its own newest; a
 * machine whose newest minute is further behind the fleet than that is dropped; at most
 * {@code maxMachines} machines are kept: a new machine beyond it takes the place of the idlest
 * machine silent for at least {@value #IDLE_MINUTES} minutes of fleet time, and is not kept (its
 * records counted as {@code full}) while every machine held has been heard from more recently. A
 * fleet larger than the store thus shows a stable set of machines with their whole history rather
 * than every machine in turn with a few minutes each (and does not pay for the churn); a minute sums at most
 * {@code maxKeys} remotes, processes, ports and threats each (more count as "other"), and once
 * its machine has moved on its remotes and processes are cut to the top {@code topN} by bytes and
 * by links (the rest count as "other").
 */
public final class WorkbookStore implements RecordTap {
    /**
     * How much the store keeps.
     *
     * @param retention   minutes kept behind each machine's newest (and behind the fleet's)
     * @param maxMachines machines kept at most; beyond it a new one replaces the idlest silent for {@value #IDLE_MINUTES} minutes, or is not kept
     * @param topN        remotes and processes kept per machine-minute, by bytes and by links each
     * @param maxKeys     remotes, processes, ports and threats summed per machine-minute at most
     */
    public record Limits(Duration retention, int maxMachines, int topN, int maxKeys) {
        public static final Duration DEFAULT_RETENTION = Duration.ofHours(6);
        public static final int DEFAULT_MAX_MACHINES = 1_000;
        public static final int DEFAULT_TOP_N = 5;
        public static final int DEFAULT_MAX_KEYS = 200;
        public static final Limits DEFAULT = new Limits(DEFAULT_RETENTION, DEFAULT_MAX_MACHINES, DEFAULT_TOP_N, DEFAULT_MAX_KEYS);

        public Limits {
            if (retention.toMinutes() < 1 || maxMachines < 1 || topN < 1 || maxKeys < topN) {
                throw new IllegalArgumentException("retention at least 1m, maxMachines and topN at least 1, maxKeys at least topN");
            }
        }

        int slots() {
            return (int) Math.min(Integer.MAX_VALUE, retention.toMinutes());
        }
    }

    static final long MINUTE = 60_000L;
    private static final long SWEEP_EVERY_NANOS = 10_000_000_000L;

    private final Limits limits;
    private final LongSupplier fleetNewest;
    private final ConcurrentHashMap<String, MachineSeries> machines = new ConcurrentHashMap<>();
    private final AtomicLong newestMinute = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());
    private final AtomicLong lastFaultLog = new AtomicLong(System.nanoTime() - 120_000_000_000L);
    private final AtomicLong lastFullLog = new AtomicLong(System.nanoTime() - 1_200_000_000_000L);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkbookStore.class);
    private final LongAdder records = new LongAdder();
    private final LongAdder tooOld = new LongAdder();
    private final LongAdder evicted = new LongAdder();
    private final LongAdder full = new LongAdder();
    /** A machine silent this long (fleet time) may give its place to a new one when the store is full. */
    static final long IDLE_MINUTES = 10;
    /** The fleet minute at which the store was last found full with no machine idle enough: no new search before the next minute. Under this store's lock. */
    private long noRoomAt = Long.MIN_VALUE;

    public WorkbookStore(Limits limits) {
        this(limits, () -> Long.MIN_VALUE);
    }

    /**
     * @param fleetNewest the fleet's event time in epoch milliseconds (the engine's, which one
     *                    machine's clock cannot move), or Long.MIN_VALUE when unknown: then the
     *                    newest minute the store saw stands for it
     */
    public WorkbookStore(Limits limits, LongSupplier fleetNewest) {
        this.limits = limits;
        this.fleetNewest = fleetNewest;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Adds a partition's batch. Never throws: the console is not worth failing ingest for, so a
     * fault here is logged (once a minute at most) and the batch goes on through the rules.
     */
    @Override
    public void accepted(List<MachineRecord> batch) {
        try {
            add(batch);
        } catch (RuntimeException e) {
            long now = System.nanoTime();
            long last = lastFaultLog.get();
            if (now - last > 60_000_000_000L && lastFaultLog.compareAndSet(last, now)) {
                LOG.error("the console's workbook store could not take a batch (the rules still did)", e);
            }
        }
    }

    private void add(List<MachineRecord> batch) {
        int i = 0;
        int n = batch.size();
        long newest = Long.MIN_VALUE;
        long fleet = fleetMinute();
        while (i < n) {
            MachineRecord first = batch.get(i);
            MachineSeries series = series(first.getMachine(), fleet);
            if (series == null) {
                // the store is full of machines heard from recently: this one is not kept (its time
                // still moves the store's clock on, or a store whose machines all fell silent
                // would never find them idle)
                do {
                    full.increment();
                    newest = Math.max(newest, Math.floorDiv(batch.get(i).getTimestamp(), MINUTE));
                    i++;
                } while (i < n && batch.get(i).getMachine().equals(first.getMachine()));
                refused(first.getMachine());
                continue;
            }
            // One lock per run of rows of the same machine (inputs mostly come grouped by machine).
            synchronized (series) {
                if (series.removed) {
                    continue; // dropped while this thread held it: look the machine up again
                }
                do {
                    MachineRecord r = batch.get(i);
                    long minute = Math.floorDiv(r.getTimestamp(), MINUTE);
                    if (series.add(r, minute, limits)) {
                        newest = Math.max(newest, minute);
                        series.heardAt = Math.max(series.heardAt, fleet == Long.MIN_VALUE ? minute : fleet);
                    } else {
                        tooOld.increment();
                    }
                    i++;
                } while (i < n && batch.get(i).getMachine().equals(series.machine));
            }
        }
        records.add(n);
        if (newest != Long.MIN_VALUE) {
            newestMinute.accumulateAndGet(newest, Math::max);
        }
        long last = lastSweep.get();
        long now = System.nanoTime();
        if (now - last > SWEEP_EVERY_NANOS && lastSweep.compareAndSet(last, now)) {
            sweep();
        }
    }

    private MachineSeries series(String machine, long fleet) {
        MachineSeries s = machines.get(machine);
        if (s != null) {
            return s;
        }
        if (machines.size() >= limits.maxMachines() && !makeRoom()) {
            return null;
        }
        return machines.computeIfAbsent(machine, m -> {
            MachineSeries made = new MachineSeries(m, limits.slots());
            made.heardAt = fleet;
            return made;
        });
    }

    /** Says, at most every 10 minutes, that the store is full and which new machine it did not keep. */
    private void refused(String machine) {
        long now = System.nanoTime();
        long last = lastFullLog.get();
        if (now - last > 600_000_000_000L && lastFullLog.compareAndSet(last, now)) {
            LOG.warn("the console's store holds console.max-machines ({}) machines, none silent for {} minutes: the records of {} "
                + "and of any other new machine are not kept (counted as 'full'); raise console.max-machines to see them",
                limits.maxMachines(), IDLE_MINUTES, LogText.printable(machine));
        }
    }

    /**
     * Drops up to a sixteenth of the machines, the idlest of those silent for at least
     * {@value #IDLE_MINUTES} minutes, so a flood of new names pays one pass per many machines;
     * when none is that idle, says so without searching again until the fleet's next minute.
     *
     * @return whether there is room now
     */
    private synchronized boolean makeRoom() {
        if (machines.size() < limits.maxMachines()) {
            return true;
        }
        long fleet = fleetMinute();
        if (fleet == Long.MIN_VALUE || fleet == noRoomAt) {
            return false;
        }
        long idleFloor = fleet - IDLE_MINUTES;
        // each machine's last write read once: other threads move it on while the sort runs, and a
        // comparator reading live values breaks TimSort's contract ("Comparison method violates...")
        record Idle(long heardAt, MachineSeries series) {
        }
        List<Idle> idle = new ArrayList<>();
        machines.values().forEach(s -> {
            long heard = heardAtOf(s);
            if (heard <= idleFloor) {
                idle.add(new Idle(heard, s));
            }
        });
        if (idle.isEmpty()) {
            noRoomAt = fleet;
            return false;
        }
        idle.sort(Comparator.comparingLong(Idle::heardAt));
        int drop = Math.max(1, machines.size() / 16);
        for (int i = 0; i < drop && i < idle.size(); i++) {
            MachineSeries s = idle.get(i).series();
            synchronized (s) {
                // still silent (a writer may have come since it was read), then gone for writers too
                if (!s.removed && s.heardAt <= idleFloor && machines.remove(s.machine, s)) {
                    s.removed = true;
                    evicted.increment();
                }
            }
        }
        return machines.size() < limits.maxMachines();
    }

    private static long heardAtOf(MachineSeries s) {
        synchronized (s) {
            return s.heardAt;
        }
    }

    /** Drops machines whose newest minute is further behind the fleet than the retention. */
    void sweep() {
        long floor = fleetMinute() - limits.slots();
        machines.values().removeIf(s -> {
            synchronized (s) {
                if (s.newestMinute() <= floor) {
                    s.removed = true;
                    evicted.increment();
                    return true;
                }
                return false;
            }
        });
    }

    /** The fleet's newest minute: the engine's fleet time when known, else the newest the store saw (Long.MIN_VALUE before any). */
    public long fleetMinute() {
        long fleet = fleetNewest.getAsLong();
        long own = newestMinute.get();
        if (fleet == Long.MIN_VALUE) {
            return own;
        }
        return Math.min(own, Math.floorDiv(fleet, MINUTE));
    }

    /**
     * Visits the minutes in [fromMinute, toMinute) of every machine that {@code machine} accepts,
     * each machine under its lock, in no particular machine order.
     */
    void visit(Predicate<MachineInfo> machine, long fromMinute, long toMinute, MachineVisitor visitor) {
        long floor = fleetMinute() - limits.slots();
        for (MachineSeries s : machines.values()) {
            synchronized (s) {
                MachineInfo info = new MachineInfo(s.machine, s.computer(), s.newestMinute());
                if (s.newestMinute() <= floor || !machine.test(info)) {
                    continue;
                }
                visitor.begin(info);
                s.forEach(Math.max(fromMinute, floor + 1), toMinute, visitor::minute);
            }
        }
    }

    /** What the visit of one machine is told. */
    interface MachineVisitor {
        void begin(MachineInfo machine);

        void minute(MinuteBucket bucket);
    }

    /**
     * A machine the store holds.
     *
     * @param machine      the Machine resource name ({@code m-...})
     * @param computer     its Computer (FQDN) as last reported, or null
     * @param newestMinute its newest minute (epoch minutes)
     */
    public record MachineInfo(String machine, String computer, long newestMinute) {
        /** The Computer, or the Machine when the records carry none. */
        public String label() {
            return computer != null ? computer : machine;
        }
    }

    /** The machines held now, most recently heard from first, at most {@code limit}. */
    public List<MachineInfo> machines(int limit) {
        long floor = fleetMinute() - limits.slots();
        List<MachineInfo> out = new ArrayList<>();
        for (MachineSeries s : machines.values()) {
            synchronized (s) {
                if (s.newestMinute() > floor) {
                    out.add(new MachineInfo(s.machine, s.computer(), s.newestMinute()));
                }
            }
        }
        out.sort(Comparator.comparingLong(MachineInfo::newestMinute).reversed().thenComparing(MachineInfo::label));
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    /**
     * The store's counters.
     *
     * @param machines machines held now
     * @param minutes  machine-minutes held now
     * @param records  records seen
     * @param tooOld   records older than the retention behind their machine's newest (not kept)
     * @param evicted  machines dropped: idle beyond the retention, or silent for {@value #IDLE_MINUTES}
     *                 minutes of fleet time when a new machine needed the place
     * @param full     records not kept because their machine was new while the store held max-machines
     *                 machines all heard from in the last {@value #IDLE_MINUTES} minutes
     */
    public record Stats(int machines, long minutes, long records, long tooOld, long evicted, long full) {
    }

    public Stats stats() {
        long minutes = 0;
        for (MachineSeries s : machines.values()) {
            synchronized (s) {
                minutes += s.minutes();
            }
        }
        return new Stats(machines.size(), minutes, records.sum(), tooOld.sum(), evicted.sum(), full.sum());
    }
}

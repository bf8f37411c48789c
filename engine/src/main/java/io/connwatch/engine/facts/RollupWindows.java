package io.connwatch.engine.facts;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Sliding-window sums over the per-minute rollups, kept in Java per key, for rules to test
 * thresholds on without an {@code accumulate}: the shipped window rules read them through the
 * {@code windows} global, as in
 * <pre>
 * $now : MachineMinute( current == true, linksFailed &gt; 0 )
 * $window : WindowSums( failed &gt;= 50 ) from windows.machine( $now, 300000 )
 * </pre>
 * One instance per rule partition, fed by the partition with every rollup it inserts into its
 * session (released minutes and history alike), in the same order; not thread-safe.
 *
 * <p><b>The same sums as an accumulate.</b> A window here holds exactly the rollups an
 * {@code accumulate} over the session would see at the same moment: those of the key inserted so
 * far whose Drools retention has not run out ({@code timestamp + retention > clock}, the
 * {@code @expires} the engine declares for rollups, {@code TIME_HARD}), less those of machines
 * evicted from the session. A machine's and a process's minutes are kept as the numbers the
 * windows add up ({@link MinuteSeries}), the administrative and fan-out minutes as the rollups;
 * they stay here when the session drops a rollup no rule holds (see the partition's
 * {@code dropUnheld}), which is what lets the session drop it. The cost is a binary search and a
 * pass over the window's minutes per query, instead of Drools' accumulate nodes on every insert,
 * update and expiry of every rollup.
 */
public final class RollupWindows {
    private static final long HOUR = 3_600_000L;

    private long retentionMillis;
    private final LongSupplier clock;
    private final Map<String, MachineHistory> machines = new HashMap<>();
    private long lastSweepHour = Long.MIN_VALUE;

    /**
     * @param retentionMillis how long the session keeps a rollup after its minute's start (its {@code @expires})
     * @param clock           the session's clock, epoch milliseconds
     */
    public RollupWindows(long retentionMillis, LongSupplier clock) {
        if (retentionMillis <= 0) {
            throw new IllegalArgumentException("retention must be positive");
        }
        this.retentionMillis = retentionMillis;
        this.clock = clock;
    }

    /** The rollups' retention changed (a reload with another {@code rules.retention.rollups}): the session's new {@code @expires}. */
    public void retention(long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("retention must be positive");
        }
        this.retentionMillis = millis;
    }

    /** One machine's rollups, each list in time order. */
    private static final class MachineHistory {
        final MinuteSeries minutes = new MinuteSeries();
        List<AdminMinute> admin;
        Map<String, ProcessHistory> processes;
    }

    private static final class ProcessHistory {
        final MinuteSeries minutes = new MinuteSeries();
        List<FanOutMinute> fanOut;
    }

    /** Takes a rollup the partition has just inserted into its session; other facts are ignored. */
    public void add(Object fact) {
        if (!(fact instanceof MinuteRollupFact f)) {
            return;
        }
        long now = clock.getAsLong();
        if (f instanceof MachineMinute m) {
            machine(m.machine).minutes.add(m, retentionMillis, now);
        } else if (f instanceof ProcessMinute p) {
            process(p.machine, p.process).minutes.add(p, retentionMillis, now);
        } else if (f instanceof AdminMinute a) {
            MachineHistory h = machine(a.machine);
            if (h.admin == null) {
                h.admin = new ArrayList<>(4);
            }
            add(h.admin, a, now);
        } else if (f instanceof FanOutMinute o) {
            ProcessHistory h = process(o.machine, o.getProcess());
            if (h.fanOut == null) {
                h.fanOut = new ArrayList<>(4);
            }
            add(h.fanOut, o, now);
        }
        // RemoteMinute: no window here runs over it
        long hour = Math.floorDiv(now, HOUR);
        if (hour != lastSweepHour) {
            lastSweepHour = hour;
            sweep(now);
        }
    }

    private MachineHistory machine(String machine) {
        return machines.computeIfAbsent(machine, k -> new MachineHistory());
    }

    private ProcessHistory process(String machine, String process) {
        MachineHistory m = machine(machine);
        if (m.processes == null) {
            m.processes = new HashMap<>(4);
        }
        return m.processes.computeIfAbsent(process, k -> new ProcessHistory());
    }

    /**
     * Inserts in time order (after the minutes of the same time: a minute of history goes behind
     * newer ones), first dropping from the front the minutes whose retention ran out: in time
     * order, those are exactly a prefix.
     */
    private <T extends MinuteRollupFact> void add(List<T> list, T f, long now) {
        int expired = 0;
        while (expired < list.size() && !alive(list.get(expired), now)) {
            expired++;
        }
        if (expired > 0) {
            list.subList(0, expired).clear();
        }
        int at = list.size();
        while (at > 0 && list.get(at - 1).timestamp > f.timestamp) {
            at--;
        }
        list.add(at, f);
    }

    /** The index of the first minute with {@code timestamp > from} in a list in time order (its size when none). */
    static int firstAfter(List<? extends MinuteRollupFact> list, long from) {
        int lo = 0;
        int hi = list.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).timestamp > from) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private boolean alive(MinuteRollupFact f, long now) {
        return f.timestamp + retentionMillis > now;
    }

    /** Once an hour of the session's time: forgets every expired minute, and keys left with none. */
    private void sweep(long now) {
        machines.values().removeIf(m -> {
            m.minutes.expire(retentionMillis, now);
            if (m.admin != null) {
                m.admin.removeIf(f -> !alive(f, now));
            }
            if (m.processes != null) {
                m.processes.values().removeIf(p -> {
                    p.minutes.expire(retentionMillis, now);
                    if (p.fanOut != null) {
                        p.fanOut.removeIf(f -> !alive(f, now));
                    }
                    return p.minutes.isEmpty() && (p.fanOut == null || p.fanOut.isEmpty());
                });
            }
            return m.minutes.isEmpty() && (m.admin == null || m.admin.isEmpty())
                && (m.processes == null || m.processes.isEmpty());
        });
    }

    /** Forgets the rollups of machines the session no longer holds (evicted over the limit of tracked machines). */
    public void forget(Collection<String> gone) {
        for (String m : gone) {
            machines.remove(m);
        }
    }

    /** Minutes held (expired ones not yet swept included): the memory this costs beside the session's facts. */
    public long rollups() {
        long n = 0;
        for (MachineHistory m : machines.values()) {
            n += m.minutes.size() + (m.admin == null ? 0 : m.admin.size());
            if (m.processes != null) {
                for (ProcessHistory p : m.processes.values()) {
                    n += p.minutes.size() + (p.fanOut == null ? 0 : p.fanOut.size());
                }
            }
        }
        return n;
    }

    /** Keys held: machines, and machine + process pairs. */
    public int keys() {
        int n = 0;
        for (MachineHistory m : machines.values()) {
            n += 1 + (m.processes == null ? 0 : m.processes.size());
        }
        return n;
    }

    /** The machine's minutes in {@code (now - window, now]}, {@code now} the start of the anchor's minute. */
    public WindowSums machine(MachineMinute now, long windowMillis) {
        MachineHistory h = machines.get(now.machine);
        return h == null ? WindowSums.EMPTY : h.minutes.sum(now.timestamp - windowMillis, now.timestamp, retentionMillis, clock.getAsLong());
    }

    /** The machine's minutes in the {@code baseline} before its window: {@code (now - window - baseline, now - window]}. */
    public WindowSums machineBefore(MachineMinute now, long windowMillis, long baselineMillis) {
        MachineHistory h = machines.get(now.machine);
        long end = now.timestamp - windowMillis;
        return h == null ? WindowSums.EMPTY : h.minutes.sum(end - baselineMillis, end, retentionMillis, clock.getAsLong());
    }

    /** The process's minutes in {@code (now - window, now]}. */
    public WindowSums process(ProcessMinute now, long windowMillis) {
        MinuteSeries minutes = processMinutes(now.machine, now.process);
        return minutes == null ? WindowSums.EMPTY : minutes.sum(now.timestamp - windowMillis, now.timestamp, retentionMillis, clock.getAsLong());
    }

    /** The process's minutes in the {@code baseline} before its window: {@code (now - window - baseline, now - window]}. */
    public WindowSums processBefore(ProcessMinute now, long windowMillis, long baselineMillis) {
        MinuteSeries minutes = processMinutes(now.machine, now.process);
        long end = now.timestamp - windowMillis;
        return minutes == null ? WindowSums.EMPTY : minutes.sum(end - baselineMillis, end, retentionMillis, clock.getAsLong());
    }

    /**
     * The minutes of the row's process (its Process column, as the row's {@code process}) in the
     * {@code baseline} before the row: {@code [row - baseline, row)}, the row's own time exact.
     */
    public WindowSums processBaseline(Connection row, long baselineMillis) {
        if (row.process == null) {
            return WindowSums.EMPTY;
        }
        MinuteSeries minutes = processMinutes(row.machine, row.process);
        if (minutes == null) {
            return WindowSums.EMPTY;
        }
        // [from, to): the same as (from - 1, to - 1] on millisecond timestamps
        return minutes.sum(row.timestamp - baselineMillis - 1, row.timestamp - 1, retentionMillis, clock.getAsLong());
    }

    private MinuteSeries processMinutes(String machine, String process) {
        MachineHistory m = machines.get(machine);
        if (m == null || m.processes == null) {
            return null;
        }
        ProcessHistory p = m.processes.get(process);
        return p == null ? null : p.minutes;
    }

    /** The process's fan-out minutes (minutes with failed outbound rows) in {@code (now - window, now]}. */
    public FanOutWindow fanOut(FanOutMinute now, long windowMillis) {
        MachineHistory m = machines.get(now.machine);
        ProcessHistory p = m == null || m.processes == null ? null : m.processes.get(now.getProcess());
        FanOutWindow w = new FanOutWindow();
        inWindow(p == null ? null : p.fanOut, now, windowMillis, w::add);
        return w;
    }

    /** The machine's minutes with internal hosts on administrative ports in {@code (now - window, now]}. */
    public AdminWindow admin(AdminMinute now, long windowMillis) {
        MachineHistory m = machines.get(now.machine);
        AdminWindow w = new AdminWindow();
        inWindow(m == null ? null : m.admin, now, windowMillis, w::add);
        return w;
    }

    /** Hands over the minutes of {@code list} (in time order, null for none) in {@code (now - window, now]} still within retention. */
    private <T extends MinuteRollupFact> void inWindow(List<T> list, MinuteRollupFact now, long windowMillis, Consumer<T> into) {
        if (list == null) {
            return;
        }
        long clockNow = clock.getAsLong();
        for (int i = firstAfter(list, now.timestamp - windowMillis); i < list.size(); i++) {
            T f = list.get(i);
            if (f.timestamp > now.timestamp) {
                break;
            }
            if (alive(f, clockNow)) {
                into.accept(f);
            }
        }
    }

    /** The distinct members of the minutes' sets (targets, remotes, ports) across a window. */
    static <M> int distinct(List<M> minutes, Function<M, Set<?>> members) {
        Set<Object> all = new HashSet<>();
        for (M m : minutes) {
            all.addAll(members.apply(m));
        }
        return all.size();
    }

    /** The minutes' top-remotes lists that exist, for {@link TopRemotes#describe}. */
    static <M> List<TopRemotes> tops(List<M> minutes, Function<M, TopRemotes> top) {
        List<TopRemotes> out = new ArrayList<>(minutes.size());
        for (M m : minutes) {
            TopRemotes t = top.apply(m);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }
}

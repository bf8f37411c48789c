package io.connwatch.engine.workbook;

import io.connwatch.engine.facts.BoundPort;
import io.connwatch.engine.facts.Connection;
import io.connwatch.engine.facts.MachineRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.Consumer;

/**
 * One machine's minutes over the retention, in a ring indexed by minute. Every method must be
 * called holding the instance's lock (the store does): the partition that owns the machine writes,
 * the routes read.
 */
final class MachineSeries {
    /** Minutes this far behind the machine's newest are sealed (cut to their top N): rows later than that are rare. */
    static final int SEAL_AFTER_MINUTES = 3;

    final String machine;
    private String computer;
    private final MinuteBucket[] ring;
    private long newestMinute = Long.MIN_VALUE;
    /**
     * The fleet's minute when the machine was last written to (or made): how long it has been silent
     * is judged by the fleet's clock, not by its own, which may run slow or fast. Under the lock.
     */
    long heardAt = Long.MIN_VALUE;
    /** Dropped from the store: a writer holding it looks it up again. Under the lock. */
    boolean removed;
    private final List<MinuteBucket> open = new ArrayList<>(4);
    /** The machine's listening ports, shared by its minutes (they are the same most minutes). */
    private final HashMap<MinuteBucket.Port, MinuteBucket.Port> ports = new HashMap<>();
    /** The machine's remote endpoints by address, shared by its minutes. */
    private final HashMap<io.connwatch.net.IpAddress, MinuteBucket.Remote> remotes = new HashMap<>();

    MachineSeries(String machine, int slots) {
        this.machine = machine;
        this.ring = new MinuteBucket[slots];
    }

    String computer() {
        return computer;
    }

    long newestMinute() {
        return newestMinute;
    }

    /**
     * Adds one record.
     *
     * @return false when its minute is older than the retention behind this machine's newest
     */
    boolean add(MachineRecord r, long minute, WorkbookStore.Limits limits) {
        MinuteBucket b = bucket(minute, limits.topN());
        if (b == null) {
            return false;
        }
        if (r.getComputer() != null) {
            computer = r.getComputer();
        }
        if (r instanceof Connection c) {
            b.add(c, remote(c, limits.maxKeys()), limits.maxKeys());
        } else if (r instanceof BoundPort p) {
            b.add(p, port(p, limits.maxKeys()), limits.maxKeys());
        }
        return true;
    }

    /** The machine's remote endpoint for the row, shared by its minutes (the same remotes recur), found without allocating. */
    private MinuteBucket.Remote remote(Connection c, int maxKeys) {
        MinuteBucket.Remote shared = remotes.get(c.getRemoteIp());
        if (shared != null && java.util.Objects.equals(shared.country(), c.getRemoteCountry())) {
            return shared;
        }
        if (remotes.size() >= 4 * maxKeys) {
            remotes.clear();
        }
        MinuteBucket.Remote key = new MinuteBucket.Remote(c.getRemoteIp(), c.getRemoteCountry());
        remotes.put(c.getRemoteIp(), key);
        return key;
    }

    private MinuteBucket.Port port(BoundPort p, int maxKeys) {
        MinuteBucket.Port key = new MinuteBucket.Port(p.getProcessLabel(), p.getIp(), p.getPort(), p.isOpenOnAllInterfaces());
        MinuteBucket.Port shared = ports.get(key);
        if (shared != null) {
            return shared;
        }
        if (ports.size() >= maxKeys) {
            ports.clear();
        }
        ports.put(key, key);
        return key;
    }

    private MinuteBucket bucket(long minute, int topN) {
        int slots = ring.length;
        if (newestMinute != Long.MIN_VALUE && minute <= newestMinute - slots) {
            return null;
        }
        int i = (int) Math.floorMod(minute, (long) slots);
        MinuteBucket b = ring[i];
        if (b == null || b.minute != minute) {
            b = new MinuteBucket(minute);
            ring[i] = b;
            open.add(b);
        }
        if (minute > newestMinute) {
            newestMinute = minute;
            sealBefore(minute - SEAL_AFTER_MINUTES, topN);
        }
        return b;
    }

    private void sealBefore(long minute, int topN) {
        for (int i = open.size() - 1; i >= 0; i--) {
            MinuteBucket b = open.get(i);
            if (b.minute < minute) {
                b.seal(topN);
                open.remove(i);
            }
        }
    }

    /** Visits the minutes in [from, to) in time order. */
    void forEach(long fromMinute, long toMinute, Consumer<MinuteBucket> visitor) {
        long start = Math.max(fromMinute, newestMinute - ring.length + 1);
        long end = Math.min(toMinute, newestMinute + 1);
        if (end - start > ring.length) {
            start = end - ring.length;
        }
        for (long m = start; m < end; m++) {
            MinuteBucket b = ring[(int) Math.floorMod(m, (long) ring.length)];
            if (b != null && b.minute == m) {
                visitor.accept(b);
            }
        }
    }

    /** The oldest minute held, or Long.MAX_VALUE when none. */
    long oldestMinute() {
        long oldest = Long.MAX_VALUE;
        for (MinuteBucket b : ring) {
            if (b != null && b.minute > newestMinute - ring.length) {
                oldest = Math.min(oldest, b.minute);
            }
        }
        return oldest;
    }

    /** Minutes held now. */
    int minutes() {
        int n = 0;
        for (MinuteBucket b : ring) {
            if (b != null && b.minute > newestMinute - ring.length) {
                n++;
            }
        }
        return n;
    }
}

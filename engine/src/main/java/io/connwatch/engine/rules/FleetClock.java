package io.connwatch.engine.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet's event time, which no single machine can move: the (lower) median of the newest
 * TimeGenerated of the machines that are active, never going back. A machine is active while its
 * newest time is no more than {@code horizon} behind the fleet's time (or ahead of it), so
 * machines that went quiet stop holding the clock back, and a machine whose clock runs ahead, or
 * one record from the future, is outvoted by the rest. Thread-safe: the engine observes under its
 * own lock, status pages read the newest time and the skewed machines without it.
 */
public final class FleetClock {
    private final long horizonMillis;
    private final int maxMachines;
    private final LinkedHashMap<String, long[]> newest;
    private volatile long fleetNewest = Long.MIN_VALUE;
    private long[] scratch = new long[64];
    private long sinceUpdate;

    FleetClock(long horizonMillis, int maxMachines) {
        this.horizonMillis = horizonMillis;
        this.maxMachines = maxMachines;
        this.newest = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
                return size() > FleetClock.this.maxMachines;
            }
        };
    }

    /** Notes a batch's event times and returns the fleet's time after it (Long.MIN_VALUE before any record). */
    synchronized long observe(List<? extends io.connwatch.engine.facts.MachineRecord> records) {
        for (io.connwatch.engine.facts.MachineRecord r : records) {
            long[] t = newest.get(r.getMachine());
            if (t == null) {
                newest.put(r.getMachine(), new long[] {r.getTimestamp()});
            } else if (r.getTimestamp() > t[0]) {
                t[0] = r.getTimestamp();
            }
        }
        // The median costs a pass over every machine: recomputed once the records since the last
        // pass are at least an eighth of the machines, so its cost stays a few steps per record
        // however small the batches (and the same for the same input, whatever its timing).
        sinceUpdate += records.size();
        if (fleetNewest == Long.MIN_VALUE || sinceUpdate * 8L >= newest.size()) {
            sinceUpdate = 0;
            return update();
        }
        return fleetNewest;
    }

    private long update() {
        if (newest.size() > scratch.length) {
            scratch = new long[Math.max(newest.size(), scratch.length * 2)];
        }
        long idleBefore = fleetNewest == Long.MIN_VALUE ? Long.MIN_VALUE : fleetNewest - horizonMillis;
        int n = 0;
        for (long[] t : newest.values()) {
            if (t[0] >= idleBefore) {
                scratch[n++] = t[0];
            }
        }
        if (n > 0) {
            fleetNewest = Math.max(fleetNewest, select(scratch, n, (n - 1) / 2));
        }
        return fleetNewest;
    }

    /** The fleet's newest event time (Long.MIN_VALUE before any record). */
    long newest() {
        return fleetNewest;
    }

    /** A machine whose newest event time is ahead of the fleet's. */
    public record Skewed(String machine, long newestMillis, long aheadMillis) {
    }

    /** The machines more than {@code toleranceMillis} ahead of the fleet, furthest ahead first. */
    synchronized List<Skewed> skewed(long toleranceMillis, int limit) {
        List<Skewed> out = new ArrayList<>();
        if (fleetNewest == Long.MIN_VALUE) {
            return out;
        }
        for (Map.Entry<String, long[]> e : newest.entrySet()) {
            long ahead = e.getValue()[0] - fleetNewest;
            if (ahead > toleranceMillis) {
                out.add(new Skewed(e.getKey(), e.getValue()[0], ahead));
            }
        }
        out.sort((a, b) -> Long.compare(b.aheadMillis(), a.aheadMillis()));
        return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
    }

    /** The k-th smallest of the first n values (Hoare's selection; reorders them). */
    static long select(long[] a, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            long pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }
}

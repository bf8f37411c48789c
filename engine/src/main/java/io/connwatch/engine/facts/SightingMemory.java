package io.connwatch.engine.facts;

import io.connwatch.net.IpAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers, per remote IP, the latest connections to or from it that no threat verdict covered
 * at the time, so that when a feed later names the IP those connections can be judged again
 * (retro-matching).
 *
 * <p>The bound is documented and hard: at most {@code maxAddresses} remote IPs, each with at most
 * {@value #PER_ADDRESS} sightings (the latest per machine, process and direction); the least
 * recently seen IP is dropped first, and IPs not seen for longer than the window are dropped as
 * the watermark passes. A sighting keeps only what a late alert needs (no counters), about 200
 * bytes with its map entry. Not thread-safe: one per rule partition.
 */
public final class SightingMemory {
    /** Sightings kept per remote IP. */
    public static final int PER_ADDRESS = 2;

    private final long windowMillis;
    private final int maxAddresses;
    private final LinkedHashMap<IpAddress, List<Connection>> byAddress;
    /**
     * At most the oldest latest sighting of any address: an address's latest sighting only moves
     * forward and evictions only raise the minimum, so while the cutoff is at or before this no
     * address can have expired and {@link #expire} need not scan.
     */
    private long oldestLatest = Long.MAX_VALUE;

    public SightingMemory(long windowMillis, int maxAddresses) {
        this.windowMillis = windowMillis;
        this.maxAddresses = maxAddresses;
        this.byAddress = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<IpAddress, List<Connection>> eldest) {
                return size() > SightingMemory.this.maxAddresses;
            }
        };
    }

    /** Remembers a judged connection when no verdict covered it. */
    public void remember(Connection c) {
        if (maxAddresses == 0 || c.getThreat() != null || c.isAllowlisted()) {
            return;
        }
        List<Connection> list = byAddress.get(c.remoteIp);
        if (list == null) {
            list = new ArrayList<>(PER_ADDRESS);
            byAddress.put(c.remoteIp, list);
            oldestLatest = Math.min(oldestLatest, c.timestamp);
        }
        Connection slim = c.sighting();
        for (int i = 0; i < list.size(); i++) {
            Connection s = list.get(i);
            if (s.machine.equals(c.machine) && java.util.Objects.equals(s.process, c.process) && s.direction == c.direction) {
                if (c.timestamp >= s.timestamp) {
                    list.set(i, slim);
                }
                return;
            }
        }
        if (list.size() == PER_ADDRESS) {
            int oldest = list.get(0).timestamp <= list.get(1).timestamp ? 0 : 1;
            list.set(oldest, slim);
        } else {
            list.add(slim);
        }
    }

    /** Forgets addresses whose latest sighting is older than the window before the watermark. */
    public void expire(long watermarkMillis) {
        long cutoff = watermarkMillis - windowMillis;
        if (cutoff <= oldestLatest) {
            return;
        }
        long oldest = Long.MAX_VALUE;
        for (Iterator<List<Connection>> it = byAddress.values().iterator(); it.hasNext(); ) {
            List<Connection> l = it.next();
            long latest = 0;
            for (Connection c : l) {
                latest = Math.max(latest, c.timestamp);
            }
            if (latest < cutoff) {
                it.remove();
            } else {
                oldest = Math.min(oldest, latest);
            }
        }
        oldestLatest = oldest;
    }

    /** Every remembered sighting whose address satisfies the test and falls within the window. */
    public List<Connection> matching(java.util.function.Predicate<IpAddress> test, long watermarkMillis) {
        long cutoff = watermarkMillis - windowMillis;
        List<Connection> out = new ArrayList<>();
        for (Map.Entry<IpAddress, List<Connection>> e : byAddress.entrySet()) {
            if (test.test(e.getKey())) {
                for (Connection c : e.getValue()) {
                    if (c.timestamp >= cutoff) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }

    public int addresses() {
        return byAddress.size();
    }
}

package io.connwatch.engine.facts;

import io.connwatch.net.IpAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The remote endpoints (IP and port) that contributed most links to one count of one minute, in
 * a fixed number of slots however many remotes the minute had; and, for window rules, the merge
 * of a window's minutes in words ({@link #describe}).
 *
 * <p><b>Bounded.</b> A remote already in a slot adds to its count; a new one takes a free slot,
 * or, when all are taken, the slot with the smallest count if it brings more links in its row
 * (the smaller one is forgotten), or is left out. A minute's rows are already summed per remote
 * and process, so a remote's links come in few rows and a heavy remote is kept. Every count is a
 * lower bound of the remote's links; they are exact while nothing was ever left out or
 * forgotten ({@link #isExact()}), which {@link #describe} says ("at least 120 failed"). Only the
 * engine's rollups add; rules only read.
 */
public final class TopRemotes {
    /** Slots per minute: more than a window shows (5), so a remote just below a minute's first five still counts. */
    static final int SLOTS = 8;
    /** A minute without such links. */
    static final TopRemotes NONE = new TopRemotes();

    /** Most minutes have one or two remotes: the slots grow to {@link #SLOTS} as needed. */
    private static final int FIRST_SLOTS = 2;

    private IpAddress[] ips = new IpAddress[FIRST_SLOTS];
    private int[] ports = new int[FIRST_SLOTS];
    private long[] counts = new long[FIRST_SLOTS];
    private int used;
    private boolean exact = true;

    TopRemotes() {
    }

    /** Counts {@code links} (at least 1) to a remote's port. */
    void add(IpAddress ip, int port, long links) {
        for (int i = 0; i < used; i++) {
            if (ports[i] == port && ips[i].equals(ip)) {
                counts[i] += links;
                return;
            }
        }
        if (used < SLOTS) {
            if (used == ips.length) {
                int grown = Math.min(SLOTS, used * 2);
                ips = Arrays.copyOf(ips, grown);
                ports = Arrays.copyOf(ports, grown);
                counts = Arrays.copyOf(counts, grown);
            }
            ips[used] = ip;
            ports[used] = port;
            counts[used++] = links;
            return;
        }
        exact = false;
        int smallest = 0;
        for (int i = 1; i < SLOTS; i++) {
            if (counts[i] < counts[smallest]) {
                smallest = i;
            }
        }
        if (links > counts[smallest]) {
            ips[smallest] = ip;
            ports[smallest] = port;
            counts[smallest] = links;
        }
    }

    /** Remotes held: at most {@link #SLOTS}. */
    public int size() {
        return used;
    }

    /** True while every count is the remote's exact count: no remote was ever left out or forgotten. */
    public boolean isExact() {
        return exact;
    }

    /** The remotes held, most links first, each with its count. */
    public List<Remote> remotes() {
        List<Remote> out = new ArrayList<>(used);
        for (int i = 0; i < used; i++) {
            out.add(new Remote(ips[i], ports[i], counts[i]));
        }
        out.sort(Remote.MOST_FIRST);
        return out;
    }

    /** One remote endpoint and its links. */
    public record Remote(IpAddress ip, int port, long links) {
        /** Most links first; equal counts by address and port, so a window's list is always in the same order. */
        static final Comparator<Remote> MOST_FIRST = Comparator.comparingLong(Remote::links).reversed()
            .thenComparing(Remote::ip).thenComparingInt(Remote::port);

        /** {@code 10.1.0.7:445}, {@code [2001:db8::7]:443}. */
        public String endpoint() {
            return (ip.isIpv4() ? ip.toString() : "[" + ip + "]") + ":" + port;
        }
    }

    /**
     * The top {@code n} remotes over a window's minutes (their counts summed), in words:
     * {@code 10.1.0.7:445 (120 failed)}, or {@code (at least 120 failed)} when a minute of the
     * window left a remote out, most first. Nulls among the minutes are skipped.
     *
     * @param minutes the window's per-minute counts (a rule's {@code collectList})
     * @param unit    what was counted, in words, the same for one and many: {@code failed}
     */
    public static List<String> describe(Collection<? extends TopRemotes> minutes, int n, String unit) {
        return describe(minutes, n, unit, unit);
    }

    /** As {@link #describe(Collection, int, String)}, with the unit for one and for more: {@code link}, {@code links}. */
    public static List<String> describe(Collection<? extends TopRemotes> minutes, int n, String one, String many) {
        Map<Remote, Long> sums = new HashMap<>();
        boolean exact = true;
        for (TopRemotes m : minutes) {
            if (m == null) {
                continue;
            }
            exact &= m.exact;
            for (int i = 0; i < m.used; i++) {
                sums.merge(new Remote(m.ips[i], m.ports[i], 0), m.counts[i], Long::sum);
            }
        }
        List<Remote> merged = new ArrayList<>(sums.size());
        sums.forEach((r, links) -> merged.add(new Remote(r.ip(), r.port(), links)));
        merged.sort(Remote.MOST_FIRST);
        String bound = exact ? "" : "at least ";
        List<String> out = new ArrayList<>(Math.min(n, merged.size()));
        for (Remote r : merged.subList(0, Math.min(n, merged.size()))) {
            out.add(r.endpoint() + " (" + bound + r.links() + " " + (r.links() == 1 ? one : many) + ")");
        }
        return out;
    }
}

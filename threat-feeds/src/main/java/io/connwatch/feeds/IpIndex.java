package io.connwatch.feeds;

import io.connwatch.net.IpAddress;
import io.connwatch.net.IpPrefix;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable longest-prefix-match index over IPv4 and IPv6 indicators together.
 *
 * <p>Nested and overlapping prefixes are flattened at build time into disjoint address ranges,
 * each holding the winning indicator (most specific prefix; for equal prefixes the highest
 * severity, then confidence) and the set of feeds covering it. A lookup is one binary search
 * over sorted range starts: {@code int}s for IPv4, pairs of {@code long}s for IPv6. Indicators
 * are kept column-wise (no object per indicator) so a million cost tens of megabytes.
 * Build a new index and swap the reference to refresh: readers never see half an update.
 *
 * <p>IPv6 prefixes that reach into the IPv4-mapped range ({@code ::ffff:0:0/96}) match only IPv6
 * lookups; write IPv4 indicators as IPv4.
 */
public final class IpIndex {
    private static final int NONE = -1;
    private static final ThreatType[] TYPES = ThreatType.values();
    private static final TlpLevel[] TLPS = TlpLevel.values();

    // Ranges: start of each range, winning indicator (or NONE) and feed set.
    private final int[] v4Start;
    private final int[] v4Winner;
    private final int[] v4Feeds;
    private final long[] v6StartHi;
    private final long[] v6StartLo;
    private final int[] v6Winner;
    private final int[] v6Feeds;
    // For each value of an address's top 16 bits, the first range whose start has those bits or
    // more: a lookup binary-searches only its own bucket (a few entries, not two million).
    private final int[] v4Bucket;
    private final int[] v6Bucket;

    // Indicators, column-wise.
    private final int[] meta;        // severity 3 bits | confidence 7 | type 4 | tlp 3 | active 1 | length 8 | v4 1
    private final short[] feed;
    private final int[] firstSeen;   // unsigned epoch seconds, 0 = unknown
    private final int[] lastSeen;
    private final int[] validUntil;
    private final int[] text;        // index into texts: description, reference, port and tags together
    private final Text[] texts;
    private final String[] feedNames;
    private final long[] feedSets;   // bit i = feedNames[i]

    private record Text(String description, String reference, Integer port, List<String> tags) {
    }

    private IpIndex(Builder b) {
        v4Start = Arrays.copyOf(b.v4.starts, b.v4.size);
        v4Winner = Arrays.copyOf(b.v4.winners, b.v4.size);
        v4Feeds = Arrays.copyOf(b.v4.feeds, b.v4.size);
        v6StartHi = Arrays.copyOf(b.v6.startHi, b.v6.size);
        v6StartLo = Arrays.copyOf(b.v6.startLo, b.v6.size);
        v6Winner = Arrays.copyOf(b.v6.winners, b.v6.size);
        v6Feeds = Arrays.copyOf(b.v6.feeds, b.v6.size);
        v4Bucket = buckets(v4Start.length, i -> (v4Start[i] ^ Integer.MIN_VALUE) >>> 16);
        v6Bucket = buckets(v6StartHi.length, i -> (int) (v6StartHi[i] >>> 48));
        meta = b.meta;
        feed = b.feed;
        firstSeen = b.firstSeen;
        lastSeen = b.lastSeen;
        validUntil = b.validUntil;
        text = b.text;
        texts = b.texts.toArray(new Text[0]);
        feedNames = b.feedNames.toArray(new String[0]);
        feedSets = b.feedSetList.stream().mapToLong(Long::longValue).toArray();
    }

    private static int[] buckets(int n, java.util.function.IntUnaryOperator top16) {
        int[] bucket = new int[65537];
        int r = 0;
        for (int b = 0; b <= 65536; b++) {
            while (r < n && top16.applyAsInt(r) < b) {
                r++;
            }
            bucket[b] = r;
        }
        return bucket;
    }

    /** An index with nothing in it. */
    public static IpIndex empty() {
        return build(List.of());
    }

    /**
     * Builds an index. Indicators need not be sorted; at most 64 distinct feeds.
     *
     * @throws IllegalArgumentException when more than 64 feeds are given
     */
    public static IpIndex build(Collection<Indicator> indicators) {
        return new Builder(indicators).build();
    }

    /** Indicators held. */
    public int size() {
        return meta.length;
    }

    /** Disjoint ranges the prefixes were flattened into (IPv4 + IPv6). */
    public int ranges() {
        return v4Start.length + v6StartHi.length;
    }

    /** The names of the feeds in the index. */
    public List<String> feeds() {
        return List.of(feedNames);
    }

    /** True when some indicator covers the address. */
    public boolean contains(IpAddress ip) {
        return rangeWinner(ip) != NONE;
    }

    /** The match for an address, or null when no indicator covers it. */
    public ThreatMatch lookup(IpAddress ip) {
        int range;
        int winner;
        int feedSet;
        if (ip.isIpv4()) {
            range = floorV4((int) ip.low());
            if (range < 0 || (winner = v4Winner[range]) == NONE) {
                return null;
            }
            feedSet = v4Feeds[range];
        } else {
            range = floorV6(ip.high(), ip.low());
            if (range < 0 || (winner = v6Winner[range]) == NONE) {
                return null;
            }
            feedSet = v6Feeds[range];
        }
        return new ThreatMatch(indicator(winner, ip), feedsOf(feedSet));
    }

    private int rangeWinner(IpAddress ip) {
        if (ip.isIpv4()) {
            int r = floorV4((int) ip.low());
            return r < 0 ? NONE : v4Winner[r];
        }
        int r = floorV6(ip.high(), ip.low());
        return r < 0 ? NONE : v6Winner[r];
    }

    /** Index of the last range starting at or before the address, or -1. */
    private int floorV4(int address) {
        int key = address ^ Integer.MIN_VALUE; // unsigned order as signed
        int b = address >>> 16;
        int lo = v4Bucket[b];
        int hi = v4Bucket[b + 1] - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (v4Start[mid] <= key) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi;
    }

    private int floorV6(long aHi, long aLo) {
        int b = (int) (aHi >>> 48);
        int lo = v6Bucket[b];
        int hi = v6Bucket[b + 1] - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(v6StartHi[mid], aHi);
            if (c == 0) {
                c = Long.compareUnsigned(v6StartLo[mid], aLo);
            }
            if (c <= 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi;
    }

    private List<String> feedsOf(int set) {
        long bits = feedSets[set];
        List<String> out = new ArrayList<>(Long.bitCount(bits));
        while (bits != 0) {
            int i = Long.numberOfTrailingZeros(bits);
            out.add(feedNames[i]);
            bits &= bits - 1;
        }
        out.sort(null);
        return out;
    }

    private Indicator indicator(int i, IpAddress matched) {
        int m = meta[i];
        int length = m >>> 18 & 0xFF;
        int typeOrdinal = m >>> 10 & 0xF;
        int tlpOrdinal = m >>> 14 & 0x7;
        Text t = texts[text[i]];
        IpPrefix prefix = IpPrefix.of(matched, length);
        return new Indicator(prefix, TYPES[typeOrdinal], m & 0x7, m >>> 3 & 0x7F, TLPS[tlpOrdinal], t.description, t.reference,
            time(firstSeen[i]), time(lastSeen[i]), (m >>> 17 & 1) == 1, time(validUntil[i]), feedNames[feed[i]], t.port, t.tags);
    }

    private static Instant time(int unsignedSeconds) {
        return unsignedSeconds == 0 ? null : Instant.ofEpochSecond(Integer.toUnsignedLong(unsignedSeconds));
    }

    private static int seconds(Instant t) {
        if (t == null) {
            return 0;
        }
        long s = Math.max(1, Math.min(t.getEpochSecond(), 0xFFFF_FFFFL));
        return (int) s;
    }

    /** Growable parallel arrays of ranges for one family. */
    private static final class Ranges {
        int size;
        int[] starts = new int[16];
        long[] startHi = new long[16];
        long[] startLo = new long[16];
        int[] winners = new int[16];
        int[] feeds = new int[16];
        final boolean v4;

        Ranges(boolean v4) {
            this.v4 = v4;
        }

        void add(long hi, long lo, int winner, int feedSet) {
            if (size > 0 && sameStart(size - 1, hi, lo)) {
                size--; // a later boundary at the same address replaces the earlier one
            }
            if (size > 0 && winners[size - 1] == winner && feeds[size - 1] == feedSet) {
                return; // same as the range before: merge
            }
            if (size == winners.length) {
                int n = size * 2;
                if (v4) {
                    starts = Arrays.copyOf(starts, n);
                } else {
                    startHi = Arrays.copyOf(startHi, n);
                    startLo = Arrays.copyOf(startLo, n);
                }
                winners = Arrays.copyOf(winners, n);
                feeds = Arrays.copyOf(feeds, n);
            }
            if (v4) {
                starts[size] = (int) lo ^ Integer.MIN_VALUE;
            } else {
                startHi[size] = hi;
                startLo[size] = lo;
            }
            winners[size] = winner;
            feeds[size] = feedSet;
            size++;
        }

        private boolean sameStart(int i, long hi, long lo) {
            return v4 ? starts[i] == ((int) lo ^ Integer.MIN_VALUE) : startHi[i] == hi && startLo[i] == lo;
        }
    }

    private static final class Builder {
        final Ranges v4 = new Ranges(true);
        final Ranges v6 = new Ranges(false);
        final int[] meta;
        final short[] feed;
        final int[] firstSeen;
        final int[] lastSeen;
        final int[] validUntil;
        final int[] text;
        final List<Text> texts = new ArrayList<>();
        final Map<Text, Integer> textIds = new HashMap<>();
        final List<String> feedNames = new ArrayList<>();
        final Map<String, Integer> feedIds = new HashMap<>();
        final List<Long> feedSetList = new ArrayList<>();
        final Map<Long, Integer> feedSetIds = new HashMap<>();
        final IpPrefix[] prefixes;
        final int[] order;

        Builder(Collection<Indicator> indicators) {
            int n = indicators.size();
            meta = new int[n];
            feed = new short[n];
            firstSeen = new int[n];
            lastSeen = new int[n];
            validUntil = new int[n];
            text = new int[n];
            prefixes = new IpPrefix[n];
            int i = 0;
            for (Indicator ind : indicators) {
                Integer f = feedIds.get(ind.feed());
                if (f == null) {
                    if (feedNames.size() == 64) {
                        throw new IllegalArgumentException("an index holds at most 64 feeds");
                    }
                    f = feedNames.size();
                    feedIds.put(ind.feed(), f);
                    feedNames.add(ind.feed());
                }
                IpPrefix p = ind.prefix();
                prefixes[i] = p;
                meta[i] = ind.severity() | ind.confidence() << 3 | ind.threatType().ordinal() << 10 | ind.tlp().ordinal() << 14
                    | (ind.active() ? 1 : 0) << 17 | p.length() << 18 | (p.isIpv4() ? 1 : 0) << 26;
                feed[i] = (short) (int) f;
                firstSeen[i] = seconds(ind.firstSeen());
                lastSeen[i] = seconds(ind.lastSeen());
                validUntil[i] = seconds(ind.validUntil());
                Text t = new Text(ind.description(), ind.reference(), ind.port(), ind.tags());
                Integer id = textIds.get(t);
                if (id == null) {
                    id = texts.size();
                    texts.add(t);
                    textIds.put(t, id);
                }
                text[i] = id;
                i++;
            }
            order = sortedOrder();
        }

        /** Indicator positions sorted by prefix start, then wider first, then stronger first. */
        private int[] sortedOrder() {
            Integer[] boxed = new Integer[prefixes.length];
            for (int i = 0; i < boxed.length; i++) {
                boxed[i] = i;
            }
            Arrays.sort(boxed, (a, b) -> {
                int c = prefixes[a].compareTo(prefixes[b]);
                return c != 0 ? c : Integer.compare(strength(b), strength(a));
            });
            int[] out = new int[boxed.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = boxed[i];
            }
            return out;
        }

        private int strength(int i) {
            return (meta[i] & 0x7) << 8 | (meta[i] >>> 3 & 0x7F);
        }

        int feedSet(long bits) {
            Integer id = feedSetIds.get(bits);
            if (id == null) {
                id = feedSetList.size();
                feedSetList.add(bits);
                feedSetIds.put(bits, id);
            }
            return id;
        }

        IpIndex build() {
            int empty = feedSet(0L);
            sweep(true, empty);
            sweep(false, empty);
            return new IpIndex(this);
        }

        /** Flattens one family's prefixes, in sorted order, into disjoint ranges. */
        private void sweep(boolean family4, int empty) {
            Ranges out = family4 ? v4 : v6;
            // One stack frame per open (enclosing) prefix: its end, winner and cumulative feeds.
            long[] endHi = new long[130];
            long[] endLo = new long[130];
            int[] win = new int[130];
            long[] bits = new long[130];
            int depth = 0;
            int k = 0;
            while (k < order.length) {
                int first = order[k];
                IpPrefix p = prefixes[first];
                // All indicators with this same prefix: the first is the strongest; feeds are merged.
                long groupBits = 0;
                int j = k;
                while (j < order.length && prefixes[order[j]].equals(p)) {
                    groupBits |= 1L << feed[order[j]];
                    j++;
                }
                k = j;
                if (p.isIpv4() != family4) {
                    continue;
                }
                depth = close(depth, endHi, endLo, win, bits, out, empty, p.highStart(), p.lowStart());
                long cumulative = groupBits | (depth > 0 ? bits[depth - 1] : 0);
                endHi[depth] = p.highEnd();
                endLo[depth] = p.lowEnd();
                win[depth] = first;
                bits[depth] = cumulative;
                depth++;
                out.add(p.highStart(), p.lowStart(), first, feedSet(cumulative));
            }
            close(depth, endHi, endLo, win, bits, out, empty, -1, -1);
        }

        /**
         * Pops frames that end before (startHi, startLo), adding the range that begins after
         * each; (-1, -1) pops everything.
         */
        private int close(int depth, long[] endHi, long[] endLo, int[] win, long[] bits, Ranges out, int empty,
                          long startHi, long startLo) {
            boolean all = startHi == -1 && startLo == -1;
            while (depth > 0 && (all || IpPrefixOrder.before(endHi[depth - 1], endLo[depth - 1], startHi, startLo))) {
                long eHi = endHi[depth - 1];
                long eLo = endLo[depth - 1];
                depth--;
                boolean lastOfFamily = out.v4 ? (int) eLo == -1 : eHi == -1 && eLo == -1;
                if (!lastOfFamily) {
                    long nLo = eLo + 1;
                    long nHi = nLo == 0 ? eHi + 1 : eHi;
                    if (depth > 0) {
                        out.add(nHi, nLo, win[depth - 1], feedSet(bits[depth - 1]));
                    } else {
                        out.add(nHi, nLo, NONE, empty);
                    }
                }
            }
            return depth;
        }
    }

    /** Unsigned 128-bit comparison helpers. */
    private static final class IpPrefixOrder {
        static boolean before(long aHi, long aLo, long bHi, long bLo) {
            int c = Long.compareUnsigned(aHi, bHi);
            return c < 0 || c == 0 && Long.compareUnsigned(aLo, bLo) < 0;
        }
    }
}

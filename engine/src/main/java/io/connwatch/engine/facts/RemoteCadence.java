package io.connwatch.engine.facts;

import io.connwatch.net.IpAddress;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers, per machine + process + remote IP + remote port of outbound traffic, how often the
 * key was contacted: its contact minutes, their bytes, and a histogram of the intervals between
 * them in whole minutes. Each {@link RemoteMinute} gets an immutable {@link Cadence} of its key
 * when its minute closes, so a beaconing rule can judge regularity over hours while the rollups
 * themselves are kept only 90 minutes and raw rows not at all.
 *
 * <p><b>Bounds.</b> At most {@code maxKeys} keys; beyond that the key idle longest is dropped
 * ({@link #keysDropped}). A key is also dropped once idle for {@value #FORGET_AFTER_MINUTES}
 * minutes, and its run starts afresh when it comes back after more than
 * {@value #MAX_INTERVAL_MINUTES} minutes (a beacon slower than that is not tracked). A key costs
 * about 150 bytes plus one int per minute of its longest interval (at most
 * {@value #MAX_INTERVAL_MINUTES}). Not thread-safe: one per rule partition.
 */
public final class RemoteCadence {
    /** Intervals longer than this end a key's run. */
    public static final int MAX_INTERVAL_MINUTES = 60;
    static final int FORGET_AFTER_MINUTES = 6 * 60;
    private static final long MINUTE = 60_000L;

    /** The identity of a tracked key. */
    private record Key(String machine, String process, IpAddress remote, int port) {
    }

    private static final class Track {
        long first;
        long last;
        int contacts;
        long bytes;
        /** Counts of intervals by length in minutes (index 1..MAX); grown on demand. */
        int[] intervals = new int[2];
    }

    private final int maxKeys;
    private final LinkedHashMap<Key, Track> keys;
    private long keysDropped;

    public RemoteCadence(int maxKeys) {
        this.maxKeys = maxKeys;
        this.keys = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Track> eldest) {
                if (size() > RemoteCadence.this.maxKeys) {
                    keysDropped++;
                    return true;
                }
                return false;
            }
        };
    }

    /** Counts the closed minute {@code r} as a contact of its key and hands it the key's cadence so far. */
    void observe(RemoteMinute r) {
        if (maxKeys == 0) {
            return;
        }
        Key k = new Key(r.machine, r.process, r.remoteIp, r.remotePort);
        Track t = keys.get(k);
        if (t != null && r.timestamp <= t.last) {
            // a minute already counted (history read twice): keep what is known
            r.cadence = snapshot(t);
            return;
        }
        long gap = t == null ? Long.MAX_VALUE : (r.timestamp - t.last) / MINUTE;
        if (t == null || gap > MAX_INTERVAL_MINUTES) {
            if (t == null) {
                t = new Track();
                keys.put(k, t);
            } else {
                t.intervals = new int[2];
                t.bytes = 0;
                t.contacts = 0;
            }
            t.first = r.timestamp;
        } else {
            int g = (int) gap;
            if (g >= t.intervals.length) {
                t.intervals = Arrays.copyOf(t.intervals, g + 1);
            }
            t.intervals[g]++;
        }
        t.last = r.timestamp;
        t.contacts++;
        t.bytes += r.bytesSent + r.bytesReceived;
        r.cadence = snapshot(t);
    }

    private static Cadence snapshot(Track t) {
        // only a key with an interval of two minutes or more can look like a beacon: keep its histogram
        int[] histogram = t.intervals.length > 2 && t.contacts >= 3 ? t.intervals.clone() : null;
        return new Cadence(t.contacts, t.first, t.last, t.contacts == 0 ? 0 : t.bytes / t.contacts, histogram);
    }

    /** Forgets keys idle for longer than {@value #FORGET_AFTER_MINUTES} minutes before {@code watermark}. */
    void forget(long watermark) {
        long cutoff = watermark - FORGET_AFTER_MINUTES * MINUTE;
        for (Iterator<Track> it = keys.values().iterator(); it.hasNext(); ) {
            if (it.next().last < cutoff) {
                it.remove();
            }
        }
    }

    /** Keys tracked now. */
    public int keys() {
        return keys.size();
    }

    /** Keys dropped so far because more than the limit were tracked. */
    public long keysDropped() {
        return keysDropped;
    }

    /**
     * How one key was contacted up to and including a closed minute: contacts (minutes with
     * outbound rows to it), the first and latest of them in the current run, the mean bytes (sent
     * plus received) per contact, and the intervals between contacts.
     */
    public static final class Cadence {
        static final Cadence NONE = new Cadence(0, 0, 0, 0, null);

        private final int contacts;
        private final long first;
        private final long last;
        private final long meanBytes;
        private final int[] intervals;

        Cadence(int contacts, long first, long last, long meanBytes, int[] intervals) {
            this.contacts = contacts;
            this.first = first;
            this.last = last;
            this.meanBytes = meanBytes;
            this.intervals = intervals;
        }

        /** Minutes with outbound rows to the key in its current run (a gap over an hour starts a new run). */
        public int getContacts() {
            return contacts;
        }

        /** From the first contact of the run to the latest, in milliseconds. */
        public long getSpanMillis() {
            return last - first;
        }

        public long getFirstContact() {
            return first;
        }

        /** Mean of BytesSent + BytesReceived per contact minute. */
        public long getMeanBytesPerContact() {
            return meanBytes;
        }

        /**
         * The period in minutes: the mean of the intervals near the best candidate period between
         * {@code minPeriod} and {@code maxPeriod} (near: within {@code jitter} of it, at least one
         * minute either way); 0 when no interval is in that range.
         */
        public double period(double jitter, long minPeriod, long maxPeriod) {
            int[] b = best(jitter, minPeriod, maxPeriod);
            return b[1] == 0 ? 0.0 : b[2] / (double) b[1];
        }

        /**
         * The share of all intervals that fall near {@link #period}: 1.0 for a perfectly regular
         * key, small for one contacted at random. Intervals shorter than {@code minPeriod} never
         * count as near, so traffic every minute is never regular.
         */
        public double regularShare(double jitter, long minPeriod, long maxPeriod) {
            int total = contacts - 1;
            return total <= 0 ? 0.0 : best(jitter, minPeriod, maxPeriod)[1] / (double) total;
        }

        private int[] best(double jitter, long minPeriod, long maxPeriod) {
            int bestPeriod = 0;
            int bestCount = 0;
            int bestSum = 0;
            if (intervals == null) {
                return new int[] {0, 0, 0};
            }
            int lo = (int) Math.max(2, minPeriod);
            int hi = (int) Math.min(intervals.length - 1, Math.min(maxPeriod, MAX_INTERVAL_MINUTES));
            for (int p = lo; p <= hi; p++) {
                int tolerance = (int) Math.max(1, Math.round(jitter * p));
                int n = 0;
                int sum = 0;
                for (int i = Math.max(lo, p - tolerance); i <= Math.min(intervals.length - 1, p + tolerance); i++) {
                    n += intervals[i];
                    sum += i * intervals[i];
                }
                if (n > bestCount) {
                    bestCount = n;
                    bestPeriod = p;
                    bestSum = sum;
                }
            }
            return new int[] {bestPeriod, bestCount, bestSum};
        }

        @Override
        public String toString() {
            return "Cadence[contacts=" + contacts + ", spanMinutes=" + getSpanMillis() / MINUTE + ", meanBytes=" + meanBytes + "]";
        }
    }
}

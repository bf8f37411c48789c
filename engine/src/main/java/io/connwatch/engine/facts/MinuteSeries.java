package io.connwatch.engine.facts;

import java.util.Arrays;

/**
 * One key's connection minutes for the window sums, in time order, as parallel arrays of the
 * numbers the windows add up (time, failed and established links, bytes sent, the top failed
 * remotes) instead of the rollup objects: a machine with eight processes holds 90 minutes of nine
 * keys, and the objects, with their names and the counters no window reads, cost about three
 * times the arrays. The live minutes are {@code [head, end)}; expired ones leave from the front
 * (in time order they are exactly a prefix). Not thread-safe.
 */
final class MinuteSeries {
    private long[] time = new long[4];
    private long[] failed = new long[4];
    private long[] established = new long[4];
    private long[] bytesSent = new long[4];
    /** Null until a minute has failed links to name. */
    private TopRemotes[] failedRemotes;
    private int head;
    private int end;

    int size() {
        return end - head;
    }

    boolean isEmpty() {
        return head == end;
    }

    /** Drops the minutes whose retention ran out at {@code now}, then inserts {@code m} after the minutes of its time or earlier. */
    void add(ConnectionMinute m, long retentionMillis, long now) {
        expire(retentionMillis, now);
        if (end == time.length) {
            room();
        }
        int at = end;
        while (at > head && time[at - 1] > m.timestamp) {
            at--;
        }
        if (at < end) {
            int n = end - at;
            System.arraycopy(time, at, time, at + 1, n);
            System.arraycopy(failed, at, failed, at + 1, n);
            System.arraycopy(established, at, established, at + 1, n);
            System.arraycopy(bytesSent, at, bytesSent, at + 1, n);
            if (failedRemotes != null) {
                System.arraycopy(failedRemotes, at, failedRemotes, at + 1, n);
            }
        }
        time[at] = m.timestamp;
        failed[at] = m.linksFailed;
        established[at] = m.linksEstablished;
        bytesSent[at] = m.bytesSent;
        TopRemotes t = m.failedRemotes;
        if (t != null && failedRemotes == null) {
            failedRemotes = new TopRemotes[time.length];
        }
        if (failedRemotes != null) {
            failedRemotes[at] = t;
        }
        end++;
    }

    /** Forgets the minutes with {@code time + retention <= now}. */
    void expire(long retentionMillis, long now) {
        while (head < end && time[head] + retentionMillis <= now) {
            if (failedRemotes != null) {
                failedRemotes[head] = null;
            }
            head++;
        }
        if (head == end) {
            head = 0;
            end = 0;
        }
    }

    /** Room for one more at the end: the live minutes moved to the front when a quarter or more has left, else larger arrays. */
    private void room() {
        int n = end - head;
        if (head > 0 && head * 4 >= time.length) {
            System.arraycopy(time, head, time, 0, n);
            System.arraycopy(failed, head, failed, 0, n);
            System.arraycopy(established, head, established, 0, n);
            System.arraycopy(bytesSent, head, bytesSent, 0, n);
            if (failedRemotes != null) {
                System.arraycopy(failedRemotes, head, failedRemotes, 0, n);
                Arrays.fill(failedRemotes, n, end, null);
            }
            head = 0;
            end = n;
            return;
        }
        int capacity = time.length + Math.max(4, time.length >> 1);
        time = Arrays.copyOf(time, capacity);
        failed = Arrays.copyOf(failed, capacity);
        established = Arrays.copyOf(established, capacity);
        bytesSent = Arrays.copyOf(bytesSent, capacity);
        if (failedRemotes != null) {
            failedRemotes = Arrays.copyOf(failedRemotes, capacity);
        }
    }

    /** The minutes with {@code from < time <= to} still within retention at {@code now}, summed. */
    WindowSums sum(long from, long to, long retentionMillis, long now) {
        int lo = head;
        int hi = end;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (time[mid] > from) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        long f = 0;
        long e = 0;
        long b = 0;
        int n = 0;
        java.util.List<TopRemotes> tops = null;
        for (int i = lo; i < end && time[i] <= to; i++) {
            if (time[i] + retentionMillis > now) {
                f += failed[i];
                e += established[i];
                b += bytesSent[i];
                n++;
                if (failedRemotes != null && failedRemotes[i] != null) {
                    if (tops == null) {
                        tops = new java.util.ArrayList<>(4);
                    }
                    tops.add(failedRemotes[i]);
                }
            }
        }
        return n == 0 ? WindowSums.EMPTY : new WindowSums(f, e, b, n, tops == null ? java.util.List.of() : tops);
    }
}

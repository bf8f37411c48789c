package io.connwatch.engine.alert.episodes;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Lets the first alert of an episode through and holds back the rest: an episode is a run of
 * evidence for one fingerprint with no gap longer than {@code gap} in event time. A rule that
 * matches every minute of a beaconing process thus raises one alert, and again only after the
 * beaconing stopped for longer than the gap. Memory is one entry per live episode; entries are
 * dropped once the watermark is a gap, plus how long the facts that carry evidence may stay in a
 * session ({@link #holdFor}), past their last evidence: a rule may match such a fact again (its
 * window changed as other facts expired), and that match must still find its episode.
 * Not thread-safe: one per partition.
 */
public final class EpisodeDeduplicator {
    private final long gapMillis;
    private final Map<String, long[]> lastSeen = new HashMap<>();
    private long suppressed;
    private long holdMillis;

    public EpisodeDeduplicator(Duration gap) {
        this.gapMillis = gap.toMillis();
    }

    /**
     * Keeps episodes this much longer than a gap after their last evidence: the longest time a
     * fact stays in the session (its retention or {@code @expires}), during which a rule can fire
     * on it again with the same evidence.
     */
    public void holdFor(Duration factLifetime) {
        holdMillis = Math.max(0, factLifetime.toMillis());
    }

    /** Records evidence at {@code eventMillis}; true when it starts a new episode (the alert should go out). */
    public boolean admit(String fingerprint, long eventMillis) {
        long[] last = lastSeen.get(fingerprint);
        if (last != null && eventMillis <= last[1] + gapMillis && eventMillis >= last[0] - gapMillis) {
            last[0] = Math.min(last[0], eventMillis);
            last[1] = Math.max(last[1], eventMillis);
            suppressed++;
            return false;
        }
        lastSeen.put(fingerprint, new long[] {eventMillis, eventMillis});
        return true;
    }

    /**
     * Takes in an episode learned elsewhere (another instance, or this one before a restart):
     * afterwards evidence within a gap of {@code [first, last]} is a repeat.
     */
    public void merge(String fingerprint, long first, long last) {
        long[] known = lastSeen.get(fingerprint);
        if (known == null) {
            lastSeen.put(fingerprint, new long[] {first, last});
        } else {
            known[0] = Math.min(known[0], first);
            known[1] = Math.max(known[1], last);
        }
    }

    /** Forgets a fingerprint's episode (its alert was not stored: the next evidence must raise it again). */
    public void forget(String fingerprint) {
        lastSeen.remove(fingerprint);
    }

    /** The known episode of a fingerprint as {first, last} evidence millis, or null. */
    public long[] episode(String fingerprint) {
        long[] e = lastSeen.get(fingerprint);
        return e == null ? null : e.clone();
    }

    /** Forgets episodes whose last evidence is more than a gap and the hold before the watermark. */
    public void expire(long watermarkMillis) {
        long cutoff = watermarkMillis - gapMillis - holdMillis;
        for (Iterator<long[]> it = lastSeen.values().iterator(); it.hasNext(); ) {
            if (it.next()[1] < cutoff) {
                it.remove();
            }
        }
    }

    public int liveEpisodes() {
        return lastSeen.size();
    }

    public long suppressed() {
        return suppressed;
    }
}

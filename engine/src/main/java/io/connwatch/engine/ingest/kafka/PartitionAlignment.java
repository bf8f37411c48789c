package io.connwatch.engine.ingest.kafka;

import io.vertx.kafka.client.common.TopicPartition;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Keeps the partitions this instance owns within {@code max-skew} of each other in event time, so
 * that a backlog read from several partitions at different speeds does not push the watermark past
 * the slower ones' rows. Decoded records are parked per partition and released, in offset order,
 * only while they are at most max-skew newer than the slowest partition that still has records to
 * read; a partition with records left parked is to be paused in the consumer until the slowest
 * catches up. A partition that is sought to its start but has delivered nothing yet holds every
 * dated record back until its first records come, its end shows it has none, or
 * {@link #FIRST_RECORDS_WAIT} has passed: at the start of a backlog, the partitions fetched first
 * would otherwise run hours of event time ahead before the others' first fetch arrives, and those
 * others' rows would come too late for their windows. Max-skew 0 (or fewer than two partitions)
 * releases everything at once.
 *
 * <p>It is also where each owned partition stands: whether it is ready (sought to its start), the
 * next offset to hand over, its end offset. Not thread-safe: one context.
 *
 * @param <R> a decoded record
 */
final class PartitionAlignment<R extends PartitionAlignment.Timed> {
    /** What alignment needs to know of a decoded record. */
    interface Timed {
        /** Its offset in its partition. */
        long offset();

        /** The newest event time it carries; {@code Long.MIN_VALUE} when none (then it neither waits nor holds back). */
        long eventTime();
    }

    private static final class Owned<R> {
        boolean ready;
        /** The next offset to hand to the engine, once known. */
        long position = -1;
        /** The partition's end offset when last asked. */
        long end = -1;
        /** The newest event time handed to the engine from this partition. */
        long eventTime = Long.MIN_VALUE;
        /** Decoded records not yet handed to the engine, in offset order: the partition ran ahead. */
        final ArrayDeque<R> parked = new ArrayDeque<>();
        /** The consumer was told to pause this partition because records are parked. */
        boolean paused;
        /** When it became ready (System.nanoTime), for {@link #FIRST_RECORDS_WAIT}. */
        long readyAt;
        /** A record of it was parked since it became ready (with an event time or not). */
        boolean delivered;

        boolean caughtUp() {
            return end >= 0 && position >= end;
        }
    }

    /** How long a ready partition that has delivered nothing holds the others back at most (one whose records never come). */
    static final Duration FIRST_RECORDS_WAIT = Duration.ofSeconds(10);

    private final Duration maxSkew;
    private final LongSupplier nanoTime;
    private final Map<TopicPartition, Owned<R>> owned = new HashMap<>();

    PartitionAlignment(Duration maxSkew) {
        this(maxSkew, System::nanoTime);
    }

    PartitionAlignment(Duration maxSkew, LongSupplier nanoTime) {
        this.maxSkew = maxSkew;
        this.nanoTime = nanoTime;
    }

    /** Starts (again) with a partition: not ready, nothing parked, position unknown. */
    void assigned(TopicPartition tp) {
        owned.put(tp, new Owned<>());
    }

    void revoked(TopicPartition tp) {
        owned.remove(tp);
    }

    boolean owns(TopicPartition tp) {
        return owned.containsKey(tp);
    }

    /** The owned partitions, as of now. */
    Set<TopicPartition> partitions() {
        return Set.copyOf(owned.keySet());
    }

    /** The partition was sought to where it starts: its records may come in. */
    void ready(TopicPartition tp) {
        Owned<R> o = owned.get(tp);
        if (o != null) {
            o.ready = true;
            o.readyAt = nanoTime.getAsLong();
        }
    }

    /** Every owned partition was sought to where it starts. */
    void allReady() {
        long now = nanoTime.getAsLong();
        owned.values().forEach(o -> {
            o.ready = true;
            o.readyAt = now;
        });
    }

    /** True when records of the partition are to be parked; false when they are to be dropped (not owned, or not yet sought). */
    boolean accepts(TopicPartition tp) {
        Owned<R> o = owned.get(tp);
        return o != null && o.ready;
    }

    /** The consumer's position in the partition, taken as the next offset to hand over unless one is known already. */
    void learnedPosition(TopicPartition tp, long position) {
        Owned<R> o = owned.get(tp);
        if (o != null && o.position < 0) {
            o.position = position;
        }
    }

    /**
     * The consumer's position asked again while the partition had nothing parked: everything it
     * fetched before has been handed over, so the next offset to hand over is at least this one.
     * This moves past what is never handed over (transaction markers, records removed by
     * retention), which would otherwise keep the partition short of its end for good, holding
     * the others back as if it had records left. Ignored while records are parked (they say
     * where it stands).
     */
    void positionNow(TopicPartition tp, long position) {
        Owned<R> o = owned.get(tp);
        if (o != null && o.ready && o.parked.isEmpty() && position > o.position) {
            o.position = position;
        }
    }

    /** The ready partitions with nothing parked: those whose consumer position is worth asking again. */
    List<TopicPartition> readyWithNothingParked() {
        List<TopicPartition> out = new ArrayList<>();
        owned.forEach((tp, o) -> {
            if (o.ready && o.parked.isEmpty()) {
                out.add(tp);
            }
        });
        return out;
    }

    /**
     * Learns the partitions' end offsets, so that a partition with nothing left to read holds
     * nobody back.
     *
     * @return the records behind the ends, over the partitions whose position is known (the lag)
     */
    long ends(Map<TopicPartition, Long> ends) {
        long behind = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            Owned<R> o = owned.get(e.getKey());
            if (o != null) {
                o.end = e.getValue();
                if (o.position >= 0) {
                    behind += Math.max(0, o.end - o.position);
                }
            }
        }
        return behind;
    }

    /** Parks a decoded record of an accepted partition behind what is already parked there. */
    void park(TopicPartition tp, R record) {
        Owned<R> o = owned.get(tp);
        o.delivered = true;
        o.parked.addLast(record);
    }

    /**
     * Takes the parked records that may go to the engine now, in offset order per partition: as
     * long as any partition's next record is within the limit, it goes, and the limit is computed
     * again.
     */
    List<R> release() {
        List<R> out = new ArrayList<>();
        boolean moved = true;
        while (moved) {
            moved = false;
            long limit = limit();
            for (Owned<R> o : owned.values()) {
                while (!o.parked.isEmpty() && (o.parked.peekFirst().eventTime() <= limit
                    || o.parked.peekFirst().eventTime() == Long.MIN_VALUE)) {
                    R r = o.parked.pollFirst();
                    out.add(r);
                    o.eventTime = Math.max(o.eventTime, r.eventTime());
                    o.position = r.offset() + 1;
                    moved = true;
                }
            }
        }
        return out;
    }

    /** The partitions that have records parked and are not paused yet: to be paused now (and marked so). */
    List<TopicPartition> toPause() {
        List<TopicPartition> pause = new ArrayList<>();
        for (Map.Entry<TopicPartition, Owned<R>> e : owned.entrySet()) {
            Owned<R> o = e.getValue();
            if (!o.parked.isEmpty() && !o.paused) {
                o.paused = true;
                pause.add(e.getKey());
            }
        }
        return pause;
    }

    /** The partitions paused for alignment whose parked records are all gone: to be resumed now (and marked so). */
    List<TopicPartition> toResume() {
        List<TopicPartition> resume = new ArrayList<>();
        for (Map.Entry<TopicPartition, Owned<R>> e : owned.entrySet()) {
            Owned<R> o = e.getValue();
            if (o.paused && o.parked.isEmpty()) {
                o.paused = false;
                resume.add(e.getKey());
            }
        }
        return resume;
    }

    /** The partitions with nothing parked: those that may resume when backpressure ends. */
    Set<TopicPartition> withNothingParked() {
        Set<TopicPartition> go = new HashSet<>();
        owned.forEach((tp, o) -> {
            if (o.parked.isEmpty()) {
                go.add(tp);
            }
        });
        return go;
    }

    /** Forgets everything parked and handed, as before reading every partition again: none is ready. */
    void reset() {
        for (Owned<R> o : owned.values()) {
            o.ready = false;
            o.paused = false;
            o.parked.clear();
            o.eventTime = Long.MIN_VALUE;
            o.delivered = false;
            o.position = -1;
        }
    }

    /**
     * The newest event time a record may have to be handed over now: max-skew past the slowest
     * partition that still has records to read. A partition stands at its next parked record
     * that has an event time, or, with none parked, at the newest time it has handed; partitions
     * caught up with their end or not ready hold nobody back. One that is ready but has delivered
     * nothing yet (and is not known to be at its end) holds every dated record back, for at most
     * {@link #FIRST_RECORDS_WAIT}: {@code Long.MIN_VALUE}. Otherwise the slowest partition's next
     * record is always within the limit, so alignment never stops the consumer for long: a held
     * partition is not paused, and its first fetch ends the wait.
     */
    long limit() {
        if (maxSkew.isZero() || owned.size() < 2) {
            return Long.MAX_VALUE;
        }
        long low = Long.MAX_VALUE;
        long now = nanoTime.getAsLong();
        for (Owned<R> o : owned.values()) {
            long t = Long.MIN_VALUE;
            if (!o.parked.isEmpty()) {
                for (R r : o.parked) {
                    if (r.eventTime() != Long.MIN_VALUE) {
                        t = r.eventTime();
                        break;
                    }
                }
            } else if (o.ready && !o.caughtUp()) {
                if (o.eventTime != Long.MIN_VALUE) {
                    t = o.eventTime;
                } else if (!o.delivered && now - o.readyAt < FIRST_RECORDS_WAIT.toNanos()) {
                    return Long.MIN_VALUE; // delivered nothing yet: where it stands is not known
                }
            }
            if (t != Long.MIN_VALUE) {
                low = Math.min(low, t);
            }
        }
        return low == Long.MAX_VALUE ? Long.MAX_VALUE : low + maxSkew.toMillis();
    }
}

package io.connwatch.engine.ingest.kafka;

import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndTimestamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Where a newly assigned partition starts reading: {@code rewind} of record time before its
 * committed offset, so the window state of its machines is rebuilt from what was read before; the
 * records between that start and the committed offset are replays (their alerts are held back by
 * the episode log). A commit carries the timestamp of the last record it covers in its metadata
 * ({@code kts=<epoch millis>}), which is what the rewind counts back from. Not thread-safe.
 */
final class Rewind {
    private static final String TIMESTAMP = "kts=";

    private final Duration rewind;
    /** Per partition, the committed offset it was assigned at: records before it are replays. */
    private final Map<TopicPartition, Long> replayUntil = new HashMap<>();

    Rewind(Duration rewind) {
        this.rewind = rewind;
    }

    /** The metadata of a commit whose last record in the partition has this timestamp. */
    static String metadata(long recordTimestamp) {
        return TIMESTAMP + recordTimestamp;
    }

    /** The record timestamp a commit's metadata carries, or -1 when it carries none (or another tool wrote it). */
    static long timestampOf(String metadata) {
        if (metadata == null || !metadata.startsWith(TIMESTAMP)) {
            return -1;
        }
        try {
            return Long.parseLong(metadata.substring(TIMESTAMP.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The record time to look the start offset up by: the committed record's timestamp minus the
     * rewind. Empty when the rewind is zero or the commit carries no timestamp: start at the
     * committed offset itself.
     */
    OptionalLong lookupTime(String committedMetadata) {
        long kts = timestampOf(committedMetadata);
        if (rewind.isZero() || kts < 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(kts - rewind.toMillis());
    }

    /**
     * The offset to start at: the first record at or after the lookup time ({@code found}, null when
     * the partition has none), but never after the committed offset.
     */
    static long start(long committed, OffsetAndTimestamp found) {
        return found == null ? committed : Math.min(found.getOffset(), committed);
    }

    /** A partition (newly) assigned: nothing of it is a replay until its committed offset is known. */
    void assigned(TopicPartition tp) {
        replayUntil.remove(tp);
    }

    /** The partition was assigned at this committed offset: records before it are replays. */
    void committedAt(TopicPartition tp, long committed) {
        replayUntil.put(tp, committed);
    }

    void revoked(TopicPartition tp) {
        replayUntil.remove(tp);
    }

    /** True when the record at {@code offset} was judged before the partition was assigned here. */
    boolean replays(TopicPartition tp, long offset) {
        return offset < replayUntil.getOrDefault(tp, -1L);
    }
}

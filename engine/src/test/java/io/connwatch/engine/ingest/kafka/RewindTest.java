package io.connwatch.engine.ingest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndTimestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Where an assigned partition starts: the commit metadata, the time arithmetic, the start offset, what counts as a replay. */
class RewindTest {
    private static final long COMMITTED_RECORD = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
    private static final TopicPartition P0 = new TopicPartition("vm-connections", 0);

    @Test
    void theCommitMetadataCarriesTheLastRecordTimestampAndAnythingElseMeansNone() {
        assertEquals(1714557600000L, Rewind.timestampOf("kts=1714557600000"));
        assertEquals(-1, Rewind.timestampOf(null));
        assertEquals(-1, Rewind.timestampOf(""));
        assertEquals(-1, Rewind.timestampOf("kts=soon"));
        assertEquals(-1, Rewind.timestampOf("written by another tool"));
    }

    @Test
    void theMetadataWrittenIsTheMetadataRead() {
        assertEquals("kts=1714557600000", Rewind.metadata(1714557600000L));
        assertEquals(COMMITTED_RECORD, Rewind.timestampOf(Rewind.metadata(COMMITTED_RECORD)));
    }

    @Test
    void theStartIsLookedUpByTheCommittedRecordsTimeMinusTheRewind() {
        Rewind fifteen = new Rewind(Duration.ofMinutes(15));
        assertEquals(OptionalLong.of(Instant.parse("2024-05-01T09:45:00Z").toEpochMilli()),
            fifteen.lookupTime(Rewind.metadata(COMMITTED_RECORD)));
        assertEquals(OptionalLong.of(COMMITTED_RECORD - 1), new Rewind(Duration.ofMillis(1)).lookupTime(Rewind.metadata(COMMITTED_RECORD)));
    }

    @Test
    void noRewindOrNoTimestampInTheCommitStartsAtTheCommittedOffsetItself() {
        assertEquals(OptionalLong.empty(), new Rewind(Duration.ZERO).lookupTime(Rewind.metadata(COMMITTED_RECORD)));
        Rewind fifteen = new Rewind(Duration.ofMinutes(15));
        assertEquals(OptionalLong.empty(), fifteen.lookupTime(null), "committed by a group without metadata");
        assertEquals(OptionalLong.empty(), fifteen.lookupTime("written by another tool"));
        assertEquals(OptionalLong.empty(), fifteen.lookupTime(Rewind.metadata(-1)), "a record without a timestamp");
    }

    @Test
    void theStartIsTheOffsetFoundButNeverAfterTheCommittedOne() {
        assertEquals(120, Rewind.start(500, new OffsetAndTimestamp(120, COMMITTED_RECORD - 1)));
        assertEquals(500, Rewind.start(500, new OffsetAndTimestamp(500, COMMITTED_RECORD)));
        // the lookup time falls after the committed record's: never skip what was not judged
        assertEquals(500, Rewind.start(500, new OffsetAndTimestamp(640, COMMITTED_RECORD)));
        assertEquals(500, Rewind.start(500, null), "no record at or after the lookup time");
    }

    @Test
    void recordsBeforeTheOffsetCommittedAtAssignmentAreReplays() {
        Rewind rewind = new Rewind(Duration.ofMinutes(15));
        rewind.assigned(P0);
        assertFalse(rewind.replays(P0, 0), "its committed offset is not known yet");
        rewind.committedAt(P0, 500);
        assertTrue(rewind.replays(P0, 120));
        assertTrue(rewind.replays(P0, 499));
        assertFalse(rewind.replays(P0, 500));
        assertFalse(rewind.replays(new TopicPartition("vm-connections", 1), 120), "another partition");

        rewind.revoked(P0);
        assertFalse(rewind.replays(P0, 120));
        rewind.committedAt(P0, 500);
        rewind.assigned(P0);
        assertFalse(rewind.replays(P0, 120), "assigned again: the new committed offset is not known yet");
    }
}

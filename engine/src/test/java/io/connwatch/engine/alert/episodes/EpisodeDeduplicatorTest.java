package io.connwatch.engine.alert.episodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Episodes of evidence per fingerprint: forwards, backwards (evidence older than the episode's first), merged, expired. */
class EpisodeDeduplicatorTest {
    private static final String FP = "malicious-remote-ip-outbound|m-1";

    private static long at(String hourMinute) {
        return Instant.parse("2024-05-01T" + hourMinute + ":00Z").toEpochMilli();
    }

    @Test
    void evidenceWithinAGapAfterTheLastIsARepeat() {
        EpisodeDeduplicator d = new EpisodeDeduplicator(Duration.ofMinutes(30));
        assertTrue(d.admit(FP, at("10:00")));
        assertFalse(d.admit(FP, at("10:20")));
        assertFalse(d.admit(FP, at("10:50")), "a gap after the last evidence (10:20), not after the first");
        assertArrayEquals(new long[] {at("10:00"), at("10:50")}, d.episode(FP));
        assertTrue(d.admit(FP, at("11:21")), "more than a gap after 10:50: a new episode");
        assertArrayEquals(new long[] {at("11:21"), at("11:21")}, d.episode(FP));
        assertEquals(2, d.suppressed());
    }

    @Test
    void evidenceWithinAGapBeforeTheFirstIsARepeatAndMovesTheStartBack() {
        EpisodeDeduplicator d = new EpisodeDeduplicator(Duration.ofMinutes(30));
        d.admit(FP, at("10:00"));
        d.admit(FP, at("10:10"));
        assertFalse(d.admit(FP, at("09:40")), "a late row, 20 minutes before the episode's first");
        assertArrayEquals(new long[] {at("09:40"), at("10:10")}, d.episode(FP));
        assertFalse(d.admit(FP, at("09:10")), "exactly a gap before the (new) first");
        assertArrayEquals(new long[] {at("09:10"), at("10:10")}, d.episode(FP));
        assertEquals(3, d.suppressed());
    }

    /**
     * What the code does today: evidence more than a gap before the episode's first starts a new
     * episode and <em>replaces</em> the later one, so the later episode's next evidence is let
     * through again (a second notification for an episode already notified).
     */
    @Test
    void evidenceMoreThanAGapBeforeTheFirstStartsANewEpisodeThatReplacesTheLaterOne() {
        EpisodeDeduplicator d = new EpisodeDeduplicator(Duration.ofMinutes(30));
        d.admit(FP, at("10:00"));
        d.admit(FP, at("10:10"));
        assertTrue(d.admit(FP, at("09:09")), "31 minutes before the first: an episode of its own");
        assertArrayEquals(new long[] {at("09:09"), at("09:09")}, d.episode(FP), "the 10:00-10:10 episode is forgotten");
        assertEquals(1, d.liveEpisodes());
        assertTrue(d.admit(FP, at("10:15")), "evidence of the later episode goes out again");
        assertArrayEquals(new long[] {at("10:15"), at("10:15")}, d.episode(FP));
    }

    @Test
    void anEpisodeLearnedElsewhereMakesEvidenceAroundItARepeat() {
        EpisodeDeduplicator d = new EpisodeDeduplicator(Duration.ofMinutes(30));
        d.merge(FP, at("10:00"), at("10:10"));
        assertFalse(d.admit(FP, at("09:35")));
        assertFalse(d.admit(FP, at("10:35")));
        d.merge(FP, at("10:05"), at("11:00"));
        assertArrayEquals(new long[] {at("09:35"), at("11:00")}, d.episode(FP), "merging widens, never narrows");
        assertEquals(2, d.suppressed());
    }

    @Test
    void episodesAreForgottenOnceTheWatermarkIsAGapPastTheirLastEvidence() {
        EpisodeDeduplicator d = new EpisodeDeduplicator(Duration.ofMinutes(30));
        d.admit(FP, at("10:00"));
        d.admit("other", at("10:20"));
        d.expire(at("10:30"));
        assertEquals(2, d.liveEpisodes(), "10:00 is exactly a gap before the watermark");
        d.expire(at("10:31"));
        assertNull(d.episode(FP));
        assertEquals(1, d.liveEpisodes());
        assertTrue(d.admit(FP, at("10:00")), "forgotten: the same evidence is new again");
    }
}

package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** One alert per episode whatever the retention of rows: a row kept in the session must not raise its alert again. */
class EpisodeOnceTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private static Rows minute(int m, String machine, long bytes) {
        return Rows.connection(T0.plusSeconds(60L * m).toString(), machine).set("ProcessName", "pg_dump")
            .set("DestinationIp", "45.77.1.9").set("BytesSent", bytes);
    }

    @Test
    void exfiltrationIsPublishedOnceWhileItsRowIsKeptFortyMinutes() throws Exception {
        try (RuleHarness h = RuleHarness.of(RuleHarness.SHIPPED_RULES, 1,
            new EventRetention(Duration.ofMinutes(40), EventRetention.DEFAULT.rollups()))) {
            // an hour of ordinary traffic, one minute per batch as agents send it, on two machines
            for (int m = 0; m < 60; m++) {
                h.feed(minute(m, "m-1", 10_000), minute(m, "m-2", 10_000));
            }
            h.feed(minute(60, "m-1", 900_000_000), minute(60, "m-2", 10_000));
            // and two more hours after the spike: the spike's row stays 40 minutes, baseline minutes expire around it
            for (int m = 61; m < 180; m++) {
                h.feed(minute(m, "m-1", 10_000), minute(m, "m-2", 10_000));
            }
            h.drain();
            assertEquals(1, h.alerts("exfiltration-volume").size(), h.alerts("exfiltration-volume").toString());
        }
    }
}

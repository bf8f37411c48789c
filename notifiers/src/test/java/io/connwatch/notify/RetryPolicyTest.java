package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Backoff with jitter, never beyond {@code max}. */
class RetryPolicyTest {
    private static final RetryPolicy POLICY = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(20), 2, 0.2, 30);

    @Test
    void jitterNeverPushesADelayPastMax() {
        for (int attempt = 1; attempt <= 30; attempt++) {
            for (int i = 0; i < 200; i++) {
                long d = POLICY.delayMillis(attempt);
                assertTrue(d >= 1 && d <= 20_000, "attempt " + attempt + ": " + d);
            }
        }
    }

    @ParameterizedTest(name = "random {0}")
    @ValueSource(doubles = {0, 0.25, 0.5, 0.75, 0.999_999})
    void atTheCapTheDelayStaysWithinMaxAndStillSpreads(double random) {
        long d = POLICY.delayMillis(10, random);
        assertTrue(d >= 16_000 && d <= 20_000, String.valueOf(d));
        assertEquals(Math.round(16_000 + random * 4_000), d, "spread over [max * (1 - jitter), max]");
    }

    @Test
    void belowTheCapJitterSpreadsBothWays() {
        assertEquals(800, POLICY.delayMillis(1, 0));
        assertEquals(1_000, POLICY.delayMillis(1, 0.5));
        assertEquals(1_200, POLICY.delayMillis(1, 0.999_999));
        assertEquals(4_000, POLICY.delayMillis(3, 0.5));
        assertEquals(19_200, POLICY.delayMillis(5, 0.999_999));
        // 16 s +- 20% reaches past a max of 18 s: the upper part is cut off, the lower stays
        RetryPolicy max18 = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(18), 2, 0.2, 30);
        assertEquals(12_800, max18.delayMillis(5, 0));
        assertEquals(18_000, max18.delayMillis(5, 0.999_999));
    }
}

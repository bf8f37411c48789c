package io.connwatch.engine.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.net.IpAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The minute rollup remembers each machine it has counted (to tell a late row from the history of
 * a machine new here) only while the machine keeps sending: after a day of silence it is forgotten.
 */
class MinuteRollupTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final MinuteRollup.MinuteSink IGNORE = (end, facts) -> { };

    private static Connection row(String machine, Instant time) {
        Connection c = new Connection();
        c.timeGenerated = time;
        c.timestamp = time.toEpochMilli();
        c.machine = machine;
        c.computer = machine + ".contoso.com";
        c.process = "p-1";
        c.processName = "python3";
        c.direction = Direction.OUTBOUND;
        c.sourceIp = IpAddress.parse("10.0.0.5");
        c.destinationIp = IpAddress.parse("10.0.0.9");
        c.remoteIp = c.destinationIp;
        c.destinationPort = 443;
        c.linksEstablished = 1;
        return c;
    }

    /** m-2 sends at the top of the hour {@code hours} after T0, and the watermark moves 3 minutes past it. */
    private static void hourOfTraffic(MinuteRollup rollup, int hours) {
        Instant now = T0.plus(Duration.ofHours(hours));
        assertTrue(rollup.add(row("m-2", now)));
        rollup.release(now.plus(Duration.ofMinutes(3)).toEpochMilli(), IGNORE);
    }

    @Test
    void aMachineSilentForADayIsForgottenAndComesBackAsANewOne() {
        MinuteRollup rollup = new MinuteRollup();
        assertTrue(rollup.add(row("m-1", T0)));
        hourOfTraffic(rollup, 0);
        for (int h = 1; h <= 23; h++) {
            hourOfTraffic(rollup, h);
        }
        // Silent for 23 h: still remembered, so a row behind its watermark (further than the machine
        // lag behind the fleet) is late, not history.
        assertFalse(rollup.add(row("m-1", T0.plus(Duration.ofHours(22)))), "m-1 is still known after 23 h");
        assertFalse(rollup.add(row("m-2", T0.plus(Duration.ofHours(22)))));

        hourOfTraffic(rollup, 24);
        hourOfTraffic(rollup, 25);
        // Silent for more than 24 h: forgotten. Its next row behind the watermark is the history of a machine new here.
        assertTrue(rollup.add(row("m-1", T0.plus(Duration.ofHours(24)))), "m-1 was forgotten after a day of silence");
        assertFalse(rollup.add(row("m-2", T0.plus(Duration.ofHours(24)))), "m-2 kept sending: still known, the row is late");
        List<EventFact> history = new ArrayList<>();
        rollup.drainHistory(history::add, true);
        MachineMinute m1 = history.stream().filter(f -> f instanceof MachineMinute).map(f -> (MachineMinute) f)
            .filter(m -> m.getMachine().equals("m-1")).findFirst().orElseThrow();
        assertEquals(T0.plus(Duration.ofHours(24)).toEpochMilli(), m1.getTimestamp());
        assertFalse(m1.isCurrent(), "history never anchors a rule");
        assertEquals(1, rollup.historyRows());
        assertEquals(1, rollup.openMinutes(), "every released minute is let go; only m-2's newest waits for m-2's own watermark");
    }

    @Test
    void aMachineThatKeepsSendingIsNeverForgotten() {
        MinuteRollup rollup = new MinuteRollup();
        for (int h = 0; h <= 48; h++) {
            hourOfTraffic(rollup, h);
        }
        assertFalse(rollup.add(row("m-2", T0)), "two days on, m-2 is known: its oldest minute is late, not history");
        assertEquals(0, rollup.historyRows());
    }
}

package io.connwatch.engine.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.net.IpAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-remote rollup: one RemoteMinute per process + remote IP + port of outbound rows and
 * closed minute, capped per machine-minute with the drops counted, each carrying its key's contact
 * cadence, which tells a jittered beacon from traffic every minute and from random contacts while
 * the number of keys remembered stays bounded.
 */
class RemoteMinuteTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private static Connection row(Instant time, String process, String remote, int port, long bytes) {
        Connection c = new Connection();
        c.timeGenerated = time;
        c.timestamp = time.toEpochMilli();
        c.machine = "m-1";
        c.computer = "m-1.contoso.com";
        c.process = process;
        c.processName = process;
        c.direction = Direction.OUTBOUND;
        c.sourceIp = IpAddress.parse("10.0.0.5");
        c.destinationIp = IpAddress.parse(remote);
        c.remoteIp = c.destinationIp;
        c.destinationPort = port;
        c.linksEstablished = 1;
        c.bytesSent = bytes;
        return c;
    }

    private static List<RemoteMinute> released(MinuteRollup rollup, Instant watermark) {
        List<RemoteMinute> out = new ArrayList<>();
        rollup.release(watermark.toEpochMilli(), (end, facts) -> facts.forEach(f -> {
            if (f instanceof RemoteMinute r) {
                out.add(r);
            }
        }));
        return out;
    }

    @Test
    void sumsOutboundRowsPerProcessRemoteAndPortAndMarksOneLeadPerService() {
        MinuteRollup rollup = new MinuteRollup();
        rollup.add(row(T0, "wcry", "198.51.100.1", 445, 10));
        rollup.add(row(T0, "wcry", "198.51.100.1", 445, 5));
        rollup.add(row(T0, "wcry", "198.51.100.2", 445, 1));
        rollup.add(row(T0, "wcry", "10.0.0.9", 445, 1));
        rollup.add(row(T0, "curl", "198.51.100.1", 443, 1));
        Connection inbound = row(T0, "nginx", "198.51.100.3", 443, 1);
        inbound.direction = Direction.INBOUND;
        rollup.add(inbound);
        List<RemoteMinute> minute = released(rollup, T0.plus(Duration.ofMinutes(12)));
        assertEquals(4, minute.size(), "inbound rows have no remote minute: " + minute);
        RemoteMinute first = minute.stream().filter(r -> r.getRemoteIp().toString().equals("198.51.100.1") && r.getRemotePort() == 445)
            .findFirst().orElseThrow();
        assertEquals(2, first.getRows());
        assertEquals(15, first.getBytesSent());
        assertEquals("smb", first.getService());
        assertEquals(1, minute.stream().filter(RemoteMinute::isLeadOfService).count(), "one public SMB lead for wcry");
        assertTrue(minute.stream().filter(RemoteMinute::isLeadOfService).allMatch(r -> !r.getRemoteIp().isPrivate()));
        assertNull(minute.stream().filter(r -> r.getRemotePort() == 443).findFirst().orElseThrow().getService());
    }

    @Test
    void capsRemoteKeysPerMachineMinuteAndCountsTheRowsItDrops() {
        MinuteRollup rollup = new MinuteRollup(new MinuteRollup.Limits(120_000, 600_000, 100, 100, 3, 1000));
        for (int i = 1; i <= 5; i++) {
            rollup.add(row(T0, "masscan", "198.51.100." + i, 445, 1));
        }
        rollup.add(row(T0, "masscan", "198.51.100.5", 445, 1));
        List<RemoteMinute> minute = released(rollup, T0.plus(Duration.ofMinutes(12)));
        assertEquals(3, minute.size());
        assertEquals(3, rollup.remoteRowsDropped(), "rows of the 4th and 5th remote");
    }

    /** Feeds one key's contact minutes (offsets from T0), closes them all, and returns the cadence of the last. */
    private static RemoteCadence.Cadence contacts(MinuteRollup rollup, int[] minutes, long bytes) {
        for (int m : minutes) {
            assertTrue(rollup.add(row(T0.plus(Duration.ofMinutes(m)), "updater", "45.137.21.9", 8443, bytes)));
        }
        List<RemoteCadence.Cadence> seen = new ArrayList<>();
        rollup.releaseAll((end, facts) -> facts.forEach(f -> {
            if (f instanceof RemoteMinute r) {
                seen.add(r.getCadence());
            }
        }));
        assertEquals(minutes.length, seen.size());
        return seen.get(seen.size() - 1);
    }

    @Test
    void aJitteredBeaconIsRegularAndTrafficEveryMinuteOrAtRandomIsNot() {
        // every 5 min give or take one, one contact missed: 24 contacts over 2 h
        int[] beacon = {0, 5, 9, 15, 20, 26, 30, 35, 39, 45, 50, 55, 61, 65, 70, 75, 80, 84, 90, 95, 100, 105, 116, 120};
        RemoteCadence.Cadence c = contacts(new MinuteRollup(), beacon, 800);
        assertEquals(24, c.getContacts());
        assertEquals(Duration.ofMinutes(120).toMillis(), c.getSpanMillis());
        assertEquals(800, c.getMeanBytesPerContact());
        assertEquals(5, Math.round(c.period(0.25, 2, 30)));
        assertTrue(c.regularShare(0.25, 2, 30) >= 0.9, "22 of 23 intervals near 5 min: " + c.regularShare(0.25, 2, 30));

        int[] everyMinute = new int[120];
        for (int i = 0; i < everyMinute.length; i++) {
            everyMinute[i] = i;
        }
        RemoteCadence.Cadence agent = contacts(new MinuteRollup(), everyMinute, 800);
        assertEquals(0.0, agent.regularShare(0.25, 2, 30), "intervals under min-interval are never on time");

        int[] random = {0, 3, 4, 11, 12, 30, 31, 33, 47, 58, 59, 70, 88, 90, 91, 99, 117, 118, 130};
        RemoteCadence.Cadence noise = contacts(new MinuteRollup(), random, 800);
        assertTrue(noise.regularShare(0.25, 2, 30) < 0.5, "random contacts: " + noise.regularShare(0.25, 2, 30));
    }

    @Test
    void aGapOverAnHourStartsANewRun() {
        RemoteCadence.Cadence c = contacts(new MinuteRollup(), new int[] {0, 5, 10, 15, 100, 105}, 500);
        assertEquals(2, c.getContacts());
        assertEquals(Duration.ofMinutes(5).toMillis(), c.getSpanMillis());
    }

    @Test
    void remembersAtMostTheLimitOfKeysAndForgetsIdleOnes() {
        MinuteRollup rollup = new MinuteRollup(new MinuteRollup.Limits(120_000, 600_000, 100, 1000, 1000, 50));
        for (int i = 0; i < 80; i++) {
            rollup.add(row(T0, "curl", "198.51.100." + (i + 1), 443, 1));
        }
        released(rollup, T0.plus(Duration.ofMinutes(12)));
        assertEquals(50, rollup.cadence().keys());
        assertEquals(30, rollup.cadence().keysDropped());
        // seven hours later, another key: the idle ones are forgotten at the next hourly sweep
        Instant later = T0.plus(Duration.ofHours(7));
        rollup.add(row(later, "curl", "203.0.113.1", 443, 1));
        released(rollup, later.plus(Duration.ofMinutes(12)));
        assertEquals(1, rollup.cadence().keys());
    }
}

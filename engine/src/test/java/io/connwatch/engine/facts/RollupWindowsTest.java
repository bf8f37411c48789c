package io.connwatch.engine.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.net.IpAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The window sums the shipped window rules test instead of an {@code accumulate}: the bounds of
 * every range, retention (the rollups' {@code @expires}, {@code TIME_HARD}: gone once the clock
 * reaches timestamp + retention), history inserted behind newer minutes, machines evicted and a
 * retention changed by a reload. Equivalence with the accumulates they replaced on whole fleets is
 * checked by {@code scripts/detections.sh} and the rule fixtures.
 */
class RollupWindowsTest {
    private static final long MIN = 60_000L;
    private static final long T0 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
    private static final long RETENTION = 90 * MIN;

    private final AtomicLong clock = new AtomicLong(T0);
    private final RollupWindows windows = new RollupWindows(RETENTION, clock::get);

    private static MachineMinute machine(String machine, long minute, long failed, long established, long bytesSent) {
        MachineMinute m = new MachineMinute(machine, machine + ".contoso.com", T0 + minute * MIN);
        m.linksFailed = failed;
        m.linksEstablished = established;
        m.bytesSent = bytesSent;
        return m;
    }

    private static ProcessMinute process(String machine, String process, long minute, long failed) {
        ProcessMinute p = new ProcessMinute(machine, machine + ".contoso.com", process, "python3", T0 + minute * MIN);
        p.linksFailed = failed;
        return p;
    }

    private static FanOutMinute fanOut(String process, long minute, Set<IpAddress> remotes, Set<Integer> ports, long failed, long outbound) {
        return new FanOutMinute("m-1", "m-1.contoso.com", process, "nmap", T0 + minute * MIN, remotes, ports, failed, outbound, null);
    }

    /** Inserts minutes 0..n-1 of m-1, minute i with i failed links, the clock at the last minute's start. */
    private void minutes(int n) {
        for (int i = 0; i < n; i++) {
            clock.set(T0 + i * MIN);
            windows.add(machine("m-1", i, i, 1, 100));
        }
    }

    @Test
    void theWindowIsHalfOpenOnTheLeftAndEndsAtTheAnchorsMinute() {
        minutes(20);
        MachineMinute now = machine("m-1", 19, 0, 0, 0);
        WindowSums w = windows.machine(now, 5 * MIN);
        // (minute 14, minute 19]: minutes 15..19
        assertEquals(5, w.getMinutes());
        assertEquals(15 + 16 + 17 + 18 + 19, w.getFailed());
        assertEquals(5, w.getEstablished());
        assertEquals(500, w.getBytesSent());
        assertEquals(17.0, w.getFailedPerMinute());
        assertEquals(100.0, w.getMeanBytesSent());

        // the baseline before it: (minute 4, minute 14], minutes 5..14
        WindowSums before = windows.machineBefore(now, 5 * MIN, 10 * MIN);
        assertEquals(10, before.getMinutes());
        assertEquals(5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14, before.getFailed());

        // an anchor earlier than the newest minute does not see the minutes after it
        assertEquals(0 + 1 + 2 + 3, windows.machine(machine("m-1", 3, 0, 0, 0), 10 * MIN).getFailed());
    }

    @Test
    void aMinuteLeavesEveryWindowWhenTheClockReachesItsRetention() {
        minutes(3);
        MachineMinute now = machine("m-1", 2, 0, 0, 0);
        clock.set(T0 + RETENTION - 1);
        assertEquals(3, windows.machine(now, 60 * MIN).getMinutes(), "minute 0 is held until its retention runs out");
        clock.set(T0 + RETENTION);
        WindowSums w = windows.machine(now, 60 * MIN);
        assertEquals(2, w.getMinutes(), "minute 0 expired exactly when Drools drops it");
        assertEquals(1 + 2, w.getFailed());
        clock.set(T0 + 2 * MIN + RETENTION);
        assertSame(WindowSums.EMPTY, windows.machine(now, 60 * MIN));
    }

    @Test
    void historyInsertedBehindNewerMinutesCountsInItsPlace() {
        clock.set(T0 + 10 * MIN);
        windows.add(machine("m-1", 10, 1, 0, 0));
        windows.add(machine("m-1", 8, 100, 0, 0));
        windows.add(machine("m-1", 9, 10, 0, 0));
        assertEquals(111, windows.machine(machine("m-1", 10, 0, 0, 0), 3 * MIN).getFailed());
        assertEquals(100, windows.machine(machine("m-1", 8, 0, 0, 0), 3 * MIN).getFailed());
        // a minute already past its retention when it arrives never counts
        windows.add(machine("m-1", 10 - 90, 1000, 0, 0));
        assertEquals(0, windows.machineBefore(machine("m-1", 10, 0, 0, 0), 3 * MIN, 120 * MIN).getFailed());
    }

    @Test
    void keysAreApartAndAnEvictedMachineIsForgotten() {
        windows.add(machine("m-1", 0, 5, 0, 0));
        windows.add(machine("m-2", 0, 7, 0, 0));
        windows.add(process("m-1", "p-1", 0, 3));
        windows.add(process("m-1", "p-2", 0, 4));
        assertEquals(5, windows.machine(machine("m-1", 0, 0, 0, 0), MIN).getFailed());
        assertEquals(7, windows.machine(machine("m-2", 0, 0, 0, 0), MIN).getFailed());
        assertEquals(3, windows.process(process("m-1", "p-1", 0, 0), MIN).getFailed());
        assertEquals(4, windows.process(process("m-1", "p-2", 0, 0), MIN).getFailed());
        assertSame(WindowSums.EMPTY, windows.process(process("m-2", "p-1", 0, 0), MIN));
        assertEquals(4, windows.keys());

        windows.forget(Set.of("m-1"));
        assertSame(WindowSums.EMPTY, windows.machine(machine("m-1", 0, 0, 0, 0), MIN));
        assertSame(WindowSums.EMPTY, windows.process(process("m-1", "p-1", 0, 0), MIN));
        assertEquals(7, windows.machine(machine("m-2", 0, 0, 0, 0), MIN).getFailed());
        assertEquals(1, windows.keys());
    }

    @Test
    void aRowsBaselineEndsJustBeforeTheRowAndHasNoneWithoutAProcess() {
        for (int i = 0; i <= 10; i++) {
            windows.add(process("m-1", "p-1", i, 1L << i));
        }
        Connection row = new Connection();
        row.machine = "m-1";
        row.process = "p-1";
        row.timestamp = T0 + 10 * MIN;
        // [minute 5, minute 10): minutes 5..9, the row's own minute excluded, the first included
        WindowSums w = windows.processBaseline(row, 5 * MIN);
        assertEquals(5, w.getMinutes());
        assertEquals((1L << 5) + (1L << 6) + (1L << 7) + (1L << 8) + (1L << 9), w.getFailed());

        row.process = null;
        assertSame(WindowSums.EMPTY, windows.processBaseline(row, 5 * MIN));
    }

    @Test
    void fanOutCountsDistinctRemotesAndPortsAcrossMinutes() {
        IpAddress a = IpAddress.parse("10.0.0.1");
        IpAddress b = IpAddress.parse("10.0.0.2");
        IpAddress c = IpAddress.parse("10.0.0.3");
        windows.add(fanOut("p-1", 0, Set.of(a, b), Set.of(22, 80), 2, 3));
        windows.add(fanOut("p-1", 1, Set.of(b, c), Set.of(80, 443), 2, 2));
        windows.add(fanOut("p-2", 1, Set.of(c), Set.of(8080), 1, 1));
        FanOutWindow w = windows.fanOut(fanOut("p-1", 1, Set.of(), Set.of(), 0, 0), 2 * MIN);
        assertEquals(3, w.getDistinctRemotes());
        assertEquals(3, w.getDistinctPorts());
        assertEquals(4, w.getFailedRows());
        assertEquals(5, w.getOutboundRows());
        assertEquals(2, w.getMinutes());
        assertEquals(1, windows.fanOut(fanOut("p-1", 1, Set.of(), Set.of(), 0, 0), MIN).getMinutes());
    }

    @Test
    void aShorterRetentionFromAReloadAppliesToMinutesAlreadyHeld() {
        minutes(30);
        MachineMinute now = machine("m-1", 29, 0, 0, 0);
        assertEquals(30, windows.machine(now, 60 * MIN).getMinutes());
        windows.retention(10 * MIN);
        // clock at minute 29: minutes 20..29 have timestamp + 10 min > clock
        assertEquals(10, windows.machine(now, 60 * MIN).getMinutes());
        assertThrows(IllegalArgumentException.class, () -> windows.retention(0));
    }

    /**
     * The minutes as arrays (grown, compacted, shifted for history) sum the same as a plain list of
     * the rollups filtered by the same rule, over hours of minutes with history and failures mixed in.
     */
    @Test
    void theArraysSumWhatAPlainListOfTheRollupsWould() {
        java.util.Random random = new java.util.Random(7);
        List<MachineMinute> all = new ArrayList<>();
        TopRemotes top = new TopRemotes();
        top.add(IpAddress.parse("203.0.113.9"), 445, 3);
        for (int minute = 0; minute < 400; minute++) {
            clock.set(T0 + minute * MIN);
            int at = random.nextInt(10) == 0 ? minute - 1 - random.nextInt(100) : minute; // a tenth are history
            MachineMinute m = machine("m-1", at, random.nextInt(5), random.nextInt(3), random.nextInt(1000));
            if (random.nextInt(4) == 0) {
                m.failedRemotes = top;
            }
            windows.add(m);
            all.add(m);
            for (int q = 0; q < 5; q++) {
                long window = (1 + random.nextInt(120)) * MIN;
                MachineMinute anchor = machine("m-1", minute - random.nextInt(30), 0, 0, 0);
                WindowSums got = windows.machine(anchor, window);
                long failed = 0;
                long established = 0;
                long bytes = 0;
                int n = 0;
                int tops = 0;
                for (MachineMinute r : all) {
                    if (r.timestamp > anchor.timestamp - window && r.timestamp <= anchor.timestamp && r.timestamp + RETENTION > clock.get()) {
                        failed += r.linksFailed;
                        established += r.linksEstablished;
                        bytes += r.bytesSent;
                        n++;
                        tops += r.failedRemotes == null ? 0 : 1;
                    }
                }
                String at2 = "minute " + minute + ", window " + window / MIN + " min";
                assertEquals(n, got.getMinutes(), at2);
                assertEquals(failed, got.getFailed(), at2);
                assertEquals(established, got.getEstablished(), at2);
                assertEquals(bytes, got.getBytesSent(), at2);
                assertEquals(tops, got.getFailedRemotes().size(), at2);
            }
        }
        assertTrue(windows.rollups() <= 91 + 100, "expired minutes leave: " + windows.rollups());
    }

    @Test
    void theHourlySweepForgetsKeysWithNothingLeft() {
        windows.add(machine("m-1", 0, 1, 0, 0));
        windows.add(process("m-1", "p-1", 0, 1));
        assertEquals(2, windows.keys());
        clock.set(T0 + 3 * 60 * MIN);
        windows.add(machine("m-2", 180, 1, 0, 0));
        assertEquals(1, windows.keys(), "m-1 and its process expired and were swept");
    }
}

package io.connwatch.engine.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.net.IpAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The per-minute top remotes the rollups keep for window rules' evidence: exact for a minute with
 * few remotes, bounded for a minute with very many, and merged over a window in words.
 */
class TopRemotesTest {
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private static Connection row(Instant time, String process, String remote, int port, long established, long failed) {
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
        c.linksEstablished = established;
        c.linksFailed = failed;
        return c;
    }

    /** Every fact the rollup releases once the minute of {@code rows} closes. */
    private static List<EventFact> release(List<Connection> rows) {
        MinuteRollup rollup = new MinuteRollup();
        rows.forEach(rollup::add);
        List<EventFact> out = new ArrayList<>();
        rollup.releaseAll((end, facts) -> out.addAll(facts));
        return out;
    }

    private static <T> T only(List<EventFact> facts, Class<T> type) {
        List<T> found = facts.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), facts.toString());
        return found.get(0);
    }

    @Test
    void aMinuteWithFewRemotesCountsEachExactlyMostFailedFirst() {
        List<EventFact> facts = release(List.of(
            row(T0, "backup", "10.1.0.7", 445, 0, 120),
            row(T0.plusSeconds(5), "app", "10.1.0.8", 443, 10, 3),
            row(T0.plusSeconds(9), "app", "10.1.0.7", 445, 0, 4),   // the same remote from another process adds up per machine
            row(T0.plusSeconds(20), "app", "10.1.0.9", 443, 50, 0))); // no failed links: not a failing remote
        MachineMinute machine = only(facts, MachineMinute.class);
        assertTrue(machine.getFailedRemotes().isExact());
        assertEquals(List.of("10.1.0.7:445 (124 failed)", "10.1.0.8:443 (3 failed)"),
            TopRemotes.describe(List.of(machine.getFailedRemotes()), 5, "failed"));
        ProcessMinute app = facts.stream().filter(f -> f instanceof ProcessMinute p && p.getProcess().equals("app"))
            .map(ProcessMinute.class::cast).findFirst().orElseThrow();
        assertEquals(List.of("10.1.0.7:445 (4 failed)", "10.1.0.8:443 (3 failed)"),
            TopRemotes.describe(List.of(app.getFailedRemotes()), 5, "failed"));
    }

    @Test
    void aMinuteWithoutFailedLinksHasNoFailingRemotesAndKeepsNoCounter() {
        MachineMinute machine = only(release(List.of(row(T0, "app", "10.1.0.8", 443, 10, 0))), MachineMinute.class);
        assertSame(TopRemotes.NONE, machine.getFailedRemotes());
        assertEquals(List.of(), TopRemotes.describe(List.of(machine.getFailedRemotes()), 5, "failed"));
    }

    @Test
    void aMachineMinuteWithTenThousandRemotesStaysBoundedAndKeepsTheHeavyOne() {
        List<Connection> rows = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            if (i == 5_000) {
                rows.add(row(T0.plusSeconds(30), "scanner", "10.1.0.7", 445, 0, 120));
            }
            // 10,000 distinct private addresses on an administrative port, one failed link each
            rows.add(row(T0.plusMillis(i), "scanner", "10.2." + (i / 250) + "." + (i % 250 + 1), 445, 0, 1));
        }
        List<EventFact> facts = release(rows);
        MachineMinute machine = only(facts, MachineMinute.class);
        ProcessMinute process = only(facts, ProcessMinute.class);
        FanOutMinute fanOut = only(facts, FanOutMinute.class);
        AdminMinute admin = only(facts, AdminMinute.class);
        assertEquals(10_001, admin.getTargets().size(), "the distinct count is not what is bounded here");
        for (TopRemotes top : List.of(machine.getFailedRemotes(), process.getFailedRemotes(), fanOut.getFailedRemotes(),
                admin.getTopTargets())) {
            assertEquals(TopRemotes.SLOTS, top.size());
            assertTrue(slotArrays(top).stream().allMatch(length -> length == TopRemotes.SLOTS), "slots grew no further");
            assertFalse(top.isExact(), "remotes were left out");
            assertEquals(new TopRemotes.Remote(IpAddress.parse("10.1.0.7"), 445, 120), top.remotes().get(0));
        }
        List<String> described = TopRemotes.describe(List.of(machine.getFailedRemotes()), 5, "failed");
        assertEquals(5, described.size());
        assertEquals("10.1.0.7:445 (at least 120 failed)", described.get(0));
    }

    /** The lengths of the counter's three slot arrays, read by reflection so the test sees what is really held. */
    private static List<Integer> slotArrays(TopRemotes top) {
        return Arrays.stream(TopRemotes.class.getDeclaredFields()).filter(f -> f.getType().isArray()).map(f -> {
            f.setAccessible(true);
            try {
                return java.lang.reflect.Array.getLength(f.get(top));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void aWindowSumsItsMinutesAndNamesTheTopOnesInWords() {
        TopRemotes first = new TopRemotes();
        first.add(IpAddress.parse("10.1.0.8"), 443, 30);
        first.add(IpAddress.parse("10.1.0.7"), 445, 25);
        TopRemotes second = new TopRemotes();
        second.add(IpAddress.parse("10.1.0.7"), 445, 25);
        second.add(IpAddress.parse("2001:db8::7"), 443, 9);
        second.add(IpAddress.parse("10.1.0.6"), 22, 9);
        List<TopRemotes> window = new ArrayList<>(List.of(first, second, TopRemotes.NONE));
        window.add(null); // collectList keeps what the fact returned
        assertEquals(List.of("10.1.0.7:445 (50 failed)", "10.1.0.8:443 (30 failed)", "10.1.0.6:22 (9 failed)",
            "[2001:db8::7]:443 (9 failed)"), TopRemotes.describe(window, 5, "failed"));
        assertEquals(List.of("10.1.0.7:445 (50 links)", "10.1.0.8:443 (30 links)"), TopRemotes.describe(window, 2, "link", "links"));
        TopRemotes single = new TopRemotes();
        single.add(IpAddress.parse("10.1.0.6"), 22, 1);
        assertEquals(List.of("10.1.0.6:22 (1 link)"), TopRemotes.describe(List.of(single), 5, "link", "links"));
    }

    @Test
    void aFullCounterReplacesItsSmallestOnlyForMoreLinks() {
        TopRemotes top = new TopRemotes();
        for (int i = 1; i <= TopRemotes.SLOTS; i++) {
            top.add(IpAddress.parse("10.3.0." + i), 80, 10 + i);
        }
        assertTrue(top.isExact());
        top.add(IpAddress.parse("10.4.0.1"), 80, 5);   // fewer than the smallest: left out
        top.add(IpAddress.parse("10.4.0.2"), 80, 100); // more: takes the smallest's slot (10.3.0.1, 11)
        assertFalse(top.isExact());
        List<TopRemotes.Remote> held = top.remotes();
        assertEquals(TopRemotes.SLOTS, held.size());
        assertEquals(new TopRemotes.Remote(IpAddress.parse("10.4.0.2"), 80, 100), held.get(0));
        assertTrue(held.stream().noneMatch(r -> r.ip().equals(IpAddress.parse("10.3.0.1")) || r.ip().equals(IpAddress.parse("10.4.0.1"))));
    }
}

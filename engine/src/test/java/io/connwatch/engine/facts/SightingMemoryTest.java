package io.connwatch.engine.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.connwatch.net.IpAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The retro-matching memory keeps recent unjudged sightings only, and never more addresses than its cap. */
class SightingMemoryTest {
    private static final long WINDOW = Duration.ofHours(6).toMillis();

    private static Connection sighting(String remoteIp, String machine, String time) {
        Connection c = new Connection();
        c.timeGenerated = Instant.parse(time);
        c.timestamp = c.timeGenerated.toEpochMilli();
        c.machine = machine;
        c.computer = machine + ".contoso.com";
        c.process = "p-1";
        c.processName = "python3";
        c.direction = Direction.OUTBOUND;
        c.sourceIp = IpAddress.parse("10.0.0.5");
        c.destinationIp = IpAddress.parse(remoteIp);
        c.remoteIp = c.destinationIp;
        c.destinationPort = 443;
        c.linksEstablished = 1;
        return c;
    }

    private static long at(String time) {
        return Instant.parse(time).toEpochMilli();
    }

    /** What the memory returns for every address, as "remote machine time". */
    private static List<String> all(SightingMemory memory, String watermark) {
        return memory.matching(ip -> true, at(watermark)).stream()
            .map(c -> c.getRemoteIp() + " " + c.getMachine() + " " + c.getTimeGenerated())
            .sorted()
            .toList();
    }

    @Test
    void sightingsOlderThanTheWindowAreNotReturned() {
        SightingMemory memory = new SightingMemory(WINDOW, 100);
        // One address seen twice (the per-address cap keeps both), once too long ago and once recently.
        memory.remember(sighting("45.77.1.9", "m-1", "2024-05-01T02:00:00Z"));
        memory.remember(sighting("45.77.1.9", "m-2", "2024-05-01T09:00:00Z"));
        memory.remember(sighting("45.77.1.10", "m-3", "2024-05-01T03:59:00Z"));
        memory.remember(sighting("45.77.1.11", "m-4", "2024-05-01T04:00:00Z"));

        assertEquals(List.of("45.77.1.11 m-4 2024-05-01T04:00:00Z", "45.77.1.9 m-2 2024-05-01T09:00:00Z"),
            all(memory, "2024-05-01T10:00:00Z"), "the window reaches back 6 h from the watermark, its start included");
        assertEquals(List.of("45.77.1.10 m-3 2024-05-01T03:59:00Z", "45.77.1.11 m-4 2024-05-01T04:00:00Z",
            "45.77.1.9 m-1 2024-05-01T02:00:00Z", "45.77.1.9 m-2 2024-05-01T09:00:00Z"),
            all(memory, "2024-05-01T08:00:00Z"), "an earlier watermark still reaches them all");
    }

    @Test
    void addressesNotSeenWithinTheWindowAreForgottenAsTheWatermarkPasses() {
        SightingMemory memory = new SightingMemory(WINDOW, 100);
        memory.remember(sighting("45.77.1.9", "m-1", "2024-05-01T02:00:00Z"));
        memory.remember(sighting("45.77.1.9", "m-2", "2024-05-01T09:00:00Z"));
        memory.remember(sighting("45.77.1.10", "m-3", "2024-05-01T03:59:00Z"));
        memory.remember(sighting("45.77.1.11", "m-4", "2024-05-01T04:00:00Z"));
        assertEquals(3, memory.addresses());

        memory.expire(at("2024-05-01T10:00:00Z"));
        assertEquals(2, memory.addresses(), "45.77.1.10 was last seen more than 6 h before the watermark");
        // An address is forgotten by its latest sighting: 45.77.1.9 stays for its 09:00 sighting.
        assertEquals(List.of("45.77.1.11 m-4 2024-05-01T04:00:00Z", "45.77.1.9 m-1 2024-05-01T02:00:00Z",
            "45.77.1.9 m-2 2024-05-01T09:00:00Z"), all(memory, "2024-05-01T01:00:00Z"));

        memory.expire(at("2024-05-01T15:00:01Z"));
        assertEquals(0, memory.addresses(), "nothing seen within 6 h of 15:00:01");
        assertEquals(List.of(), all(memory, "2024-05-01T01:00:00Z"));
    }

    @Test
    void anAddressSeenAfterAnExpiryThatHadNothingToDropIsStillForgottenOnTime() {
        SightingMemory memory = new SightingMemory(WINDOW, 100);
        memory.remember(sighting("45.77.1.9", "m-1", "2024-05-01T09:00:00Z"));
        memory.expire(at("2024-05-01T10:00:00Z"));
        assertEquals(1, memory.addresses());
        // a late row, older than every address remembered so far
        memory.remember(sighting("45.77.1.10", "m-2", "2024-05-01T05:00:00Z"));
        memory.remember(sighting("45.77.1.9", "m-3", "2024-05-01T09:30:00Z"));
        memory.expire(at("2024-05-01T11:00:00Z"));
        assertEquals(2, memory.addresses(), "the window's start, 05:00, is included");
        memory.expire(at("2024-05-01T11:00:01Z"));
        assertEquals(1, memory.addresses(), "45.77.1.10 was last seen more than 6 h before 11:00:01");
        memory.expire(at("2024-05-01T15:10:00Z"));
        assertEquals(1, memory.addresses(), "45.77.1.9's latest sighting, 09:30, is within 6 h of 15:10");
        memory.expire(at("2024-05-01T15:30:01Z"));
        assertEquals(0, memory.addresses());
    }

    @Test
    void theAddressCapDropsTheLeastRecentlySeenAddress() {
        SightingMemory memory = new SightingMemory(WINDOW, 2);
        memory.remember(sighting("198.51.100.1", "m-1", "2024-05-01T09:00:00Z"));
        memory.remember(sighting("198.51.100.2", "m-1", "2024-05-01T09:01:00Z"));
        memory.remember(sighting("198.51.100.1", "m-2", "2024-05-01T09:02:00Z")); // .1 is now the more recently seen
        memory.remember(sighting("198.51.100.3", "m-1", "2024-05-01T09:03:00Z"));

        assertEquals(2, memory.addresses());
        assertEquals(List.of("198.51.100.1 m-1 2024-05-01T09:00:00Z", "198.51.100.1 m-2 2024-05-01T09:02:00Z",
            "198.51.100.3 m-1 2024-05-01T09:03:00Z"), all(memory, "2024-05-01T09:05:00Z"),
            ".2, seen least recently, went; not .1, the first one inserted");

        memory.remember(sighting("198.51.100.4", "m-1", "2024-05-01T09:04:00Z"));
        assertEquals(2, memory.addresses());
        assertEquals(List.of("198.51.100.3 m-1 2024-05-01T09:03:00Z", "198.51.100.4 m-1 2024-05-01T09:04:00Z"),
            all(memory, "2024-05-01T09:05:00Z"));
    }

    @Test
    void anAddressKeepsItsTwoNewestSightingsOnePerMachineProcessAndDirection() {
        SightingMemory memory = new SightingMemory(WINDOW, 100);
        memory.remember(sighting("45.77.1.9", "m-1", "2024-05-01T09:00:00Z"));
        memory.remember(sighting("45.77.1.9", "m-1", "2024-05-01T09:05:00Z"));
        memory.remember(sighting("45.77.1.9", "m-1", "2024-05-01T09:03:00Z")); // older than the one kept: ignored
        memory.remember(sighting("45.77.1.9", "m-2", "2024-05-01T09:01:00Z"));
        memory.remember(sighting("45.77.1.9", "m-3", "2024-05-01T09:02:00Z")); // replaces the oldest, m-2's
        assertEquals(List.of("45.77.1.9 m-1 2024-05-01T09:05:00Z", "45.77.1.9 m-3 2024-05-01T09:02:00Z"),
            all(memory, "2024-05-01T09:10:00Z"));
    }

    @Test
    void connectionsAVerdictOrAnAllowlistCoveredAreNotRemembered() {
        SightingMemory memory = new SightingMemory(WINDOW, 100);
        Connection flagged = sighting("192.9.135.73", "m-1", "2024-05-01T09:00:00Z");
        flagged.maliciousIp = flagged.remoteIp;
        flagged.severity = 5;
        Connection allowed = sighting("20.42.73.21", "m-1", "2024-05-01T09:00:00Z");
        allowed.enrich(null, true);
        memory.remember(flagged);
        memory.remember(allowed);
        assertEquals(0, memory.addresses());

        SightingMemory off = new SightingMemory(WINDOW, 0);
        off.remember(sighting("45.77.1.9", "m-1", "2024-05-01T09:00:00Z"));
        assertEquals(0, off.addresses(), "a cap of zero turns retro-matching off");
    }
}

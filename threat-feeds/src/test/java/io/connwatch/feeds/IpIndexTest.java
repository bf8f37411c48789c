package io.connwatch.feeds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.net.IpAddress;
import io.connwatch.net.IpPrefix;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class IpIndexTest {
    static Indicator ind(String cidr, int severity, int confidence, String feed) {
        return new Indicator(IpPrefix.parse(cidr), ThreatType.BOTNET, severity, confidence, TlpLevel.AMBER, "d " + cidr,
            "https://example.org/" + feed, Instant.parse("2024-01-01T00:00:00Z"), null, true, null, feed, null, List.of("t"));
    }

    @Test
    void theMostSpecificPrefixWinsAndEveryCoveringFeedIsProvenance() {
        IpIndex index = IpIndex.build(List.of(
            ind("10.0.0.0/8", 5, 90, "wide"),
            ind("10.1.0.0/16", 2, 50, "mid"),
            ind("10.1.2.3", 1, 10, "host"),
            ind("10.1.2.3/32", 3, 20, "host2")));
        ThreatMatch host = index.lookup(IpAddress.parse("10.1.2.3"));
        assertEquals("10.1.2.3/32", host.indicator().prefix().toString());
        assertEquals(3, host.indicator().severity(), "equal prefixes: the higher severity wins");
        assertEquals(List.of("host", "host2", "mid", "wide"), host.feeds());
        ThreatMatch mid = index.lookup(IpAddress.parse("10.1.2.4"));
        assertEquals("10.1.0.0/16", mid.indicator().prefix().toString());
        assertEquals(List.of("mid", "wide"), mid.feeds());
        ThreatMatch wide = index.lookup(IpAddress.parse("10.200.0.1"));
        assertEquals("10.0.0.0/8", wide.indicator().prefix().toString());
        assertEquals(List.of("wide"), wide.feeds());
        assertNull(index.lookup(IpAddress.parse("11.0.0.0")));
        assertNull(index.lookup(IpAddress.parse("9.255.255.255")));
    }

    @Test
    void keepsEveryIndicatorField() {
        Indicator in = new Indicator(IpPrefix.parse("2001:db8::/32"), ThreatType.C2, 4, 77, TlpLevel.RED, "desc", "https://r",
            Instant.parse("2024-02-03T04:05:06Z"), Instant.parse("2024-03-03T00:00:00Z"), false,
            Instant.parse("2025-01-01T00:00:00Z"), "misp", 443, List.of("tlp:red", "apt"));
        Indicator out = IpIndex.build(List.of(in)).lookup(IpAddress.parse("2001:db8:1::9")).indicator();
        assertEquals(in, out);
    }

    @Test
    void ipv4AndIpv6LiveSideBySideAndEdgesOfTheAddressSpaceWork() {
        IpIndex index = IpIndex.build(List.of(ind("0.0.0.0/1", 1, 1, "a"), ind("255.255.255.255", 2, 2, "b"),
            ind("::/1", 3, 3, "c"), ind("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 4, 4, "d")));
        assertEquals(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("::ffff:0:0/96"));
        assertEquals(IpPrefix.parse("10.0.0.0/8"), IpPrefix.parse("::ffff:10.0.0.0/104"));
        assertEquals(1, index.lookup(IpAddress.parse("0.0.0.0")).indicator().severity());
        assertEquals(1, index.lookup(IpAddress.parse("127.255.255.255")).indicator().severity());
        assertNull(index.lookup(IpAddress.parse("128.0.0.0")));
        assertEquals(2, index.lookup(IpAddress.parse("255.255.255.255")).indicator().severity());
        assertNull(index.lookup(IpAddress.parse("255.255.255.254")));
        assertEquals(3, index.lookup(IpAddress.parse("::")).indicator().severity());
        assertEquals(4, index.lookup(IpAddress.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).indicator().severity());
        assertNull(index.lookup(IpAddress.parse("8000::")));
        assertTrue(index.contains(IpAddress.parse("::1")));
        assertFalse(IpIndex.empty().contains(IpAddress.parse("1.2.3.4")));
    }

    @Test
    void agreesWithABruteForceSearchOnRandomOverlappingPrefixes() {
        Random r = new Random(11);
        List<Indicator> all = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            boolean v4 = r.nextInt(3) > 0;
            IpAddress base = v4 ? IpAddress.ofIpv4(r.nextInt() & 0x0F0F_FFFF) : IpAddress.ofIpv6(0x2001_0db8_0000_0000L | (r.nextLong() & 0xFFFF_FFFFL), r.nextLong());
            int len = v4 ? 8 + r.nextInt(25) : 32 + r.nextInt(97);
            all.add(new Indicator(IpPrefix.of(base, len), ThreatType.MALWARE, r.nextInt(6), r.nextInt(101), TlpLevel.GREEN,
                null, null, null, null, true, null, "f" + r.nextInt(5), null, List.of()));
        }
        IpIndex index = IpIndex.build(all);
        for (int i = 0; i < 20_000; i++) {
            IpAddress probe;
            if (i % 2 == 0) {
                Indicator pick = all.get(r.nextInt(all.size()));
                probe = pick.prefix().isIpv4()
                    ? IpAddress.ofIpv4((int) pick.prefix().lowStart() + (r.nextBoolean() ? 0 : r.nextInt(4)))
                    : IpAddress.ofIpv6(pick.prefix().highStart(), pick.prefix().lowStart() + r.nextInt(4));
            } else {
                probe = r.nextBoolean() ? IpAddress.ofIpv4(r.nextInt() & 0x0F0F_FFFF)
                    : IpAddress.ofIpv6(0x2001_0db8_0000_0000L | (r.nextLong() & 0xFFFF_FFFFL), r.nextLong());
            }
            Indicator expected = all.stream().filter(x -> x.prefix().contains(probe))
                .max(Comparator.<Indicator>comparingInt(x -> x.prefix().length128())
                    .thenComparingInt(Indicator::severity).thenComparingInt(Indicator::confidence)).orElse(null);
            ThreatMatch got = index.lookup(probe);
            if (expected == null) {
                assertNull(got, probe.toString());
            } else {
                assertNotNull(got, probe.toString());
                assertEquals(expected.prefix(), got.indicator().prefix(), probe.toString());
                assertEquals(expected.severity(), got.indicator().severity(), probe.toString());
                assertEquals(expected.confidence(), got.indicator().confidence(), probe.toString());
                TreeSet<String> feeds = new TreeSet<>();
                all.stream().filter(x -> x.prefix().contains(probe)).forEach(x -> feeds.add(x.feed()));
                assertEquals(List.copyOf(feeds), got.feeds(), probe.toString());
            }
        }
    }
}

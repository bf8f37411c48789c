package io.connwatch.feeds.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.feeds.Indicator;
import io.connwatch.feeds.ThreatType;
import io.connwatch.feeds.TlpLevel;
import io.connwatch.net.IpPrefix;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each format's corners, on small inputs written in the formats' own shapes. */
class FormatFixturesTest {
    private static FeedParse parse(String format, String text) throws IOException {
        return parse(format, text, Map.of());
    }

    private static FeedParse parse(String format, String text, Map<String, String> mapping) throws IOException {
        return FeedFormats.byName(format, mapping).parse("f", new StringReader(text), RealCorporaTest.DEFAULTS);
    }

    @Test
    void plainListsTakeCommentsCidrsAndExpandedIpv6AndReportBadLines() throws IOException {
        FeedParse p = parse("plain", """
            # FireHOL level1
            #
            1.2.3.4
            5.6.0.0/16   # trailing comment
            2001:0db8:0000:0000:0000:0000:0000:0001
            2001:db8:1::/48
            ; semicolon comment

            not-an-ip
            300.1.1.1
            """);
        assertEquals(List.of("1.2.3.4/32", "5.6.0.0/16", "2001:db8::1/128", "2001:db8:1::/48"),
            p.indicators().stream().map(i -> i.prefix().toString()).toList());
        assertEquals(List.of("f: line 9: not an IP address or CIDR: 'not-an-ip'", "f: line 10: not an IP address or CIDR: '300.1.1.1'"),
            p.problems().stream().map(FeedProblem::message).toList());
        assertEquals(ThreatType.MALWARE, p.indicators().get(0).threatType(), "the feed's default");
    }

    @Test
    void torExitAddressesTakeEachExitAddressWithItsTime() throws IOException {
        FeedParse p = parse("tor-exit-addresses", """
            ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E
            Published 2024-04-01 10:16:33
            LastStatus 2024-04-01 11:00:00
            ExitAddress 162.247.74.201 2024-04-01 11:04:08
            ExitNode 00E6E8A7C0B6B5D1E5C0A1B2C3D4E5F60718293A
            Published 2024-04-01 09:00:00
            LastStatus 2024-04-01 10:00:00
            ExitAddress 185.220.101.5 2024-04-01 10:12:41
            ExitAddress 2a0b:f4c2::5 2024-04-01 10:12:41
            ExitAddress 999.1.1.1 2024-04-01 10:12:41
            """);
        assertEquals(3, p.indicators().size());
        Indicator first = p.indicators().get(0);
        assertEquals("162.247.74.201/32", first.prefix().toString());
        assertEquals(Instant.parse("2024-04-01T11:04:08Z"), first.lastSeen());
        assertEquals("Tor exit node 0011BD2485AD45D984EC4159C88FC066E5E3300E", first.description());
        assertFalse(p.indicators().get(2).prefix().isIpv4());
        assertEquals("f: line 10: not an IP address: '999.1.1.1'", p.problems().get(0).message());
    }

    @Test
    void spamhausJsonLinesAndEdrop() throws IOException {
        FeedParse p = parse("spamhaus-drop", """
            {"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}
            {"cidr":"2001:db8::/32","sblid":"SBL1","rir":"ripencc"}
            {"type":"metadata","timestamp":1711000000,"size":2}
            garbage ; SBL2
            """);
        assertEquals(2, p.indicators().size());
        assertEquals(1, p.problems().size());
        assertEquals("line 4", p.problems().get(0).location());
    }

    @Test
    void mappedCsvReadsAnyColumnsAndReportsBadRows() throws IOException {
        FeedParse p = parse("csv", """
            # my vendor feed
            address,kind,sev,score,seen,note,tlp
            198.51.100.7,C2,5,90,2024-03-01 10:00:00,beacon,amber
            203.0.113.0/24,Botnet,4,70,2024-03-02,"spam, lots",GREEN
            198.51.100.8,C2,9,90,2024-03-01,,amber
            bad,C2,1,1,2024-03-01,,amber
            """, Map.of("ip", "address", "threat-type", "kind", "severity", "sev", "confidence", "score", "last-seen", "seen",
            "description", "note", "tlp", "tlp"));
        assertEquals(2, p.indicators().size());
        Indicator a = p.indicators().get(0);
        assertEquals(ThreatType.C2, a.threatType());
        assertEquals(5, a.severity());
        assertEquals(90, a.confidence());
        assertEquals(TlpLevel.AMBER, a.tlp());
        assertEquals("beacon", a.description());
        assertEquals(Instant.parse("2024-03-01T10:00:00Z"), a.lastSeen());
        assertEquals("spam, lots", p.indicators().get(1).description());
        assertEquals(List.of("f: line 5: 9 is outside 0..5", "f: line 6: address: not an IP address or CIDR: 'bad'"),
            p.problems().stream().map(FeedProblem::message).toList());
    }

    @Test
    void mappedCsvNeedsItsColumnsInTheHeader() {
        IOException e = assertThrows(IOException.class, () -> parse("csv", "a,b\n1.2.3.4,x\n", Map.of("ip", "address")));
        assertTrue(e.getMessage().contains("the header has no column 'address'"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> FeedFormats.byName("csv", Map.of("ipp", "x")));
        assertTrue(bad.getMessage().contains("unknown CSV mapping key 'ipp'"), bad.getMessage());
    }

    @Test
    void stixPatternsWithOrIssubsetIpv6RevokedAndValidUntil() throws IOException {
        FeedParse p = parse("stix21", """
            {"type":"bundle","id":"bundle--1","objects":[
             {"type":"indicator","id":"indicator--a","pattern_type":"stix","revoked":true,"valid_from":"2024-01-01T00:00:00Z",
              "valid_until":"2024-06-01T00:00:00Z","confidence":85,"indicator_types":["anonymization"],
              "object_marking_refs":["marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"],
              "pattern":"[ipv4-addr:value = '198.51.100.1' OR ipv6-addr:value = '2001:db8::/64'] OR [ipv4-addr:value ISSUBSET '203.0.113.0/24']"},
             {"type":"indicator","id":"indicator--b","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z",
              "pattern":"[ipv4-addr:value = '198.51.100.2' AND network-traffic:dst_port = 443]"},
             {"type":"indicator","id":"indicator--c","pattern_type":"sigma","pattern":"title: x","valid_from":"2024-01-01T00:00:00Z"},
             {"type":"indicator","id":"indicator--d","pattern_type":"stix","pattern":"[ipv4-addr:value = '1.2.3.999']","valid_from":"2024-01-01T00:00:00Z"},
             {"type":"indicator","id":"indicator--e","pattern_type":"stix","pattern":"[url:value = 'http://x']","valid_from":"2024-01-01T00:00:00Z"}
            ]}""");
        assertEquals(List.of("198.51.100.1/32", "2001:db8::/64", "203.0.113.0/24"),
            p.indicators().stream().map(i -> i.prefix().toString()).toList());
        Indicator a = p.indicators().get(0);
        assertFalse(a.active(), "revoked");
        assertEquals(Instant.parse("2024-06-01T00:00:00Z"), a.validUntil());
        assertEquals(85, a.confidence());
        assertEquals(TlpLevel.RED, a.tlp());
        assertEquals(ThreatType.PROXY, a.threatType());
        assertEquals(Map.of("pattern combining an address with other conditions", 1, "pattern_type sigma", 1, "url", 1), p.skipped());
        assertEquals("f: indicator--d: not an IP address or CIDR: '1.2.3.999'", p.problems().get(0).message());
    }

    @Test
    void mispCsvExport() throws IOException {
        FeedParse p = parse("misp-csv", """
            uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag,object_uuid,object_name,object_meta_category
            5a0d5cac-1,1,Network activity,ip-dst,98.101.211.162,C2,1,1510922092,,"tlp:amber,apt",,,
            5a0d5cac-2,1,Network activity,ip-src|port,10.1.1.1|8080,,1,1510922092,,,,,
            5a0d5cac-3,1,Network activity,ip-dst,98.101.211.163,,0,1510922092,,,,,
            5a0d5cac-4,1,Payload delivery,md5,e48fe20eb1f5a5887f2ac631fed9ed63,,1,1510922092,,,,,
            5a0d5cac-5,1,Network activity,ip-dst|port,98.101.211.164,,1,1510922092,,,,,
            """);
        assertEquals(2, p.indicators().size());
        Indicator c2 = p.indicators().get(0);
        assertEquals(ThreatType.C2, c2.threatType());
        assertEquals(TlpLevel.AMBER, c2.tlp());
        assertEquals(Instant.ofEpochSecond(1510922092), c2.lastSeen());
        assertEquals(8080, p.indicators().get(1).port());
        assertEquals(Map.of("ip-dst with to_ids false", 1, "md5", 1), p.skipped());
        assertEquals("f: line 6: ip-dst|port value without '|port': '98.101.211.164'", p.problems().get(0).message());
    }

    @Test
    void mispWarninglistOfAnotherTypeIsRefused() {
        IOException e = assertThrows(IOException.class,
            () -> parse("misp-warninglist", "{\"type\":\"hostname\",\"list\":[\"example.com\"]}"));
        assertTrue(e.getMessage().contains("warninglist type 'hostname' is not supported"), e.getMessage());
    }

    @Test
    void unknownFormatsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeedFormats.byName("openioc", Map.of()));
        assertTrue(e.getMessage().contains("expected one of plain, tor-exit-addresses"), e.getMessage());
    }

    @Test
    void prefixesWithHostBitsAreNormalized() throws IOException {
        assertEquals(IpPrefix.parse("10.0.0.0/8"), parse("plain", "10.1.2.3/8\n").indicators().get(0).prefix());
    }
}

package io.connwatch.engine.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.feeds.ThreatType;
import io.connwatch.feeds.TlpLevel;
import io.connwatch.net.IpAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordDecoderTest {
    private final List<MachineRecord> records = new ArrayList<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final RecordDecoder.Sink sink = new RecordDecoder.Sink() {
        @Override
        public void record(MachineRecord record) {
            records.add(record);
        }

        @Override
        public void rejected(Rejection rejection) {
            rejections.add(rejection);
        }
    };

    private static String resource(String name) throws IOException {
        try (InputStream in = RecordDecoderTest.class.getResourceAsStream("/records/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void decode(String text) {
        new RecordDecoder().decode("test", text, sink);
    }

    private static final String CONN = "{\"TimeGenerated\":\"2024-05-01T10:00:00Z\",\"Machine\":\"m-1\",\"Direction\":\"outbound\","
        + "\"SourceIp\":\"10.0.0.4\",\"DestinationIp\":\"8.8.8.8\",\"DestinationPort\":53}";
    private static final String PORT = "{\"Type\":\"VMBoundPort\",\"TimeGenerated\":\"2024-05-01T10:00:00Z\",\"Machine\":\"m-1\","
        + "\"Ip\":\"0.0.0.0\",\"Port\":22,\"IsWildcardBind\":false,\"ProcessName\":\"sshd\"}";

    /** A time beyond what epoch milliseconds hold once failed the whole body (HTTP 500) and stalled a Kafka consumer on re-reads. */
    @Test
    void aTimeGeneratedBeyondEpochMillisecondsIsRejectedAndTheNextRecordStillRead() {
        decode(CONN.replace("2024-05-01T10:00:00Z", "+300000000-01-01T00:00:00Z") + "\n"
            + CONN.replace("2024-05-01T10:00:00Z", "-300000000-01-01T00:00:00Z") + "\n" + CONN);
        assertEquals(1, records.size(), "the valid record after them is read");
        assertEquals(2, rejections.size(), rejections.toString());
        for (Rejection r : rejections) {
            assertEquals("TimeGenerated", r.field(), r.toString());
            assertTrue(r.reason().contains("+300000000-01-01T00:00:00Z") || r.reason().contains("-300000000-01-01T00:00:00Z"), r.reason());
        }
    }

    /** Minute arithmetic near the ends of a long would overflow: times outside 1970..9999 are rejected, those inside kept. */
    @Test
    void aTimeGeneratedOutsideThePlausibleRangeIsRejected() {
        decode(CONN.replace("2024-05-01T10:00:00Z", "+10000-01-01T00:00:00Z") + "\n"
            + CONN.replace("2024-05-01T10:00:00Z", "1969-12-31T23:59:59Z") + "\n"
            + CONN.replace("2024-05-01T10:00:00Z", "9999-12-31T23:59:00Z") + "\n" + CONN);
        assertEquals(2, records.size(), "9999-12-31 and the ordinary record are kept");
        assertEquals(2, rejections.size(), rejections.toString());
        assertTrue(rejections.get(0).reason().contains("outside the times this engine accepts"), rejections.get(0).reason());
    }

    @Test
    void readsEveryVmConnectionColumn() throws IOException {
        decode(resource("full-connection.json"));
        assertEquals(List.of(), rejections);
        Connection c = assertInstanceOf(Connection.class, records.get(0));
        assertEquals(Instant.parse("2019-03-27T10:05:00Z"), c.getTimeGenerated());
        assertEquals(Instant.parse("2019-03-27T10:05:00Z").toEpochMilli(), c.getTimestamp());
        assertEquals("web-01.contoso.com", c.getComputer());
        assertEquals("d1e0f1a2-b3c4-4d5e-8f90-a1b2c3d4e5f6", c.getAgentId());
        assertEquals("m-0fbd6b8b-2a4d-4c5e-9a7b-1c2d3e4f5a6b", c.getMachine());
        assertEquals("p-4f2b6c8d0e1a3b5c", c.getProcess());
        assertEquals("python3", c.getProcessName());
        assertEquals(IpAddress.parse("10.0.0.4"), c.getSourceIp());
        assertEquals(IpAddress.parse("192.9.135.73"), c.getDestinationIp());
        assertEquals(1194, c.getDestinationPort());
        assertEquals(Protocol.TCP, c.getProtocol());
        assertEquals(Direction.OUTBOUND, c.getDirection());
        assertEquals("c-1", c.getConnectionId());
        assertEquals(2, c.getLinksEstablished());
        assertEquals(1, c.getLinksTerminated());
        assertEquals(1, c.getLinksFailed());
        assertEquals(1, c.getLinksLive());
        assertEquals(1200, c.getBytesSent());
        assertEquals(3400, c.getBytesReceived());
        assertEquals(5, c.getResponses());
        assertEquals(40L, c.getResponseTimeMax());
        assertEquals(2L, c.getResponseTimeMin());
        assertEquals(55L, c.getResponseTimeSum());
        assertEquals(IpAddress.parse("192.9.135.73"), c.getRemoteIp());
        assertEquals("Netherlands", c.getRemoteCountry());
        assertEquals(52.37, c.getRemoteLatitude());
        assertEquals(4.89, c.getRemoteLongitude());
        assertEquals(List.of("c2.example.net"), c.getRemoteDnsCanonicalNames());
        assertEquals(List.of("c2.example.net", "cdn.example.net"), c.getRemoteDnsQuestions());
        assertEquals(IpAddress.parse("192.9.135.73"), c.getMaliciousIp());
        assertEquals(ThreatType.C2, c.getIndicatorThreatType());
        assertEquals("Pikabot C2", c.getDescription());
        assertEquals(TlpLevel.AMBER, c.getTlpLevel());
        assertEquals(85, c.getConfidence());
        assertEquals(5, c.getSeverity());
        assertEquals(Instant.parse("2024-02-08T19:20:49Z"), c.getFirstReportedDateTime());
        assertEquals(Instant.parse("2024-04-01T00:00:00Z"), c.getLastReportedDateTime());
        assertEquals(Boolean.TRUE, c.getIsActive());
        assertEquals("https://feodotracker.abuse.ch/", c.getReportReferenceLink());
        assertEquals("seen beaconing", c.getAdditionalInformation());
        assertEquals("192.9.135.73", c.toColumns().get("MaliciousIp"));
    }

    @Test
    void readsEveryVmBoundPortColumnAndTellsWildcards() {
        decode("{\"Type\":\"VMBoundPort\",\"TimeGenerated\":\"2024-05-01T10:00:00Z\",\"Computer\":\"a.contoso.com\",\"AgentId\":\"g\","
            + "\"Machine\":\"m-1\",\"Process\":\"p-1\",\"ProcessName\":\"redis-server\",\"Ip\":\"10.0.0.4\",\"Port\":6379,"
            + "\"Protocol\":\"tcp\",\"IsWildcardBind\":\"True\",\"PortId\":\"p-1|10.0.0.4|6379|tcp\",\"LinksEstablished\":1,"
            + "\"LinksTerminated\":2,\"LinksLive\":3,\"BytesSent\":4,\"BytesReceived\":5,\"Responses\":6,\"ResponseTimeMax\":7,"
            + "\"ResponseTimeMin\":1,\"ResponseTimeSum\":9}");
        assertEquals(List.of(), rejections);
        BoundPort b = assertInstanceOf(BoundPort.class, records.get(0));
        assertEquals(IpAddress.parse("10.0.0.4"), b.getIp());
        assertEquals(6379, b.getPort());
        assertTrue(b.isWildcardBind());
        assertTrue(b.isOpenOnAllInterfaces());
        assertEquals("p-1|10.0.0.4|6379|tcp", b.getPortId());
        assertEquals(3, b.getLinksLive());
        assertEquals(9L, b.getResponseTimeSum());
        assertEquals("a.contoso.com", b.getComputer());
    }

    @Test
    void jsonLinesWithBothTablesAndMalformedLinesKeepTheGoodOnes() {
        decode(CONN + "\n\n" + PORT + "\n{\"TimeGenerated\": oops}\n" + CONN.replace("\"8.8.8.8\"", "\"8.8.8.999\"") + "\n[1]\n" + CONN + "\n");
        assertEquals(3, records.size());
        assertInstanceOf(Connection.class, records.get(0));
        assertInstanceOf(BoundPort.class, records.get(1));
        assertEquals(3, rejections.size(), rejections.toString());
        assertEquals("test:line 4, column 19: malformed JSON: Unrecognized token 'oops': was expecting "
            + "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')", rejections.get(0).message());
        assertEquals("line 5", rejections.get(1).location());
        assertEquals("DestinationIp", rejections.get(1).field());
        assertEquals("not an IPv4 or IPv6 address: '8.8.8.999'", rejections.get(1).reason());
        assertEquals("line 6", rejections.get(2).location());
    }

    @Test
    void jsonArrayAsLogAnalyticsExportsIt() {
        decode("[\n  " + CONN + ",\n  " + PORT + ",\n  " + CONN.replace("outbound", "sideways") + "\n]");
        assertEquals(2, records.size());
        assertEquals(1, rejections.size());
        assertEquals("Direction", rejections.get(0).field());
        assertTrue(rejections.get(0).location().startsWith("line 4, column 3 (element 2)"), rejections.get(0).location());
    }

    @Test
    void azureDataExportEnvelopePrettyPrintedAndOnePerLine() {
        decode("{\n \"records\": [\n  " + CONN + ",\n  " + PORT + "\n ]\n}\n");
        assertEquals(2, records.size());
        records.clear();
        decode("{\"records\":[" + CONN + "," + PORT + "]}\n{\"records\":[" + CONN + ",{\"Type\":\"Heartbeat\"}]}\n");
        assertEquals(3, records.size());
        assertEquals(1, rejections.size());
        assertEquals("line 2 (records[1])", rejections.get(0).location());
        assertEquals("Type", rejections.get(0).field());
        assertTrue(rejections.get(0).reason().contains("unsupported table 'Heartbeat'"), rejections.get(0).reason());
    }

    @Test
    void aTruncatedDocumentKeepsWhatCameBeforeAndSaysWhere() {
        decode("[\n" + CONN + ",\n" + CONN + ",\n{\"Machine\": \"m-");
        assertEquals(2, records.size());
        assertEquals(1, rejections.size());
        assertEquals("test:line 4, column 16: malformed JSON: the line ends before the object is closed (truncated?)",
            rejections.get(0).message());
    }

    // A bad first line used to decide the shape of everything after it: JSON that did not parse
    // as a whole line made the input one broken document, anything not starting with { or [ made
    // it CSV. Each case is a file or body whose first line was cut or spoiled.
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "syntax error | {\"a\":1,,} | line 1, column 8 | malformed JSON: Unexpected character (',' (code 44)): was expecting double-quote to start field name",
        "NaN | {\"BytesSent\":NaN} | line 1, column 17 | malformed JSON: Non-standard token 'NaN'",
        "an unclosed array of numbers | [1, 2, 3 | line 1 | expected a JSON object, found a number",
        "a record cut at the end | {\"TimeGenerated\":\"2024-05-01T10:00:00Z\",\"Machine\": | line 1, column 51 | malformed JSON: the line ends before the object is closed (truncated?)",
        "a record cut at the front | 8.8.8\",\"DestinationPort\":53} | line 1 | not a JSON object, nor a CSV row: no CSV header row naming the columns came before it",
        "a brace alone | { | line 1, column 1 | malformed JSON: the object is not closed before line 2, which holds a record of its own"})
    void aBadFirstLineCostsOnlyItself(String name, String first, String location, String reason) {
        decode(first + "\n" + CONN + "\n" + PORT + "\n" + CONN + "\n");
        assertEquals(3, records.size(), name + ": " + rejections);
        assertInstanceOf(BoundPort.class, records.get(1));
        assertEquals(1, rejections.size(), rejections.toString());
        assertEquals(location, rejections.get(0).location(), name);
        assertTrue(rejections.get(0).reason().startsWith(reason), rejections.get(0).reason());
    }

    @Test
    void aBrokenArrayGoesOnLineByLine() {
        decode("[\n  " + CONN + ",\n  {\"Machine\":,},\n  " + PORT + ",\n  garbage,\n  " + CONN + "\n]\n");
        assertEquals(3, records.size(), rejections.toString());
        assertEquals(2, rejections.size(), rejections.toString());
        assertEquals("test:line 3, column 14: malformed JSON: Unexpected character (',' (code 44)): expected a valid value "
            + "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
            rejections.get(0).message());
        assertEquals("test:line 5: not a JSON object, nor a CSV row: no CSV header row naming the columns came before it",
            rejections.get(1).message());
    }

    private static String pretty(String compact, String indent) {
        return indent + compact.replace("{", "{\n" + indent + "  ").replace(",\"", ",\n" + indent + "  \"").replace("}", "\n" + indent + "}");
    }

    @Test
    void aBrokenRecordInAPrettyPrintedEnvelopeCostsOnlyItself() {
        String broken = pretty(CONN.replace("\"m-1\"", "\"m-1\",,"), "    ");
        decode("{\n  \"records\": [\n" + pretty(CONN, "    ") + ",\n" + broken + ",\n" + pretty(PORT, "    ") + "\n  ]\n}\n");
        assertEquals(2, records.size(), rejections.toString());
        assertInstanceOf(BoundPort.class, records.get(1));
        assertEquals(1, rejections.size(), rejections.toString());
        assertEquals("test:line 13, column 23: malformed JSON: Unexpected character (',' (code 44)): was expecting double-quote to start field name",
            rejections.get(0).message());
    }

    @Test
    void prettyPrintedRecordsWithAMissingCommaBetweenThemAreAllRead() {
        decode("[\n" + pretty(CONN, "  ") + "\n" + pretty(PORT, "  ") + ",\n" + pretty(CONN, "  ") + "\n]\n");
        assertEquals(List.of(), rejections);
        assertEquals(3, records.size());
    }

    @Test
    void aPrettyPrintedRecordNeverSwallowsALineHoldingAWholeRecord() {
        decode("{\n  \"TimeGenerated\": \"2024-05-01T10:00:00Z\",\n" + CONN + "\n" + PORT + "\n");
        assertEquals(2, records.size());
        assertEquals(1, rejections.size());
        assertEquals("test:line 1, column 1: malformed JSON: the object is not closed before line 3, which holds a record of its own",
            rejections.get(0).message());
    }

    @Test
    void aLineWithASyntaxErrorIsOneRejectionEvenWhenItHeldSeveralRecords() {
        decode("[" + CONN + "," + PORT + "," + CONN.replace("\"m-1\"", "\"m-1\" x") + "]\n" + PORT + "\n");
        assertEquals(1, records.size(), "only the next line's");
        assertInstanceOf(BoundPort.class, records.get(0));
        assertEquals(1, rejections.size(), rejections.toString());
        assertTrue(rejections.get(0).location().startsWith("line 1, column "), rejections.get(0).location());
    }

    @Test
    void aCsvFileCutAtTheFrontGoesOnFromItsHeaderAndAnUnclosedQuoteCostsOnlyItsRow() {
        decode("8.0.0.4,8.8.8.8,53\n"
            + "TimeGenerated,Machine,Direction,SourceIp,DestinationIp,DestinationPort,Description\n"
            + "2024-05-01T10:00:00Z,m-1,outbound,10.0.0.4,8.8.8.8,53,\"two\n"
            + "lines\"\n"
            + "2024-05-01T10:00:00Z,\"m-2,outbound,10.0.0.4,8.8.8.8,53\n"
            + "2024-05-01T10:00:00Z,m-3,outbound,10.0.0.4,8.8.8.8,53\n");
        assertEquals(List.of("m-1", "m-3"), records.stream().map(MachineRecord::getMachine).toList(), rejections.toString());
        assertEquals(2, rejections.size());
        assertEquals("test:line 1: not a JSON object, nor a CSV row: no CSV header row naming the columns came before it",
            rejections.get(0).message());
        assertEquals("test:line 5: malformed CSV: a quoted value is not closed, or text follows its closing quote",
            rejections.get(1).message());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "BytesSent | 9223372036854775807 | 1000000000000",
        "BytesReceived | 1000000000001 | 1000000000000",
        "LinksEstablished | 10000001 | 10000000",
        "LinksTerminated | 9223372036854775807 | 10000000",
        "LinksFailed | 10000001 | 10000000",
        "LinksLive | 10000001 | 10000000",
        "Responses | 1000000001 | 1000000000",
        "ResponseTimeMax | 1000000001 | 1000000000",
        "ResponseTimeMin | 1000000001 | 1000000000",
        "ResponseTimeSum | 1000000000000001 | 1000000000000000"})
    void countersBeyondWhatOneRowCanHoldAreRejectedAndTheLimitItselfIsNot(String column, String value, String max) {
        decode(CONN.replace("}", ",\"" + column + "\":" + value + "}") + "\n"
            + CONN.replace("}", ",\"" + column + "\":\"" + value + "\"}") + "\n"
            + CONN.replace("}", ",\"" + column + "\":" + max + "}"));
        assertEquals(2, rejections.size(), rejections.toString());
        for (Rejection r : rejections) {
            assertEquals(column, r.field());
            assertEquals(value + " is outside the plausible range 0.." + max + " for one row", r.reason());
        }
        assertEquals(1, records.size());
    }

    @Test
    void bytesThatAreNotUtf8AreRejectedNamingTheByteAndTheOtherLinesGoOn() {
        byte[] good = (CONN + "\n").getBytes(StandardCharsets.UTF_8);
        byte[][] bad = {
            {(byte) 0xff},                          // never UTF-8
            {(byte) 0xc3, (byte) 0x28},             // a lead byte without its continuation
            {(byte) 0xc0, (byte) 0xaf},             // an overlong '/'
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a UTF-16 surrogate
            {(byte) 0xe2, (byte) 0x82}};            // cut before its last byte
        for (byte[] b : bad) {
            records.clear();
            rejections.clear();
            String prefix = CONN.substring(0, CONN.indexOf("m-1") + 2);
            java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
            in.writeBytes(good);
            in.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
            in.writeBytes(b);
            in.writeBytes((CONN.substring(prefix.length()) + "\n").getBytes(StandardCharsets.UTF_8));
            in.writeBytes(good);
            new RecordDecoder().decode("test", in.toByteArray(), sink);
            assertEquals(2, records.size(), rejections.toString());
            assertEquals(List.of(new Rejection("test", "line 2", null, "invalid UTF-8 at byte " + (good.length + prefix.length()))),
                rejections);
        }
    }

    @Test
    void aLineLongerThanTheLimitIsRejectedUnreadAndTheNextLinesGoOn() throws IOException {
        String padded = CONN.replace("}", ",\"Padding\":\"" + "x".repeat(3000) + "\"}");
        byte[] input = (padded + "\n" + CONN + "\n").getBytes(StandardCharsets.UTF_8);
        new RecordDecoder(null, 2048).decode("test", new java.io.ByteArrayInputStream(input), sink);
        assertEquals(1, records.size());
        assertEquals(List.of(new Rejection("test", "line 1", null, "longer than 2048 bytes; skipped")), rejections);
    }

    @Test
    void csvExportFromThePortalWithItsTimeFormatAndQuotedJson() throws IOException {
        decode(resource("portal-export.csv"));
        assertEquals(2, records.size(), rejections.toString());
        Connection first = (Connection) records.get(0);
        assertEquals(Instant.parse("2019-03-27T10:00:00Z"), first.getTimeGenerated());
        assertEquals(Direction.INBOUND, first.getDirection());
        assertEquals(IpAddress.parse("10.0.0.9"), first.getRemoteIp());
        assertEquals(List.of("app-01.contoso.com"), first.getRemoteDnsQuestions());
        assertEquals(Instant.parse("2019-03-27T13:02:00Z"), records.get(1).getTimeGenerated());
        assertEquals(1, rejections.size());
        assertEquals("test:line 3: DestinationPort: not a whole number: 'not-a-port'", rejections.get(0).message());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing Machine | \"Machine\":\"m-1\", | | Machine | missing (required)",
        "bad time | \"2024-05-01T10:00:00Z\" | \"yesterday\" | TimeGenerated | not a date-time",
        "object for a value | \"DestinationPort\":53 | \"DestinationPort\":{\"a\":1} | DestinationPort | expected a single value, found an object",
        "port out of range | \"DestinationPort\":53 | \"DestinationPort\":70000 | DestinationPort | port 70000 is outside 0..65535",
        "negative count | \"DestinationPort\":53 | \"DestinationPort\":53,\"LinksFailed\":-1 | LinksFailed | negative count -1",
        "remote ip disagrees | \"DestinationPort\":53 | \"DestinationPort\":53,\"RemoteIp\":\"1.1.1.1\" | RemoteIp | but a outbound row's remote end is DestinationIp 8.8.8.8",
        "confidence range | \"DestinationPort\":53 | \"DestinationPort\":53,\"MaliciousIp\":\"8.8.8.8\",\"Confidence\":\"101\" | Confidence | 101 is outside 0..100",
        "threat type | \"DestinationPort\":53 | \"DestinationPort\":53,\"MaliciousIp\":\"8.8.8.8\",\"IndicatorThreatType\":\"Spam\" | IndicatorThreatType | unknown threat type 'Spam'"})
    void invalidRecordsAreRejectedNamingTheField(String name, String from, String to, String field, String reason) {
        decode(CONN.replace(from, to == null ? "" : to));
        assertEquals(0, records.size(), name);
        assertEquals(1, rejections.size(), name);
        assertEquals(field, rejections.get(0).field(), name);
        assertTrue(rejections.get(0).reason().contains(reason), rejections.get(0).reason());
        assertEquals("line 1", rejections.get(0).location());
    }

    @Test
    void aRecordThatNeitherSaysNorShowsItsTableIsRejected() {
        decode("{\"TimeGenerated\":\"2024-05-01T10:00:00Z\",\"Machine\":\"m-1\",\"SourceIp\":\"10.0.0.4\"}");
        assertEquals("test:line 1: Type: cannot tell the table: no Type column and neither Direction nor Port",
            rejections.get(0).message());
    }

    @Test
    void defaultsAndDerivedValues() {
        decode(CONN.replace("}", ",\"MaliciousIp\":\"8.8.8.8\"}") + "\n"
            + CONN.replace("\"outbound\"", "\"inbound\"").replace("\"DestinationPort\"", "\"LinksFailed\":\"0\",\"DestinationPort\""));
        assertEquals(List.of(), rejections);
        Connection flagged = (Connection) records.get(0);
        assertEquals(3, flagged.getSeverity(), "Azure's default severity");
        assertNull(flagged.getConfidence());
        assertTrue(flagged.isIndicatorActive(), "no IsActive column counts as active");
        Connection inbound = (Connection) records.get(1);
        assertEquals(IpAddress.parse("10.0.0.4"), inbound.getRemoteIp(), "RemoteIp is SourceIp for inbound rows");
        assertFalse(inbound.isMalicious());
        assertNull(inbound.getSeverity());
    }

    @Test
    void ipv6AddressesAndTimesWithOffsetsAreAccepted() {
        decode(CONN.replace("10.0.0.4", "2001:db8::4").replace("8.8.8.8", "2001:4860:4860::8888")
            .replace("2024-05-01T10:00:00Z", "2024-05-01T12:00:00+02:00"));
        assertEquals(List.of(), rejections);
        Connection c = (Connection) records.get(0);
        assertEquals("2001:4860:4860::8888", c.getRemoteIp().toString());
        assertEquals(Instant.parse("2024-05-01T10:00:00Z"), c.getTimeGenerated());
    }

    @Test
    void aDefaultTableAppliesToRecordsThatDoNotSay() {
        List<MachineRecord> got = new ArrayList<>();
        new RecordDecoder("VMBoundPort").decode("t", "{\"TimeGenerated\":\"2024-05-01T10:00:00Z\",\"Machine\":\"m-1\",\"Ip\":\"::\",\"Port\":\"22\"}",
            new RecordDecoder.Sink() {
                @Override
                public void record(MachineRecord record) {
                    got.add(record);
                }

                @Override
                public void rejected(Rejection rejection) {
                    throw new AssertionError(rejection.message());
                }
            });
        assertTrue(((BoundPort) got.get(0)).isOpenOnAllInterfaces());
    }
}

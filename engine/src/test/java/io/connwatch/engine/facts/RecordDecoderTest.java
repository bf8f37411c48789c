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
        assertTrue(rejections.get(0).location().startsWith("line 4"), rejections.get(0).toString());
        assertTrue(rejections.get(0).reason().contains("the rest of this document was skipped"), rejections.get(0).reason());
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

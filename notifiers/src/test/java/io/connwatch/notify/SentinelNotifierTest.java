package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.connwatch.alert.Notification;
import io.connwatch.notify.sentinel.SentinelConfig;
import io.connwatch.notify.sentinel.SentinelNotifier;
import io.connwatch.notify.standin.SentinelStandIn;
import io.connwatch.notify.standin.StandInHttp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sentinel delivery through the Logs Ingestion API, against loopback stand-ins of Entra ID's token endpoint and a DCE. */
class SentinelNotifierTest {
    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String CLIENT = "0a1b2c3d-aaaa-bbbb-cccc-000000000001";
    static final String SECRET = "Qx8~client.secret-never-shown";
    static final String DCR = "dcr-0123456789abcdef0123456789abcdef";
    static final String STREAM = "Custom-ConnwatchAlerts_CL";
    private SentinelStandIn azure;
    private final MutableClock clock = new MutableClock(Instant.parse("2024-04-01T08:20:00Z"));

    @BeforeEach
    void start() throws Exception {
        azure = new SentinelStandIn(TENANT, CLIENT, SECRET, DCR, STREAM);
    }

    @AfterEach
    void stop() {
        azure.close();
    }

    private SentinelNotifier sentinel(String extra) throws Exception {
        return new SentinelNotifier(config(extra, SECRET), clock);
    }

    private SentinelConfig config(String extra, String secret) throws Exception {
        List<String> problems = new ArrayList<>();
        ReceiverConfig c = Channels.read(new io.connwatch.config.Settings(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(
            "{name: siem, type: sentinel, endpoint: '" + azure.uri("") + "', dcr-immutable-id: " + DCR + ", stream: " + STREAM
                + ", tenant-id: " + TENANT + ", client-id: " + CLIENT + ", client-secret: '" + secret + "', authority-host: '"
                + azure.uri("") + "'" + (extra.isEmpty() ? "" : ", " + extra) + "}"), "r", problems));
        assertEquals(List.of(), problems);
        return (SentinelConfig) c;
    }

    @Test
    void theRowsAreTheGoldenOnes() throws Exception {
        assertEquals(SiemSamples.golden("sentinel-rows.json"), sentinel("").preview(SiemSamples.twoAlerts()).orElseThrow() + "\n");
    }

    @Test
    void rowsGoToTheStreamWithATokenFetchedOnceAndKeptUntilNearExpiry() throws Exception {
        SentinelNotifier s = sentinel("");
        s.deliver(SiemSamples.twoAlerts());
        s.deliver(SiemSamples.twoAlerts());
        assertEquals(1, azure.tokensIssued(), "the token is cached");
        List<StandInHttp.Call> token = azure.calls("/" + TENANT + "/oauth2/v2.0/token");
        assertEquals(1, token.size());
        assertTrue(token.get(0).text().contains("scope=https%3A%2F%2Fmonitor.azure.com%2F%2F.default"), token.get(0).text());
        assertTrue(token.get(0).text().startsWith("grant_type=client_credentials&"));
        List<StandInHttp.Call> ingest = azure.calls("/dataCollectionRules/");
        assertEquals(List.of(204, 204), ingest.stream().map(StandInHttp.Call::status).toList());
        assertEquals("/dataCollectionRules/" + DCR + "/streams/" + STREAM + "?api-version=2023-01-01", ingest.get(0).path());
        assertEquals("Bearer eyJ0eXAi.standin-1", ingest.get(0).header("Authorization"));
        assertEquals("application/json", ingest.get(0).header("Content-Type"));
        List<JsonNode> rows = azure.rows();
        assertEquals(List.of("firing", "resolved", "firing", "resolved"), rows.stream().map(r -> r.get("Status").asText()).toList());
        assertEquals("TA0011", rows.get(0).get("Tactic").asText());
        assertEquals("T1071", rows.get(0).get("Technique").asText());

        clock.advance(Duration.ofSeconds(3599 - 300 - 1));
        s.deliver(SiemSamples.twoAlerts());
        assertEquals(1, azure.tokensIssued(), "still more than five minutes to go");
        clock.advance(Duration.ofSeconds(2));
        s.deliver(SiemSamples.twoAlerts());
        assertEquals(2, azure.tokensIssued(), "refreshed five minutes before it expires");
    }

    @Test
    void aTokenTheApiRefusesIsReplacedAndTheRowsSentAgainOnce() throws Exception {
        SentinelNotifier s = sentinel("");
        s.deliver(SiemSamples.twoAlerts());
        azure.revokeTokens();
        s.deliver(SiemSamples.twoAlerts());
        assertEquals(2, azure.tokensIssued());
        assertEquals(List.of(204, 401, 204), azure.calls("/dataCollectionRules/").stream().map(StandInHttp.Call::status).toList());
        assertEquals(4, azure.rows().size());
    }

    @Test
    void gzippedBodiesAreDecodedByTheEndpoint() throws Exception {
        sentinel("gzip: true").deliver(SiemSamples.twoAlerts());
        StandInHttp.Call call = azure.calls("/dataCollectionRules/").get(0);
        assertEquals("gzip", call.header("Content-Encoding"));
        assertEquals(0x1f, call.body()[0] & 0xff, "a gzip stream");
        assertEquals(2, azure.rows().size());
    }

    @Test
    void aNotificationOverOneMegabyteIsSplitIntoCallsTheApiTakes() throws Exception {
        Notification n = SiemSamples.many(60, 40_000);
        sentinel("").deliver(n);
        List<StandInHttp.Call> calls = azure.calls("/dataCollectionRules/");
        assertTrue(calls.size() >= 3, calls.size() + " calls");
        calls.forEach(c -> assertTrue(c.status() == 204 && c.body().length <= 1_000_000, c.body().length + " bytes"));
        assertEquals(n.alerts().stream().map(a -> a.alert().id()).toList(), azure.rows().stream().map(r -> r.get("AlertId").asText())
            .toList());
    }

    @Test
    void rateLimitedOnceThenAcceptedWithoutSendingAcceptedBatchesAgain() throws Exception {
        SentinelNotifier s = sentinel("max-batch-bytes: 100000");
        Notification n = SiemSamples.many(10, 40_000);
        azure.rateLimitAfter(1, 1, 2);
        DeliveryException e = assertThrows(DeliveryException.class, () -> s.deliver(n));
        assertTrue(e.retryable());
        assertEquals(Duration.ofSeconds(2), e.retryAfter());
        assertEquals("siem: HTTP 429 TooManyRequests", e.getMessage());
        s.deliver(n);
        assertEquals(n.alerts().stream().map(a -> a.alert().id()).toList(), azure.rows().stream().map(r -> r.get("AlertId").asText())
            .toList(), "each row once");
    }

    @Test
    void aWrongSecretIsPermanentAndNeverShown() throws Exception {
        SentinelNotifier s = new SentinelNotifier(config("", "wrong-" + SECRET), clock);
        DeliveryException e = assertThrows(DeliveryException.class, () -> s.deliver(SiemSamples.twoAlerts()));
        assertFalse(e.retryable());
        assertEquals("siem: HTTP 401 token invalid_client", e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
        assertEquals(List.of(), azure.calls("/dataCollectionRules/"));
    }

    @Test
    void anUnknownRuleOrStreamIsPermanent() throws Exception {
        List<String> problems = new ArrayList<>();
        ReceiverConfig c = Channels.read(new io.connwatch.config.Settings(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(
            "{name: siem, type: sentinel, endpoint: '" + azure.uri("") + "', dcr-immutable-id: dcr-ffffffffffffffffffffffffffffffff, "
                + "stream: " + STREAM + ", tenant-id: " + TENANT + ", client-id: " + CLIENT + ", client-secret: '" + SECRET
                + "', authority-host: '" + azure.uri("") + "'}"), "r", problems));
        DeliveryException e = assertThrows(DeliveryException.class, () -> Channels.create(c, new Templates(null))
            .deliver(SiemSamples.twoAlerts()));
        assertFalse(e.retryable());
        assertEquals("siem: HTTP 404 NotFound", e.getMessage());
    }

    @Test
    void theConfigurationIsCheckedAndItsTextHidesTheSecret() throws Exception {
        List<String> problems = new ArrayList<>();
        assertNull(EmailNotifierTest.email("{name: s, type: sentinel, endpoint: 'ftp://x', dcr-immutable-id: '/subscriptions/1/dcr', "
            + "stream: ConnwatchAlerts_CL, tenant-id: t, client-id: c}", problems));
        assertEquals(List.of(
            "notify.receivers[mail].endpoint: must be an http or https URL",
            "notify.receivers[mail].dcr-immutable-id: expected dcr- and 32 hex digits (the rule's immutableId, not its resource id)",
            "notify.receivers[mail].stream: expected Custom-<Table>_CL (or a Microsoft- stream)",
            "notify.receivers[mail].client-secret: missing (or client-secret-file)"), problems);
        assertFalse(config("", SECRET).toString().contains(SECRET));
    }
}

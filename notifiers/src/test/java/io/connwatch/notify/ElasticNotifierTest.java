package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Severity;
import io.connwatch.notify.standin.ElasticBulkStandIn;
import io.connwatch.notify.standin.StandInHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Elasticsearch _bulk delivery against a loopback cluster that answers item by item as Elasticsearch does. */
class ElasticNotifierTest {
    static final String KEY_ID = "VuaCfGcBCdbkQm-e5aOx";
    static final String KEY = "ui2lp2axTNmsyakw9tvNnw";
    static final String STREAM = "logs-connwatch.alert-default";
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private ElasticBulkStandIn cluster(String authorization, int maxContentLength) throws Exception {
        ElasticBulkStandIn es = new ElasticBulkStandIn(authorization, maxContentLength, Set.of(STREAM));
        open.add(es);
        return es;
    }

    static String encodedKey() {
        return ElasticBulkStandIn.apiKey(KEY_ID, KEY).substring("ApiKey ".length());
    }

    static Notifier elastic(String url, String extra) throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email("{name: siem, type: elasticsearch, url: '" + url + "', index: " + STREAM
            + ", data-stream: true, api-key: '" + encodedKey() + "'" + (extra.isEmpty() ? "" : ", " + extra) + "}", problems);
        assertEquals(List.of(), problems);
        return n;
    }

    @Test
    void theBulkBodyIsTheGoldenOne() throws Exception {
        assertEquals(SiemSamples.golden("elastic-bulk.ndjson"), elastic("http://127.0.0.1:9", "").preview(SiemSamples.twoAlerts())
            .orElseThrow());
    }

    @Test
    void alertsBecomeEcsDocumentsCreatedInTheDataStreamWithAnApiKey() throws Exception {
        ElasticBulkStandIn es = cluster(ElasticBulkStandIn.apiKey(KEY_ID, KEY), 1 << 20);
        Notification n = SiemSamples.twoAlerts();
        elastic(es.uri("").toString(), "").deliver(n);
        StandInHttp.Call call = es.calls().get(0);
        assertEquals("/_bulk", call.path());
        assertEquals("application/x-ndjson", call.header("Content-Type"));
        Map<String, JsonNode> docs = es.documents(STREAM);
        assertEquals(List.of(n.id() + ":fp-s1", n.id() + ":fp-s2"), List.copyOf(docs.keySet()));
        JsonNode d = docs.get(n.id() + ":fp-s1");
        assertEquals("2024-04-01T08:20:00Z", d.get("@timestamp").asText());
        assertEquals("alert", d.at("/event/kind").asText());
        assertEquals(8, d.at("/event/severity").asInt());
        assertEquals("malicious-remote-ip-outbound", d.at("/rule/name").asText());
        assertEquals("app-001.contoso.com", d.at("/host/name").asText());
        assertEquals("10.1.0.4", d.at("/source/ip").asText());
        assertEquals("192.9.135.73", d.at("/destination/ip").asText());
        assertEquals(1194, d.at("/destination/port").asInt());
        assertEquals("python3", d.at("/process/name").asText());
        assertEquals("TA0011", d.at("/threat/tactic/id/0").asText());
        assertEquals("T1071", d.at("/threat/technique/id/0").asText());
        assertEquals("C2", d.at("/labels/threat_type").asText());
        JsonNode resolved = docs.get(n.id() + ":fp-s2");
        assertEquals("resolved", resolved.at("/event/action").asText());
        assertEquals("2024-04-01T08:18:00Z", resolved.at("/event/end").asText());
        assertTrue(resolved.at("/threat").isMissingNode(), "no ATT&CK ids: no threat fields");
    }

    @Test
    void anIndexTakesIndexActionsWithBasicAuth() throws Exception {
        ElasticBulkStandIn es = cluster("Basic Y29ubndhdGNoOnMzY3JldA==", 1 << 20);
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email("{name: siem, type: elasticsearch, url: '" + es.uri("") + "', index: connwatch-alerts, "
            + "username: connwatch, password: s3cret}", problems);
        assertEquals(List.of(), problems);
        n.deliver(SiemSamples.twoAlerts());
        n.deliver(SiemSamples.twoAlerts());
        assertTrue(es.calls().get(0).text().startsWith("{\"index\":{\"_index\":\"connwatch-alerts\""), es.calls().get(0).text());
        assertEquals(2, es.documents("connwatch-alerts").size(), "the same notification again overwrites, never duplicates");
    }

    @Test
    void itemsRefusedWith429AreRetriedAndWhatWasWrittenIsNotWrittenTwice() throws Exception {
        ElasticBulkStandIn es = cluster(ElasticBulkStandIn.apiKey(KEY_ID, KEY), 1 << 20);
        Notifier elastic = elastic(es.uri("").toString(), "");
        es.rejectItems(1);
        DeliveryException e = assertThrows(DeliveryException.class, () -> elastic.deliver(SiemSamples.twoAlerts()));
        assertTrue(e.retryable());
        assertEquals("siem: 1 of 2 documents to retry (es_rejected_execution_exception)", e.getMessage());
        assertEquals(1, es.documents(STREAM).size());
        elastic.deliver(SiemSamples.twoAlerts());
        assertEquals(2, es.documents(STREAM).size());
        JsonNode second = new com.fasterxml.jackson.databind.ObjectMapper().readTree(es.calls().get(1).text().split("\n")[0]);
        assertEquals("create", second.fieldNames().next(), "the retry creates again; the one already there answers 409");
    }

    @Test
    void aDocumentTheIndexRefusesIsADeadLetterWithTheReasonAndTheOthersAreWritten() throws Exception {
        ElasticBulkStandIn es = cluster(ElasticBulkStandIn.apiKey(KEY_ID, KEY), 1 << 20);
        Alert good = Samples.alert("ok", Severity.HIGH);
        Alert bad = new Alert("bad", "r", Severity.LOW, "fp-bad", good.evidenceTime(), good.detectedAt(), "h", "m", "p", "s", Map.of(),
            List.of(new Evidence("VMConnection", good.evidenceTime(), Map.of("DestinationIp", "not-an-ip"))));
        Notification n = Samples.notification("siem", good, bad);
        DeliveryException e = assertThrows(DeliveryException.class, () -> elastic(es.uri("").toString(), "").deliver(n));
        assertFalse(e.retryable());
        assertEquals("siem: 1 of 2 documents refused: HTTP 400 document_parsing_exception: failed to parse field [destination.ip] of "
            + "type [ip] in document with id '" + n.id() + ":fp-bad'. Preview of field's value: 'not-an-ip' (document " + n.id()
            + ":fp-bad)", e.getMessage());
        assertEquals(Set.of(n.id() + ":fp-ok"), es.documents(STREAM).keySet());
    }

    @Test
    void indexActionsIntoADataStreamArePermanentlyRefused() throws Exception {
        ElasticBulkStandIn es = cluster(ElasticBulkStandIn.apiKey(KEY_ID, KEY), 1 << 20);
        DeliveryException e = assertThrows(DeliveryException.class, () -> elastic(es.uri("").toString(), "data-stream: false")
            .deliver(SiemSamples.twoAlerts()));
        assertFalse(e.retryable());
        assertTrue(e.getMessage().contains("only write ops with an op_type of create are allowed in data streams"), e.getMessage());
    }

    @Test
    void aRequestRateLimitedOnceWaitsForRetryAfterThenGoesThrough() throws Exception {
        ElasticBulkStandIn es = cluster(ElasticBulkStandIn.apiKey(KEY_ID, KEY), 1 << 20);
        es.rateLimit(1, 3);
        Notifier elastic = elastic(es.uri("").toString(), "");
        DeliveryException e = assertThrows(DeliveryException.class, () -> elastic.deliver(SiemSamples.twoAlerts()));
        assertTrue(e.retryable());
        assertEquals(Duration.ofSeconds(3), e.retryAfter());
        assertEquals("siem: HTTP 429 es_rejected_execution_exception", e.getMessage());
        elastic.deliver(SiemSamples.twoAlerts());
        assertEquals(2, es.documents(STREAM).size());
    }

    @Test
    void requestsAreCutAtMaxBulkBytesAndALargerLimitThanTheClustersIsPermanent() throws Exception {
        ElasticBulkStandIn es = cluster(ElasticBulkStandIn.apiKey(KEY_ID, KEY), 16_384);
        Notification n = SiemSamples.many(30, 1000);
        elastic(es.uri("").toString(), "max-bulk-bytes: 16384").deliver(n);
        assertTrue(es.calls().size() > 2);
        es.calls().forEach(c -> assertTrue(c.body().length <= 16_384 && c.status() == 200));
        assertEquals(30, es.documents(STREAM).size());

        DeliveryException e = assertThrows(DeliveryException.class, () -> elastic(es.uri("").toString(), "")
            .deliver(SiemSamples.many(30, 1000)));
        assertFalse(e.retryable());
        assertEquals("siem: HTTP 413", e.getMessage());
    }

    @Test
    void aWrongKeyIsPermanentAndNoSecretIsShown() throws Exception {
        ElasticBulkStandIn es = cluster("ApiKey something-else", 1 << 20);
        DeliveryException e = assertThrows(DeliveryException.class, () -> elastic(es.uri("").toString(), "")
            .deliver(SiemSamples.twoAlerts()));
        assertFalse(e.retryable());
        assertEquals("siem: HTTP 401 security_exception", e.getMessage());
        assertFalse(e.getMessage().contains(encodedKey()));
    }

    @Test
    void theConfigurationIsCheckedAndItsTextHidesTheSecrets() throws Exception {
        List<String> problems = new ArrayList<>();
        assertNull(EmailNotifierTest.email("{name: e, type: elasticsearch, url: 'http://es:9200', index: 'Alerts*', api-key: k, "
            + "username: u, password: p}", problems));
        assertEquals(List.of(
            "notify.receivers[mail].index: not an index or data stream name (lower case, no spaces or \\ / * ? \" < > | , #)",
            "notify.receivers[mail].api-key: give api-key or username, not both"), problems);
        ReceiverConfig c = Channels.read(new io.connwatch.config.Settings(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
            "{\"name\":\"e\",\"type\":\"elasticsearch\",\"url\":\"https://es:9200\",\"index\":\"a\",\"api-key\":\"" + encodedKey()
                + "\"}"), "r", problems));
        assertFalse(c.toString().contains(encodedKey()), c.toString());
    }
}

package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Severity;
import io.connwatch.notify.standin.SplunkHecStandIn;
import io.connwatch.notify.standin.StandInHttp;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Splunk HEC delivery against a loopback collector that implements HEC's contract. */
class SplunkNotifierTest {
    static final String TOKEN = "5f1b2c3d-hec-token-0042";
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private SplunkHecStandIn hec(int maxContentLength, boolean ack) throws Exception {
        SplunkHecStandIn s = new SplunkHecStandIn(TOKEN, maxContentLength, ack);
        open.add(s);
        return s;
    }

    static Notifier splunk(String url, String extra) throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email("{name: siem, type: splunk, url: '" + url + "', token: " + TOKEN + ", index: security"
            + (extra.isEmpty() ? "" : ", " + extra) + "}", problems);
        assertEquals(List.of(), problems);
        return n;
    }

    @Test
    void theEventsAreTheGoldenOnes() throws Exception {
        Notifier n = splunk("http://127.0.0.1:9", "");
        assertEquals(SiemSamples.golden("splunk-events.txt"), n.preview(SiemSamples.twoAlerts()).orElseThrow() + "\n");
    }

    @Test
    void oneRequestCarriesAnEventPerAlertFiringAndResolvedWithTheToken() throws Exception {
        SplunkHecStandIn hec = hec(1 << 20, false);
        splunk(hec.uri("").toString(), "").deliver(SiemSamples.twoAlerts());
        List<StandInHttp.Call> calls = hec.calls();
        assertEquals(1, calls.size());
        assertEquals("/services/collector/event", calls.get(0).path());
        assertEquals("Splunk " + TOKEN, calls.get(0).header("Authorization"));
        assertEquals(200, calls.get(0).status());
        List<JsonNode> events = hec.events();
        assertEquals(List.of("firing", "resolved"), events.stream().map(e -> e.get("event").get("status").asText()).toList());
        assertEquals("security", events.get(0).get("index").asText());
        assertEquals("app-001.contoso.com", events.get(0).get("host").asText());
        assertEquals("T1071", events.get(0).get("event").get("technique").asText());
        assertEquals("2024-04-01T08:18:00Z", events.get(1).get("event").get("endsAt").asText());
    }

    @Test
    void aNotificationLargerThanMaxContentLengthIsSplitAndEveryEventArrivesOnce() throws Exception {
        SplunkHecStandIn hec = hec(8192, false);
        Notification n = SiemSamples.many(20, 1000);
        splunk(hec.uri("/").toString(), "max-content-length: 8192").deliver(n);
        assertTrue(hec.calls().size() > 2, "split into " + hec.calls().size());
        hec.calls().forEach(c -> assertTrue(c.body().length <= 8192 && c.status() == 200, c.body().length + " bytes"));
        assertEquals(n.alerts().stream().map(a -> a.alert().id()).toList(),
            hec.events().stream().map(e -> e.get("event").get("id").asText()).toList());

        SplunkHecStandIn small = hec(8192, false);
        DeliveryException tooLarge = assertThrows(DeliveryException.class, () -> splunk(small.uri("").toString(), "").deliver(n));
        assertFalse(tooLarge.retryable(), "the collector's limit is lower than max-content-length: another try cannot help");
        assertEquals("siem: HTTP 413 code 413 Content too large", tooLarge.getMessage());
    }

    @Test
    void aBatchRefusedHalfWayIsRetriedWithoutSendingTheAcceptedOnesAgain() throws Exception {
        SplunkHecStandIn hec = hec(8192, false);
        Notifier splunk = splunk(hec.uri("").toString(), "max-content-length: 8192");
        Notification n = SiemSamples.many(20, 1000);
        List<String> all = n.alerts().stream().map(a -> a.alert().id()).toList();
        hec.rateLimitAfter(1, 1, 1);
        DeliveryException e = assertThrows(DeliveryException.class, () -> splunk.deliver(n));
        assertTrue(e.retryable());
        assertEquals(Duration.ofSeconds(1), e.retryAfter());
        int firstBatch = hec.events().size();
        assertTrue(firstBatch > 0 && firstBatch < all.size());
        splunk.deliver(n);
        assertEquals(all, hec.events().stream().map(x -> x.get("event").get("id").asText()).toList(), "each event once, in order");
    }

    @Test
    void rateLimitedOnceThenDeliveredThroughTheOutbox(@TempDir Path dir) throws Exception {
        SplunkHecStandIn hec = hec(1 << 20, false);
        hec.rateLimit(1, 1);
        Notifier splunk = splunk(hec.uri("").toString(), "");
        Outbox outbox = new Outbox(dir);
        Dispatcher d = new Dispatcher(outbox, List.of(splunk), Map.of(), new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(20), 2,
            0, 5), Clock.systemUTC());
        try (Delivery delivery = new Delivery(new Router(List.of(), List.of()), outbox, d, Clock.systemUTC())) {
            d.start();
            delivery.accept(SiemSamples.twoAlerts());
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> outbox.pending().isEmpty());
            assertEquals(1, d.counters("siem").delivered.get());
            assertEquals(1, d.counters("siem").failures(Dispatcher.FailureReason.RATE_LIMITED));
        }
        assertEquals(List.of(429, 200), hec.calls().stream().map(StandInHttp.Call::status).toList());
        assertEquals(2, hec.events().size());
    }

    @Test
    void withAcknowledgementTheIndexersConfirmEachRequestOnItsChannel() throws Exception {
        SplunkHecStandIn hec = hec(1 << 20, true);
        hec.pollsBeforeAck(2);
        String channel = "0c2a5f4e-0000-4000-8000-00000000abcd";
        splunk(hec.uri("").toString(), "ack: true, channel: " + channel + ", ack-poll-interval: 10ms").deliver(SiemSamples.twoAlerts());
        List<StandInHttp.Call> acks = hec.calls("/services/collector/ack");
        assertEquals(3, acks.size(), "polled until confirmed");
        assertEquals("{\"acks\":[0]}", acks.get(0).text());
        hec.calls().forEach(c -> assertEquals(channel, c.header("X-Splunk-Request-Channel")));
        assertEquals(2, hec.events().size());
    }

    @Test
    void anAcknowledgementThatDoesNotComeIsTemporaryAndATokenWithoutAcknowledgementPermanent() throws Exception {
        SplunkHecStandIn hec = hec(1 << 20, true);
        hec.pollsBeforeAck(1_000_000);
        DeliveryException late = assertThrows(DeliveryException.class, () -> splunk(hec.uri("").toString(),
            "ack: true, ack-poll-interval: 10ms, ack-timeout: 200ms").deliver(SiemSamples.twoAlerts()));
        assertTrue(late.retryable());
        assertEquals("siem: events not acknowledged by the indexers within PT0.2S", late.getMessage());

        SplunkHecStandIn noAck = hec(1 << 20, false);
        DeliveryException off = assertThrows(DeliveryException.class, () -> splunk(noAck.uri("").toString(), "ack: true")
            .deliver(SiemSamples.twoAlerts()));
        assertFalse(off.retryable());
    }

    @Test
    void aWrongTokenIsPermanentAndNeverShown() throws Exception {
        SplunkHecStandIn hec = new SplunkHecStandIn("another-token", 1 << 20, false);
        open.add(hec);
        DeliveryException e = assertThrows(DeliveryException.class, () -> splunk(hec.uri("").toString(), "")
            .deliver(SiemSamples.twoAlerts()));
        assertFalse(e.retryable());
        assertEquals("siem: HTTP 403 code 4 Invalid token", e.getMessage());
    }

    @ParameterizedTest(name = "HTTP {0} {1} -> retryable {2}")
    @CsvSource(delimiter = ';', value = {
        "400; {\"text\":\"Invalid data format\",\"code\":6}; false",
        "400; {\"text\":\"Data channel is missing\",\"code\":10}; false",
        "401; {\"text\":\"Token is required\",\"code\":2}; false",
        "403; {\"text\":\"Token disabled\",\"code\":1}; false",
        "413; ; false",
        "429; ; true",
        "500; {\"text\":\"Internal server error\",\"code\":8}; true",
        "503; {\"text\":\"Server is busy\",\"code\":9}; true",
        "200; {\"text\":\"Invalid data format\",\"code\":6}; false"})
    void theCollectorsAnswersDecideWhetherToRetry(int status, String body, boolean retryable) throws Exception {
        try (LoopbackHttp server = new LoopbackHttp()) {
            server.answer(r -> LoopbackHttp.Answer.of(status, body == null ? "" : body));
            DeliveryException e = assertThrows(DeliveryException.class, () -> splunk(server.uri("").toString(), "")
                .deliver(SiemSamples.twoAlerts()));
            assertEquals(retryable, e.retryable(), e.getMessage());
            assertFalse(e.getMessage().contains(TOKEN));
            assertFalse(e.getMessage().contains("127.0.0.1"));
        }
    }

    @Test
    void theConfigurationIsCheckedAndItsTextHidesTheToken() throws Exception {
        List<String> problems = new ArrayList<>();
        assertNull(EmailNotifierTest.email("{name: s, type: splunk, url: 'ftp://x', channel: nope, max-content-length: 10}", problems));
        assertEquals(List.of(
            "notify.receivers[mail].url: must be an http or https URL",
            "notify.receivers[mail].token: missing (or token-file)",
            "notify.receivers[mail].channel: must be a GUID",
            "notify.receivers[mail].max-content-length: 10 is below the minimum 4096"), problems);
        ReceiverConfig c = Channels.read(new io.connwatch.config.Settings(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
            "{\"name\":\"s\",\"type\":\"splunk\",\"url\":\"https://splunk:8088\",\"token\":\"" + TOKEN + "\"}"), "r", problems));
        assertFalse(c.toString().contains(TOKEN), c.toString());
        assertTrue(c.sendResolved(), "a SIEM wants resolved alerts by default");
    }

    @Test
    void aSampleSeverityIsKeptAsTheAlertSays() throws Exception {
        SplunkHecStandIn hec = hec(1 << 20, false);
        splunk(hec.uri("").toString(), "").deliver(Samples.notification("siem", Samples.alert("x", Severity.CRITICAL)));
        assertEquals("critical", hec.events().get(0).get("event").get("severity").asText());
    }
}

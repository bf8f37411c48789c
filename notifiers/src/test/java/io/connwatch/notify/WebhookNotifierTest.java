package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Severity;
import io.connwatch.notify.webhook.WebhookNotifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Webhooks to a real HTTP server on loopback that verifies the signature as a receiver would. */
class WebhookNotifierTest {
    private static final String SECRET = "whsec-0123456789";
    private static final String TOKEN = "tok-abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();
    private LoopbackHttp server;

    @BeforeEach
    void start() throws Exception {
        server = new LoopbackHttp();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Notifier webhook(String extra) throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email("""
            name: siem
            type: webhook
            url: %s
            signing-secret: %s
            bearer-token: %s
            headers: {X-Tenant: prod}
            %s
            """.formatted(server.uri("/hook?key=" + TOKEN), SECRET, TOKEN, extra), problems);
        assertEquals(List.of(), problems);
        return n;
    }

    /** What a receiver does: recompute the HMAC over timestamp.body, compare in constant time, refuse old timestamps. */
    static boolean verify(LoopbackHttp.Request r, String secret, Duration tolerance) {
        String ts = r.header(WebhookNotifier.TIMESTAMP_HEADER);
        String sig = r.header(WebhookNotifier.SIGNATURE_HEADER);
        if (ts == null || sig == null) {
            return false;
        }
        long age = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(ts));
        String expected = WebhookNotifier.signature(secret, Long.parseLong(ts), r.body());
        return age <= tolerance.getSeconds()
            && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sig.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void postsTheVersionedPayloadSignedWithHeadersAndBearerAuth() throws Exception {
        webhook("").deliver(List.of(Samples.alert("w1", Severity.HIGH)));
        LoopbackHttp.Request r = server.requests().get(0);
        assertEquals("POST", r.method());
        assertTrue(verify(r, SECRET, Duration.ofMinutes(5)), "the receiver accepts the signature");
        String tampered = r.body().replace("\"high\"", "\"low\"");
        assertFalse(tampered.equals(r.body()));
        assertFalse(verify(new LoopbackHttp.Request(r.method(), r.path(), r.headers(), tampered), SECRET, Duration.ofMinutes(5)),
            "a changed body fails");
        assertFalse(verify(r, "another-secret", Duration.ofMinutes(5)));
        assertEquals("Bearer " + TOKEN, r.header("Authorization"));
        assertEquals("prod", r.header("X-Tenant"));
        assertEquals("application/json", r.header("Content-Type"));
        JsonNode body = JSON.readTree(r.body());
        assertEquals("1", body.get("version").asText());
        assertEquals("firing", body.get("status").asText());
        assertEquals("siem", body.get("receiver").asText());
        JsonNode alert = body.get("alerts").get(0);
        assertEquals("w1", alert.get("id").asText());
        assertEquals("high", alert.get("severity").asText());
        assertEquals("fp-w1", alert.get("fingerprint").asText());
        assertEquals("2024-04-01T08:15:00Z", alert.get("evidenceTime").asText());
        assertEquals("192.9.135.73", alert.get("evidence").get(0).get("fields").get("RemoteIp").asText());
        assertEquals("C2", alert.get("labels").get("threat_type").asText());
    }

    @ParameterizedTest(name = "HTTP {0} -> delivered")
    @ValueSource(ints = {200, 204})
    void successStatusesDeliverTheSignedAlertOnce(int status) throws Exception {
        server.answer(r -> LoopbackHttp.Answer.of(status, status == 204 ? "" : "ok"));
        Notifier n = webhook("");
        assertDoesNotThrow(() -> n.deliver(List.of(Samples.alert("w", Severity.LOW))));
        List<LoopbackHttp.Request> received = server.requests();
        assertEquals(1, received.size(), "one request, no retry");
        LoopbackHttp.Request r = received.get(0);
        assertEquals("POST", r.method());
        assertEquals("/hook?key=" + TOKEN, r.path());
        assertTrue(verify(r, SECRET, Duration.ofMinutes(5)), "the receiver accepts the signature");
        JsonNode alerts = JSON.readTree(r.body()).get("alerts");
        assertEquals(1, alerts.size());
        assertEquals("w", alerts.get(0).get("id").asText());
        assertEquals("low", alerts.get(0).get("severity").asText());
    }

    @ParameterizedTest(name = "HTTP {0} -> retryable {1}")
    @CsvSource({"400, false", "401, false", "404, false", "410, false", "408, true", "429, true", "500, true",
        "502, true", "503, true"})
    void statusCodesDecideWhetherToRetry(int status, boolean retryable) throws Exception {
        server.answer(r -> LoopbackHttp.Answer.of(status, ""));
        Notifier n = webhook("");
        DeliveryException e = assertThrows(DeliveryException.class, () -> n.deliver(List.of(Samples.alert("w", Severity.LOW))));
        assertEquals(retryable, e.retryable());
        assertEquals("siem: HTTP " + status, e.getMessage());
    }

    @Test
    void retryAfterIsHonouredAndNoSecretAppearsInAnyError() throws Exception {
        server.answer(r -> new LoopbackHttp.Answer(503, "down", Map.of("Retry-After", "7")));
        DeliveryException e = assertThrows(DeliveryException.class, () -> webhook("").deliver(List.of(Samples.alert("w", Severity.LOW))));
        assertEquals(Duration.ofSeconds(7), e.retryAfter());
        server.close();
        DeliveryException down = assertThrows(DeliveryException.class,
            () -> webhook("timeout: 2s").deliver(List.of(Samples.alert("w", Severity.LOW))));
        assertTrue(down.retryable());
        for (DeliveryException x : List.of(e, down)) {
            assertFalse(x.getMessage().contains(TOKEN), x.getMessage());
            assertFalse(x.getMessage().contains(SECRET), x.getMessage());
            assertFalse(x.getMessage().contains("/hook"), x.getMessage());
        }
        assertNotNull(down.getMessage());
    }

    @Test
    void basicAuthAndBatches() throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email("""
            {name: b, type: webhook, url: '%s', basic-user: cw, basic-password: pw, max-batch: 5}
            """.formatted(server.uri("/b")), problems);
        assertEquals(5, n.maxBatch());
        n.deliver(List.of(Samples.alert("x", Severity.LOW), Samples.alert("y", Severity.LOW)));
        LoopbackHttp.Request r = server.requests().get(0);
        assertEquals("Basic Y3c6cHc=", r.header("Authorization"));
        assertEquals(2, JSON.readTree(r.body()).get("alerts").size());
        assertEquals(null, r.header(WebhookNotifier.SIGNATURE_HEADER), "unsigned without a secret");
    }
}

package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Slack incoming webhooks against a loopback server that answers as Slack does. */
class SlackNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private LoopbackHttp slack;
    private String path;

    @BeforeEach
    void start() throws Exception {
        slack = new LoopbackHttp();
        path = "/services/T000/B000/XXXXSECRETXXXX";
    }

    @AfterEach
    void stop() {
        slack.close();
    }

    private Notifier notifier() throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email("{name: sec, type: slack, url: '" + slack.uri(path) + "', max-alerts-per-message: 3}", problems);
        assertEquals(List.of(), problems);
        return n;
    }

    @Test
    void sendsBlockKitWithSeverityFieldsEvidenceAndAFallback() throws Exception {
        notifier().deliver(List.of(Samples.alert("s1", Severity.CRITICAL), Samples.alert("s2", Severity.LOW)));
        JsonNode msg = JSON.readTree(slack.requests().get(0).body());
        assertTrue(msg.get("text").asText().startsWith("CRITICAL malicious-remote-ip-outbound on app-001.contoso.com: Outbound connection"),
            msg.get("text").asText());
        assertEquals("2 connwatch alerts", msg.get("blocks").get(0).get("text").get("text").asText());
        JsonNode section = msg.get("blocks").get(1);
        assertEquals("section", section.get("type").asText());
        String text = section.get("text").get("text").asText();
        assertTrue(text.startsWith(":red_circle: *CRITICAL* Outbound connection"), text);
        assertTrue(text.endsWith("&lt;b&gt;&amp; co&lt;/b&gt;"), "mrkdwn control characters escaped: " + text);
        assertEquals("*Rule*\nmalicious-remote-ip-outbound", section.get("fields").get(0).get("text").asText());
        assertEquals("*Computer*\napp-001.contoso.com", section.get("fields").get(1).get("text").asText());
        String context = msg.get("blocks").get(2).get("elements").get(0).get("text").asText();
        assertEquals("VMConnection remote 192.9.135.73 port 1194 | fingerprint `fp-s1`", context);
        assertTrue(msg.get("blocks").get(4).get("text").get("text").asText().startsWith(":large_blue_circle: *LOW*"));
    }

    @ParameterizedTest(name = "{0} {1} -> retryable {2}")
    @CsvSource({"400, invalid_payload, false", "403, invalid_token, false", "404, no_service, false", "410, channel_is_archived, false",
        "500, '', true", "503, '', true"})
    void slacksAnswersDecideWhetherToRetry(int status, String body, boolean retryable) throws Exception {
        slack.answer(r -> LoopbackHttp.Answer.of(status, body));
        DeliveryException e = assertThrows(DeliveryException.class, () -> notifier().deliver(List.of(Samples.alert("s", Severity.LOW))));
        assertEquals(retryable, e.retryable());
        assertEquals(("sec: HTTP " + status + " " + body).strip(), e.getMessage());
        assertFalse(e.getMessage().contains("SECRET"), e.getMessage());
    }

    @Test
    void asksTheDispatcherForItsMinimumIntervalWhileOtherChannelsAskNone() throws Exception {
        assertEquals(Duration.ofSeconds(1), notifier().minInterval(), "Slack's rate for a webhook by default");
        List<String> problems = new ArrayList<>();
        Notifier slow = EmailNotifierTest.email("{name: sec, type: slack, url: '" + slack.uri(path) + "', min-interval: 5s}", problems);
        assertEquals(Duration.ofSeconds(5), slow.minInterval());
        Notifier hook = EmailNotifierTest.email("{name: hook, type: webhook, url: '" + slack.uri("/hook") + "'}", problems);
        assertEquals(Duration.ZERO, hook.minInterval());
        assertEquals(List.of(), problems);
    }

    @Test
    void honours429RetryAfter() throws Exception {
        slack.answer(r -> new LoopbackHttp.Answer(429, "rate_limited", Map.of("Retry-After", "30")));
        DeliveryException e = assertThrows(DeliveryException.class, () -> notifier().deliver(List.of(Samples.alert("s", Severity.LOW))));
        assertTrue(e.retryable());
        assertEquals(Duration.ofSeconds(30), e.retryAfter());
    }
}

package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WildcardBindRuleTest {
    private static final String RULE = "unexpected-wildcard-bind";
    private RuleHarness h;

    @BeforeEach
    void start() throws Exception {
        h = RuleHarness.shipped();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void wildcardFlagOnASpecificIpRecordAlerts() {
        // Azure drops the 0.0.0.0 record and flags the surviving specific-IP record instead.
        h.feed(Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "10.0.0.4").set("IsWildcardBind", true)).drain();
        Alert a = h.alerts(RULE).get(0);
        assertEquals(Severity.MEDIUM, a.severity());
        assertEquals("redis-server", a.process());
        assertEquals("6379", a.labels().get("port"));
        assertEquals(1, h.alerts().size());
    }

    @Test
    void wildcardAddressesAlertForIpv4AndIpv6() {
        h.feed(Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "0.0.0.0"),
            Rows.boundPort("2024-05-01T10:00:00Z", "m-2").set("Ip", "::")).drain();
        assertEquals(2, h.alerts(RULE).size());
    }

    @Test
    void specificAndLoopbackBindsDoNotAlert() {
        h.feed(Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "10.0.0.4"),
            Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "127.0.0.1").set("Port", 6380),
            Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "::1").set("Port", 6381)).drain();
        assertEquals(0, h.alerts().size(), h.alerts().toString());
    }

    @Test
    void allowlistedServicesDoNotAlertButTheSameProcessOnAnotherPortDoes() {
        h.feed(Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("ProcessName", "sshd").set("Port", 22).set("Ip", "0.0.0.0"),
            Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("ProcessName", "nginx").set("Port", 443).set("IsWildcardBind", true),
            Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("ProcessName", "SSHD").set("Port", 2222).set("Ip", "0.0.0.0"))
            .drain();
        assertEquals(1, h.alerts(RULE).size());
        assertEquals("2222", h.alerts(RULE).get(0).labels().get("port"));
    }

    @Test
    void aPortBoundEveryMinuteIsOneAlert() {
        for (int minute = 0; minute < 15; minute++) {
            h.feed(Rows.boundPort(String.format("2024-05-01T10:%02d:00Z", minute), "m-1").set("Ip", "0.0.0.0"));
        }
        h.drain();
        assertEquals(1, h.alerts(RULE).size());
    }
}

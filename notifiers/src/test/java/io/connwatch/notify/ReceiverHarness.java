package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Notification;
import io.connwatch.alert.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * What the tests of the incident and chat receivers (Teams, PagerDuty, Opsgenie) share: sample
 * groups whose alerts carry ATT&CK labels, a receiver read from YAML, delivery through the real
 * outbox and dispatcher, golden payloads from test resources, and the log lines written meanwhile.
 */
final class ReceiverHarness implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fast retries: a test waits for the receiver's Retry-After, not for backoff. */
    static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(100), 2, 0.2, 50);

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    ReceiverHarness() {
        logs.start();
        root().addAppender(logs);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** The alert with the ATT&CK labels a rule sets: {@code tactic} and {@code technique}, comma-separated ids. */
    static Alert attack(Alert a, String tactic, String technique) {
        Map<String, String> labels = new TreeMap<>(a.labels());
        labels.put("tactic", tactic);
        labels.put("technique", technique);
        return new Alert(a.id(), a.rule(), a.severity(), a.fingerprint(), a.evidenceTime(), a.detectedAt(), a.computer(), a.machine(),
            a.process(), a.summary(), labels, a.evidence());
    }

    /** A group on app-001: a new HIGH alert and an older CRITICAL one firing (both command and control), a LOW one resolved; 2 silenced, 1 inhibited. */
    static Notification firingGroup(String receiver) {
        Alert a = attack(Samples.alert("a", Severity.HIGH), "TA0011", "T1071");
        Alert b = attack(Samples.alert("b", Severity.CRITICAL), "TA0011,TA0010", "T1071.001,T1041");
        return Samples.group(receiver, "app-001.contoso.com", List.of(Samples.firing(a, true), Samples.firing(b, false),
            Samples.resolved(Samples.alert("c", Severity.LOW))), 2, 1, 0);
    }

    /** The same group once all its alerts resolved. */
    static Notification resolvedGroup(String receiver) {
        Alert a = attack(Samples.alert("a", Severity.HIGH), "TA0011", "T1071");
        Alert b = attack(Samples.alert("b", Severity.CRITICAL), "TA0011,TA0010", "T1071.001,T1041");
        return Samples.group(receiver, "app-001.contoso.com", List.of(Samples.resolved(a), Samples.resolved(b)), 0, 0, 0);
    }

    /** The group acknowledged by alice, with a link that acknowledges. */
    static Notification acknowledged(Notification n) {
        return Samples.withAck(n, new Notification.Acknowledgement("alice", "on it", Samples.AT.minusSeconds(60), null),
            "https://connwatch.example/ack?g=abc&exp=1&sig=def");
    }

    /** A receiver read from YAML through the registry, with no problems. */
    static Notifier receiver(String yaml) throws Exception {
        List<String> problems = new ArrayList<>();
        Notifier n = EmailNotifierTest.email(yaml, problems);
        assertEquals(List.of(), problems);
        return n;
    }

    /** Delivery to one notifier through a real outbox in {@code dir} and a started dispatcher. */
    Delivery delivery(Path dir, Notifier notifier) throws IOException {
        Outbox outbox = new Outbox(dir);
        Dispatcher d = new Dispatcher(outbox, List.of(notifier), Map.of(notifier.name(), new Dispatcher.ReceiverSettings(Duration.ZERO, 100,
            Duration.ofMillis(100))), FAST, Clock.systemUTC());
        d.start();
        Delivery delivery = new Delivery(new Router(List.of(), List.of(notifier.name())), outbox, d, Clock.systemUTC());
        open.add(delivery);
        return delivery;
    }

    /** A golden payload from {@code src/test/resources/io/connwatch/notify/golden/}. */
    static JsonNode golden(String name) throws IOException {
        try (InputStream in = ReceiverHarness.class.getResourceAsStream("/io/connwatch/notify/golden/" + name)) {
            if (in == null) {
                throw new IOException("no golden file " + name);
            }
            return JSON.readTree(in);
        }
    }

    static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    /** Every log line written since this harness was made. */
    List<String> logLines() {
        return logs.list.stream().map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " "
            + e.getThrowableProxy().getMessage())).toList();
    }

    @Override
    public void close() throws Exception {
        root().detachAppender(logs);
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }
}

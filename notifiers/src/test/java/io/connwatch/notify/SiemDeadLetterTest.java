package io.connwatch.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.connwatch.alert.Notification;
import io.connwatch.config.Settings;
import io.connwatch.notify.standin.ElasticBulkStandIn;
import io.connwatch.notify.standin.SentinelStandIn;
import io.connwatch.notify.standin.SplunkHecStandIn;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The SIEM receivers' permanent failures go through the dispatcher to the dead letters with the
 * service's reason, after one attempt, and no secret reaches the log or the dead letter.
 */
class SiemDeadLetterTest {
    private static final String SECRET = "s3cret-value-never-logged";
    private static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(20), 2, 0, 5);

    @TempDir
    Path dir;

    private static Notifier notifier(String yaml) throws Exception {
        List<String> problems = new ArrayList<>();
        ReceiverConfig c = Channels.read(new Settings(new YAMLMapper().readTree(yaml), "r", problems));
        assertEquals(List.of(), problems);
        return Channels.create(c, new Templates(null));
    }

    /** Delivers through outbox and dispatcher until the notification is a dead letter; returns its reason. */
    private String deadLetter(Notifier n, Notification sent) throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        Outbox outbox = new Outbox(dir);
        Dispatcher d = new Dispatcher(outbox, List.of(n), Map.of(), FAST, Clock.systemUTC());
        try (Delivery delivery = new Delivery(new Router(List.of(), List.of()), outbox, d, Clock.systemUTC())) {
            d.start();
            delivery.accept(sent);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> outbox.deadLetters().size() == 1);
            OutboxEntry dead = outbox.deadLetters().get(0);
            assertEquals(1, dead.attempts(), "permanent: no retry");
            assertFalse(dead.lastError().contains(SECRET), dead.lastError());
            return dead.lastError();
        } finally {
            root.detachAppender(logs);
            assertFalse(logs.list.isEmpty());
            for (ILoggingEvent e : logs.list) {
                assertFalse(e.getFormattedMessage().contains(SECRET), "a secret leaked into the log: " + e.getFormattedMessage());
            }
        }
    }

    @Test
    void splunkWithAWrongToken() throws Exception {
        try (SplunkHecStandIn hec = new SplunkHecStandIn("the-right-token", 1 << 20, false)) {
            Notifier n = notifier("{name: siem, type: splunk, url: '" + hec.uri("") + "', token: " + SECRET + "}");
            assertEquals("siem: HTTP 403 code 4 Invalid token", deadLetter(n, SiemSamples.twoAlerts()));
        }
    }

    @Test
    void elasticWithADocumentTheDataStreamRefuses() throws Exception {
        try (ElasticBulkStandIn es = new ElasticBulkStandIn("ApiKey " + SECRET, 1 << 20, Set.of("logs-a-b"))) {
            Notifier n = notifier("{name: siem, type: elasticsearch, url: '" + es.uri("") + "', index: logs-a-b, api-key: " + SECRET + "}");
            String reason = deadLetter(n, SiemSamples.twoAlerts());
            assertTrue(reason.startsWith("siem: 2 of 2 documents refused: HTTP 400 illegal_argument_exception: only write ops with an "
                + "op_type of create are allowed in data streams (document "), reason);
        }
    }

    @Test
    void sentinelWithAWrongClientSecret() throws Exception {
        try (SentinelStandIn azure = new SentinelStandIn("t", "c", "the-right-secret", "dcr-0123456789abcdef0123456789abcdef",
            "Custom-A_CL")) {
            Notifier n = notifier("{name: siem, type: sentinel, endpoint: '" + azure.uri("") + "', authority-host: '" + azure.uri("")
                + "', dcr-immutable-id: dcr-0123456789abcdef0123456789abcdef, stream: Custom-A_CL, tenant-id: t, client-id: c, "
                + "client-secret: " + SECRET + "}");
            assertEquals("siem: HTTP 401 token invalid_client", deadLetter(n, SiemSamples.twoAlerts()));
        }
    }
}

package io.connwatch.engine.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Severity;
import io.connwatch.engine.alert.Alerts;
import io.connwatch.engine.alert.episodes.EpisodeDeduplicator;
import io.connwatch.engine.rules.CollectingSink;
import io.connwatch.engine.rules.Rows;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What an alert raised {@code .on(fact)} is about, for each kind of fact rules see. */
class AlertSubjectTest {
    private static final long MINUTE = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
    private final Alerts alerts = new Alerts(new CollectingSink(), new EpisodeDeduplicator(Duration.ofMinutes(30)), Clock.systemUTC());
    private int raised;

    private Alert on(EventFact fact) {
        return alerts.raise("rule-" + raised++, Severity.HIGH).on(fact).emit();
    }

    private static MachineRecord decode(String json) {
        List<MachineRecord> out = new ArrayList<>();
        new RecordDecoder().decode("test", json, RecordDecoder.Sink.of(out::add, rej -> {
            throw new AssertionError(rej.message());
        }));
        return out.get(0);
    }

    @Test
    void recordsAndProcessMinutesNameTheirProcessMachineWideMinutesNone() {
        Alert connection = on(decode(Rows.connection("2024-05-01T10:00:00Z", "m-1").json()));
        assertEquals("m-1", connection.machine());
        assertEquals("m-1.contoso.com", connection.computer());
        assertEquals("curl", connection.process());
        assertEquals("VMConnection", connection.evidence().get(0).kind());
        assertEquals("redis-server", on(decode(Rows.boundPort("2024-05-01T10:00:00Z", "m-1").json())).process());
        assertEquals("p-9", on(decode(Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("ProcessName", null).set("Process", "p-9")
            .json())).process(), "the id when the record has no name");
        assertEquals("curl", on(new ProcessMinute("m-1", "m-1.contoso.com", "p-1a2b", "curl", MINUTE)).process());

        Alert machine = on(new MachineMinute("m-1", "m-1.contoso.com", MINUTE));
        assertEquals("m-1.contoso.com", machine.computer());
        assertNull(machine.process());
        assertNull(on(new AdminMinute("m-1", "m-1.contoso.com", MINUTE, Set.of(), TopRemotes.NONE)).process());
        assertNull(on(new FanOutMinute("m-1", "m-1.contoso.com", "p-1a2b", "nmap", MINUTE, Set.of(), Set.of(), 1, 1, TopRemotes.NONE)).process(),
            "fan-out rules name the process themselves");
    }

    @Test
    void aProcessTheRuleNamedBeforeIsKeptByAFactThatNamesNone() {
        Alert a = alerts.raise("r", Severity.HIGH).process("sshd").on(new MachineMinute("m-1", null, MINUTE)).emit();
        assertEquals("sshd", a.process());
        assertEquals("m-1", a.machine());
    }
}

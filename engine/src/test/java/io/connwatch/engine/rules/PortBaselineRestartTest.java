package io.connwatch.engine.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.connwatch.engine.alert.lifecycle.StoredPortBaselines;
import io.connwatch.lifecycle.store.LifecycleStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The new-listening-port baseline survives a restart when the engine keeps it in the lifecycle store. */
class PortBaselineRestartTest {
    private static final String RULE = "new-listening-port";

    @Test
    void aRestartedEngineRemembersTheLearnedPortsAndStillFlagsANewOne(@TempDir Path dir) throws Exception {
        try (LifecycleStore store = LifecycleStore.open(dir); RuleHarness h = RuleHarness.shipped()) {
            h.engine().usePortMemory(new StoredPortBaselines(store));
            // learned on the first day: ssh and https
            h.feed(Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "10.0.0.4").set("Port", 22).set("ProcessName", "sshd"),
                Rows.boundPort("2024-05-01T10:00:00Z", "m-1").set("Ip", "10.0.0.4").set("Port", 443).set("ProcessName", "nginx"))
                .drain();
            store.commit(true);
        }
        try (LifecycleStore store = LifecycleStore.open(dir); RuleHarness h = RuleHarness.shipped()) {
            h.engine().usePortMemory(new StoredPortBaselines(store));
            // two days later, after a restart: the old ports are known, a new one alerts
            h.feed(Rows.boundPort("2024-05-03T10:00:00Z", "m-1").set("Ip", "10.0.0.4").set("Port", 22).set("ProcessName", "sshd"),
                Rows.boundPort("2024-05-03T10:00:00Z", "m-1").set("Ip", "10.0.0.4").set("Port", 443).set("ProcessName", "nginx"),
                Rows.boundPort("2024-05-03T10:00:00Z", "m-1").set("Ip", "10.0.0.4").set("Port", 4444).set("ProcessName", "nc"))
                .drain();
            assertEquals(1, h.alerts(RULE).size(), h.alerts().toString());
            assertEquals("4444", h.alerts(RULE).get(0).labels().get("port"));
        }
        try (RuleHarness h = RuleHarness.shipped()) {
            // without the store the same rows only start the learning period: nothing can be new yet
            h.feed(Rows.boundPort("2024-05-03T10:00:00Z", "m-1").set("Ip", "10.0.0.4").set("Port", 4444).set("ProcessName", "nc")).drain();
            assertEquals(0, h.alerts(RULE).size());
        }
    }
}

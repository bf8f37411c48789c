package io.connwatch.engine.config;

import io.connwatch.config.Settings;
import io.connwatch.engine.workbook.WorkbookStore;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code console:} section: the web console of {@code connwatch run} and the in-memory store of
 * minute rollups its workbooks are drawn from.
 *
 * @param enabled whether to keep the store and serve the console (on the HTTP server, under {@code /console/})
 * @param store   how much the store keeps: retention, machines, top N and keys per machine-minute
 */
public record ConsoleSettings(boolean enabled, WorkbookStore.Limits store) {
    public static final ConsoleSettings DEFAULT = new ConsoleSettings(true, WorkbookStore.Limits.DEFAULT);

    static ConsoleSettings read(Settings root) {
        Settings c = root.section("console", Set.of("enabled", "retention", "max-machines", "top-n", "max-keys"));
        WorkbookStore.Limits d = WorkbookStore.Limits.DEFAULT;
        boolean enabled = c.bool("enabled", DEFAULT.enabled());
        Duration retention = c.positiveDuration("retention", d.retention());
        if (retention.toMinutes() < 1 || retention.toDays() > 31) {
            c.problem("retention", "expected 1m to 31d");
            retention = d.retention();
        }
        int maxMachines = c.integer("max-machines", d.maxMachines(), 1, 1_000_000);
        int topN = c.integer("top-n", d.topN(), 1, 1_000);
        int maxKeys = c.integer("max-keys", d.maxKeys(), 1, 100_000);
        if (maxKeys < topN) {
            c.problem("max-keys", "must be at least top-n (" + topN + ")");
            maxKeys = topN;
        }
        return new ConsoleSettings(enabled, new WorkbookStore.Limits(retention, maxMachines, topN, maxKeys));
    }
}

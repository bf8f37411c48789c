package io.connwatch.alert;

import io.connwatch.config.Settings;
import java.util.List;
import java.util.Locale;

/**
 * How an output writes alerts: connwatch's own JSON ({@link #NATIVE}) or OCSF Detection Findings
 * ({@link #OCSF}, see {@link io.connwatch.alert.ocsf.OcsfFinding}).
 */
public enum AlertFormat {
    NATIVE,
    OCSF;

    /** As configuration spells it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code native} or {@code ocsf} under {@code key}; native when absent. */
    public static AlertFormat read(Settings s, String key) {
        return valueOf(s.choice(key, "native", List.of("native", "ocsf")).toUpperCase(Locale.ROOT));
    }
}

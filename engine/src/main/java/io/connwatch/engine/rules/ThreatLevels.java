package io.connwatch.engine.rules;

import io.connwatch.alert.Severity;

/**
 * Maps a threat indicator's Severity (0..5) and Confidence (0..100) to an alert severity; the
 * table is documented in the README ("Threat levels").
 *
 * <pre>
 * indicator Severity   5 -> critical, 4 -> high, 3 -> medium, 2 -> low, 0..1 -> info
 * Confidence           >= 70 or unknown: as above; 40..69: one level lower; below 40: two lower
 * </pre>
 * Rules then adjust for what happened (see the malicious-ip rules): an inbound row, or an
 * outbound row whose links all failed, is one level lower than an established outbound one.
 */
public final class ThreatLevels {
    private ThreatLevels() {
    }

    public static Severity severity(Integer indicatorSeverity, Integer confidence) {
        int s = indicatorSeverity == null ? 3 : indicatorSeverity;
        Severity base = switch (s) {
            case 5 -> Severity.CRITICAL;
            case 4 -> Severity.HIGH;
            case 3 -> Severity.MEDIUM;
            case 2 -> Severity.LOW;
            default -> Severity.INFO;
        };
        if (confidence == null || confidence >= 70) {
            return base;
        }
        return confidence >= 40 ? base.lower() : base.lower().lower();
    }
}

package io.connwatch.notify;

import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Severity;
import java.util.Map;

/**
 * What the SIEM channels (Splunk, Elastic, syslog CEF, Sentinel) name beside an alert's own
 * fields: its network endpoints, read from its first connection or bound-port evidence; its MITRE
 * ATT&CK tactic and technique, read from the labels {@value #TACTIC_LABEL} and
 * {@value #TECHNIQUE_LABEL} when the rule set them; and its severity as a number from 0 to 10.
 */
public final class AlertFacts {
    /** The label a rule sets to its ATT&CK tactic id ({@code TA0011}). */
    public static final String TACTIC_LABEL = "tactic";
    /** The label a rule sets to its ATT&CK technique id ({@code T1071}, {@code T1071.001}). */
    public static final String TECHNIQUE_LABEL = "technique";

    private AlertFacts() {
    }

    /**
     * The connection an alert is about; each part null when the evidence does not say.
     *
     * @param sourceIp        who connected
     * @param sourcePort      from which port (VMConnection has none)
     * @param destinationIp   to whom, or the address a process listens on (VMBoundPort)
     * @param destinationPort to which port, or the port it listens on
     * @param protocol        {@code tcp}
     * @param direction       {@code inbound} or {@code outbound}
     */
    public record Endpoints(String sourceIp, Integer sourcePort, String destinationIp, Integer destinationPort, String protocol,
                            String direction) {
        public static final Endpoints NONE = new Endpoints(null, null, null, null, null, null);
    }

    /** The endpoints of the first evidence that names any (VMConnection, VMBoundPort), or {@link Endpoints#NONE}. */
    public static Endpoints endpoints(Alert a) {
        for (Evidence e : a.evidence()) {
            Map<String, Object> f = e.fields();
            String src = text(f.get("SourceIp"));
            String dst = text(f.get("DestinationIp"));
            Integer dport = port(f.get("DestinationPort"));
            String direction = text(f.get("Direction"));
            if ("VMBoundPort".equals(e.kind())) {
                dst = text(f.get("Ip"));
                dport = port(f.get("Port"));
            }
            String remote = text(f.get("RemoteIp"));
            if (remote != null && src == null && "inbound".equals(direction)) {
                src = remote;
            }
            if (remote != null && dst == null && !"inbound".equals(direction)) {
                dst = remote;
            }
            if (src != null || dst != null || dport != null) {
                return new Endpoints(src, port(f.get("SourcePort")), dst, dport, text(f.get("Protocol")), direction);
            }
        }
        return Endpoints.NONE;
    }

    /** The ATT&CK tactic id of the alert's rule, or null. */
    public static String tactic(Alert a) {
        return blankToNull(a.labels().get(TACTIC_LABEL));
    }

    /** The ATT&CK technique id of the alert's rule, or null. */
    public static String technique(Alert a) {
        return blankToNull(a.labels().get(TECHNIQUE_LABEL));
    }

    /**
     * The severity from 0 to 10, as CEF reads it (0-3 low, 4-6 medium, 7-8 high, 9-10 very high):
     * info 1, low 3, medium 5, high 8, critical 10.
     */
    public static int severity10(Severity s) {
        return switch (s) {
            case INFO -> 1;
            case LOW -> 3;
            case MEDIUM -> 5;
            case HIGH -> 8;
            case CRITICAL -> 10;
        };
    }

    private static String text(Object o) {
        return o == null ? null : blankToNull(o.toString());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Integer port(Object o) {
        if (o instanceof Number n) {
            return n.intValue();
        }
        if (o instanceof String s && !s.isBlank()) {
            try {
                return Integer.valueOf(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}

package io.connwatch.alert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * MITRE ATT&CK Enterprise ids as alerts carry them: the label names ({@value #TACTIC_LABEL},
 * {@value #TECHNIQUE_LABEL}, comma-separated ids), the id forms, and the table connwatch knows by
 * name: the 14 Enterprise tactics and the techniques its shipped rules use (a few neighbours too).
 * An id missing from the table is not wrong, only unknown here.
 */
public final class Attack {
    /** The label holding the alert's tactic ids, e.g. {@code TA0011} or {@code TA0003,TA0011}. */
    public static final String TACTIC_LABEL = "tactic";
    /** The label holding the alert's technique ids, e.g. {@code T1071} or {@code T1021.002}. */
    public static final String TECHNIQUE_LABEL = "technique";
    /** The ATT&CK release the names below were taken from. */
    public static final String VERSION = "v15";

    public static final Pattern TACTIC_ID = Pattern.compile("TA\\d{4}");
    public static final Pattern TECHNIQUE_ID = Pattern.compile("T\\d{4}(\\.\\d{3})?");

    /** A technique (or sub-technique) and the tactics ATT&CK files it under. */
    public record Technique(String id, String name, Set<String> tactics) {
    }

    private static final Map<String, String> TACTICS = new LinkedHashMap<>();
    private static final Map<String, Technique> TECHNIQUES = new LinkedHashMap<>();

    static {
        tactic("TA0043", "Reconnaissance");
        tactic("TA0042", "Resource Development");
        tactic("TA0001", "Initial Access");
        tactic("TA0002", "Execution");
        tactic("TA0003", "Persistence");
        tactic("TA0004", "Privilege Escalation");
        tactic("TA0005", "Defense Evasion");
        tactic("TA0006", "Credential Access");
        tactic("TA0007", "Discovery");
        tactic("TA0008", "Lateral Movement");
        tactic("TA0009", "Collection");
        tactic("TA0011", "Command and Control");
        tactic("TA0010", "Exfiltration");
        tactic("TA0040", "Impact");

        technique("T1071", "Application Layer Protocol", "TA0011");
        technique("T1571", "Non-Standard Port", "TA0011");
        technique("T1095", "Non-Application Layer Protocol", "TA0011");
        technique("T1090", "Proxy", "TA0011");
        technique("T1090.003", "Multi-hop Proxy", "TA0011");
        technique("T1046", "Network Service Discovery", "TA0007");
        technique("T1595", "Active Scanning", "TA0043");
        technique("T1595.001", "Scanning IP Blocks", "TA0043");
        technique("T1190", "Exploit Public-Facing Application", "TA0001");
        technique("T1133", "External Remote Services", "TA0001", "TA0003");
        technique("T1021", "Remote Services", "TA0008");
        technique("T1021.001", "Remote Desktop Protocol", "TA0008");
        technique("T1021.002", "SMB/Windows Admin Shares", "TA0008");
        technique("T1021.004", "SSH", "TA0008");
        technique("T1021.006", "Windows Remote Management", "TA0008");
        technique("T1041", "Exfiltration Over C2 Channel", "TA0010");
        technique("T1048", "Exfiltration Over Alternative Protocol", "TA0010");
        technique("T1498", "Network Denial of Service", "TA0040");
    }

    private Attack() {
    }

    private static void tactic(String id, String name) {
        TACTICS.put(id, name);
    }

    private static void technique(String id, String name, String... tactics) {
        TECHNIQUES.put(id, new Technique(id, name, Set.of(tactics)));
    }

    /** Every Enterprise tactic, id to name, in the matrix's order. */
    public static Map<String, String> tactics() {
        return java.util.Collections.unmodifiableMap(TACTICS);
    }

    /** The techniques known here, id to technique. */
    public static Map<String, Technique> techniques() {
        return java.util.Collections.unmodifiableMap(TECHNIQUES);
    }

    /** The tactic's name, or null when the id is not an Enterprise tactic. */
    public static String tacticName(String id) {
        return TACTICS.get(id);
    }

    /**
     * The technique, or for an unlisted sub-technique its parent's tactics under no name of its own;
     * null when neither is known.
     */
    public static Technique technique(String id) {
        Technique t = TECHNIQUES.get(id);
        if (t == null && id.contains(".")) {
            Technique parent = TECHNIQUES.get(parent(id));
            return parent == null ? null : new Technique(id, null, parent.tactics());
        }
        return t;
    }

    /** The parent technique of a sub-technique ({@code T1021.002} gives {@code T1021}); the id itself otherwise. */
    public static String parent(String techniqueId) {
        int dot = techniqueId.indexOf('.');
        return dot < 0 ? techniqueId : techniqueId.substring(0, dot);
    }

    /**
     * The labels an alert carries for a rule's declared ids (its {@code @tactic} and
     * {@code @technique} metadata, quoted or not): comma-separated ids without spaces, each label
     * only when something is declared.
     */
    public static Map<String, String> labels(Object tactics, Object techniques) {
        Map<String, String> out = new LinkedHashMap<>(2);
        put(out, TACTIC_LABEL, tactics);
        put(out, TECHNIQUE_LABEL, techniques);
        return out;
    }

    private static void put(Map<String, String> out, String label, Object value) {
        if (value == null) {
            return;
        }
        String s = value.toString().trim();
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        List<String> ids = ids(s);
        if (!ids.isEmpty()) {
            out.put(label, String.join(",", ids));
        }
    }

    /** The ids of a comma-separated list, trimmed, blanks dropped; empty for null. */
    public static List<String> ids(String csv) {
        List<String> out = new ArrayList<>();
        if (csv == null) {
            return out;
        }
        for (String part : csv.split(",")) {
            String id = part.trim();
            if (!id.isEmpty()) {
                out.add(id);
            }
        }
        return out;
    }
}

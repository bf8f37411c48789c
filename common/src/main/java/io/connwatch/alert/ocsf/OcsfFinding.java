package io.connwatch.alert.ocsf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.alert.Attack;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An alert as an OCSF 1.1 Detection Finding (class_uid 2004, category 2 Findings): one finding per
 * alert, whose {@code finding_info.uid} is the alert's fingerprint, so a firing alert (activity
 * Create, status New), its repeats (Update) and its resolution (Close, status Resolved) are one
 * finding's lifecycle in the consumer. The rule's ATT&CK ids go to {@code finding_info.attacks},
 * the machine to {@code resources}, computer / machine / process / remote IP to
 * {@code observables}; connwatch's own fields (labels, evidence, process) to {@code unmapped}.
 */
public final class OcsfFinding {
    /** The OCSF schema version the findings follow. */
    public static final String SCHEMA_VERSION = "1.1.0";
    public static final int CLASS_UID = 2004;
    public static final String CLASS_NAME = "Detection Finding";
    public static final int CATEGORY_UID = 2;
    public static final String CATEGORY_NAME = "Findings";
    public static final String PRODUCT = "connwatch";

    /** The finding's activity: OCSF's activity_id of class 2004. */
    public enum Activity {
        CREATE(1, "Create"),
        UPDATE(2, "Update"),
        CLOSE(3, "Close");

        final int id;
        final String caption;

        Activity(int id, String caption) {
            this.id = id;
            this.caption = caption;
        }
    }

    private static final ObjectMapper JSON = AlertJson.mapper();
    private static final String VERSION = OcsfFinding.class.getPackage().getImplementationVersion();

    private OcsfFinding() {
    }

    /** A newly raised alert (the alerts file): activity Create, status New. */
    public static ObjectNode of(Alert a) {
        return render(a, Activity.CREATE, a.evidenceTime(), null, 1);
    }

    /**
     * An alert as a notification carries it: Close when it resolved, Create when it joined the group
     * since the receiver's last message, Update otherwise (a repeat, or a group re-sent).
     */
    public static ObjectNode of(NotifiedAlert na) {
        Activity activity = na.status() == AlertStatus.RESOLVED ? Activity.CLOSE : na.isNew() ? Activity.CREATE : Activity.UPDATE;
        return render(na.alert(), activity, na.startsAt(), na.endsAt(), na.occurrences());
    }

    /** One line of JSON. */
    public static String toJson(ObjectNode finding) {
        try {
            return JSON.writeValueAsString(finding);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a finding is always serializable", e);
        }
    }

    static ObjectNode render(Alert a, Activity activity, Instant startsAt, Instant endsAt, int occurrences) {
        boolean closed = activity == Activity.CLOSE;
        ObjectNode f = JSON.createObjectNode();
        f.put("activity_id", activity.id);
        f.put("activity_name", activity.caption);
        f.put("category_uid", CATEGORY_UID);
        f.put("category_name", CATEGORY_NAME);
        f.put("class_uid", CLASS_UID);
        f.put("class_name", CLASS_NAME);
        f.put("type_uid", CLASS_UID * 100L + activity.id);
        f.put("type_name", CLASS_NAME + ": " + activity.caption);
        f.put("severity_id", severityId(a.severity()));
        f.put("severity", severityCaption(a.severity()));
        f.put("status_id", closed ? 4 : 1);
        f.put("status", closed ? "Resolved" : "New");
        f.put("time", (closed && endsAt != null ? endsAt : a.detectedAt()).toEpochMilli());
        f.put("timezone_offset", 0);
        f.put("start_time", startsAt.toEpochMilli());
        if (endsAt != null) {
            f.put("end_time", endsAt.toEpochMilli());
        }
        f.put("count", occurrences);
        f.put("message", a.summary());

        ObjectNode metadata = f.putObject("metadata");
        metadata.put("version", SCHEMA_VERSION);
        metadata.put("uid", a.id());
        ObjectNode product = metadata.putObject("product");
        product.put("name", PRODUCT);
        product.put("vendor_name", PRODUCT);
        if (VERSION != null) {
            product.put("version", VERSION);
        }

        ObjectNode info = f.putObject("finding_info");
        info.put("uid", a.fingerprint());
        info.put("title", a.summary());
        info.put("desc", "connwatch rule " + a.rule());
        info.put("created_time", a.detectedAt().toEpochMilli());
        info.put("first_seen_time", a.evidenceTime().toEpochMilli());
        info.putArray("types").add(a.rule());
        ObjectNode analytic = info.putObject("analytic");
        analytic.put("name", a.rule());
        analytic.put("uid", a.rule());
        analytic.put("type_id", 1);
        analytic.put("type", "Rule");
        Set<String> sources = new LinkedHashSet<>();
        for (Evidence e : a.evidence()) {
            sources.add(e.kind());
        }
        if (!sources.isEmpty()) {
            ArrayNode ds = info.putArray("data_sources");
            sources.forEach(ds::add);
        }
        ArrayNode attacks = attacks(a);
        if (!attacks.isEmpty()) {
            info.set("attacks", attacks);
        }

        if (a.machine() != null || a.computer() != null) {
            ObjectNode resource = f.putArray("resources").addObject();
            if (a.machine() != null) {
                resource.put("uid", a.machine());
            }
            if (a.computer() != null) {
                resource.put("name", a.computer());
            }
            resource.put("type", "Machine");
        }

        ArrayNode observables = JSON.createArrayNode();
        if (a.computer() != null) {
            observable(observables, "resources.name", 1, "Hostname", a.computer());
        }
        if (a.machine() != null) {
            observable(observables, "resources.uid", 10, "Resource UID", a.machine());
        }
        if (a.process() != null) {
            observable(observables, "unmapped.process", 9, "Process Name", a.process());
        }
        String remote = a.labels().get("remote_ip");
        if (remote != null) {
            observable(observables, "unmapped.labels.remote_ip", 2, "IP Address", remote);
        }
        if (!observables.isEmpty()) {
            f.set("observables", observables);
        }

        ObjectNode unmapped = f.putObject("unmapped");
        unmapped.put("rule", a.rule());
        unmapped.put("fingerprint", a.fingerprint());
        if (a.process() != null) {
            unmapped.put("process", a.process());
        }
        unmapped.set("labels", JSON.valueToTree(a.labels()));
        unmapped.set("evidence", JSON.valueToTree(a.evidence()));
        return f;
    }

    /**
     * One ATT&CK object per declared technique and each of its tactics the rule declared (a
     * sub-technique also names its parent technique), and one per declared tactic no technique
     * covered.
     */
    static ArrayNode attacks(Alert a) {
        List<String> tactics = Attack.ids(a.labels().get(Attack.TACTIC_LABEL));
        List<String> techniques = Attack.ids(a.labels().get(Attack.TECHNIQUE_LABEL));
        ArrayNode out = JSON.createArrayNode();
        Set<String> covered = new LinkedHashSet<>();
        for (String id : techniques) {
            Attack.Technique known = Attack.technique(id);
            List<String> under = new ArrayList<>();
            if (known != null) {
                for (String t : tactics) {
                    if (known.tactics().contains(t)) {
                        under.add(t);
                    }
                }
            }
            if (under.isEmpty()) {
                under.add(null);
            }
            for (String tactic : under) {
                ObjectNode attack = out.addObject();
                if (id.contains(".")) {
                    String parent = Attack.parent(id);
                    name(attack.putObject("technique").put("uid", parent), nameOf(parent));
                    name(attack.putObject("sub_technique").put("uid", id), known == null ? null : known.name());
                } else {
                    name(attack.putObject("technique").put("uid", id), known == null ? null : known.name());
                }
                if (tactic != null) {
                    name(attack.putObject("tactic").put("uid", tactic), Attack.tacticName(tactic));
                    covered.add(tactic);
                }
                attack.put("version", Attack.VERSION);
            }
        }
        for (String t : tactics) {
            if (!covered.contains(t)) {
                ObjectNode attack = out.addObject();
                name(attack.putObject("tactic").put("uid", t), Attack.tacticName(t));
                attack.put("version", Attack.VERSION);
            }
        }
        return out;
    }

    private static String nameOf(String techniqueId) {
        Attack.Technique t = Attack.technique(techniqueId);
        return t == null ? null : t.name();
    }

    private static void name(ObjectNode o, String name) {
        if (name != null) {
            o.put("name", name);
        }
    }

    private static void observable(ArrayNode list, String name, int typeId, String type, String value) {
        list.addObject().put("name", name).put("type_id", typeId).put("type", type).put("value", value);
    }

    /** OCSF severity_id: Informational 1, Low 2, Medium 3, High 4, Critical 5. */
    static int severityId(Severity s) {
        return s.ordinal() + 1;
    }

    static String severityCaption(Severity s) {
        return s == Severity.INFO ? "Informational" : s.label().substring(0, 1).toUpperCase(Locale.ROOT) + s.label().substring(1);
    }
}

package io.connwatch.alert.ocsf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connwatch.alert.Alert;
import io.connwatch.alert.Evidence;
import io.connwatch.alert.Notification.AlertStatus;
import io.connwatch.alert.Notification.NotifiedAlert;
import io.connwatch.alert.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The OCSF Detection Finding rendering of alerts: golden payloads for a firing and a resolved
 * alert, and every rendering (each severity, activity, ATT&CK shape, a machine-wide alert without
 * process) valid against the published class definition shipped as test data. The validator is
 * itself checked to reject what the schema forbids.
 */
class OcsfFindingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant EVIDENCE = Instant.parse("2024-04-01T08:00:00Z");
    private static final Instant DETECTED = Instant.parse("2024-04-01T08:02:30Z");
    private static OcsfSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        schema = OcsfSchema.load();
    }

    static Alert alert(Severity severity, Map<String, String> extra, String process) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("rule", "malicious-remote-ip-outbound");
        labels.put("severity", severity.label());
        labels.put("direction", "outbound");
        labels.put("remote_ip", "203.0.113.9");
        labels.put("tactic", "TA0011");
        labels.put("technique", "T1071");
        labels.putAll(extra);
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("Computer", "web-01.contoso.com");
        columns.put("RemoteIp", "203.0.113.9");
        columns.put("DestinationPort", 443);
        columns.put("LinksEstablished", 2);
        return new Alert("5f1c3f7e-0000-4000-8000-000000000001", "malicious-remote-ip-outbound", severity,
            "9d4c8a6f3e2b1a0c9d4c8a6f3e2b1a0c9d4c8a6f3e2b1a0c9d4c8a6f3e2b1a0c", EVIDENCE, DETECTED, "web-01.contoso.com",
            "m-2b7a6a04-0000-4000-8000-000000000001", process,
            "Outbound connection from curl on web-01.contoso.com to known C2 203.0.113.9:443", labels,
            List.of(new Evidence("VMConnection", EVIDENCE, columns),
                new Evidence("ThreatIntel", EVIDENCE, Map.of("ThreatType", "C2", "Severity", 5))));
    }

    static Alert alert() {
        return alert(Severity.HIGH, Map.of(), "curl");
    }

    private static JsonNode golden(String name) throws IOException {
        try (InputStream in = OcsfFindingTest.class.getResourceAsStream("/ocsf/" + name)) {
            return JSON.readTree(in);
        }
    }

    private static void assertValid(ObjectNode finding) {
        List<String> problems = schema.validate("detection_finding", finding);
        assertEquals(List.of(), problems, OcsfFinding.toJson(finding));
    }

    @Test
    void aFiringAlertIsTheGoldenCreateFinding() throws IOException {
        ObjectNode f = OcsfFinding.of(alert());
        assertEquals(golden("finding-create.json"), JSON.readTree(OcsfFinding.toJson(f)));
        assertValid(f);
    }

    @Test
    void aResolvedAlertClosesTheSameFinding() throws IOException {
        Instant ends = Instant.parse("2024-04-01T08:40:00Z");
        NotifiedAlert resolved = new NotifiedAlert(alert(), AlertStatus.RESOLVED, EVIDENCE, ends, true, 3, List.of(), List.of());
        ObjectNode f = OcsfFinding.of(resolved);
        assertEquals(golden("finding-close.json"), JSON.readTree(OcsfFinding.toJson(f)));
        assertEquals(OcsfFinding.of(alert()).path("finding_info").path("uid"), f.path("finding_info").path("uid"),
            "a finding's lifecycle: one uid from Create to Close");
        assertValid(f);
    }

    @Test
    void aRepeatIsAnUpdate() {
        NotifiedAlert repeat = new NotifiedAlert(alert(), AlertStatus.FIRING, EVIDENCE, null, false, 4, List.of(), List.of());
        ObjectNode f = OcsfFinding.of(repeat);
        assertEquals(2, f.path("activity_id").asInt());
        assertEquals(200402, f.path("type_uid").asLong());
        assertEquals(1, f.path("status_id").asInt());
        assertEquals(4, f.path("count").asInt());
        assertValid(f);
    }

    @ParameterizedTest
    @EnumSource(Severity.class)
    void everySeverityMapsToItsOcsfId(Severity s) {
        ObjectNode f = OcsfFinding.of(alert(s, Map.of(), "curl"));
        assertEquals(s.ordinal() + 1, f.path("severity_id").asInt());
        assertValid(f);
    }

    @Test
    void attackShapes() {
        // a sub-technique names its parent technique; a declared tactic no technique covers stands alone
        ObjectNode f = OcsfFinding.of(alert(Severity.HIGH, Map.of("tactic", "TA0008,TA0007", "technique", "T1021.002"), "svchost"));
        JsonNode attacks = f.path("finding_info").path("attacks");
        assertEquals(2, attacks.size(), attacks.toString());
        assertEquals("T1021", attacks.get(0).path("technique").path("uid").asText());
        assertEquals("Remote Services", attacks.get(0).path("technique").path("name").asText());
        assertEquals("T1021.002", attacks.get(0).path("sub_technique").path("uid").asText());
        assertEquals("SMB/Windows Admin Shares", attacks.get(0).path("sub_technique").path("name").asText());
        assertEquals("TA0008", attacks.get(0).path("tactic").path("uid").asText());
        assertEquals("Lateral Movement", attacks.get(0).path("tactic").path("name").asText());
        assertEquals("TA0007", attacks.get(1).path("tactic").path("uid").asText());
        assertTrue(attacks.get(1).path("technique").isMissingNode());
        assertValid(f);

        // two techniques under one tactic; an unknown technique keeps its id, without a name or tactic
        ObjectNode two = OcsfFinding.of(alert(Severity.HIGH, Map.of("tactic", "TA0010", "technique", "T1041, T1048,T1999"), "curl"));
        JsonNode list = two.path("finding_info").path("attacks");
        assertEquals(3, list.size(), list.toString());
        assertEquals("Exfiltration Over C2 Channel", list.get(0).path("technique").path("name").asText());
        assertEquals("Exfiltration Over Alternative Protocol", list.get(1).path("technique").path("name").asText());
        assertEquals("T1999", list.get(2).path("technique").path("uid").asText());
        assertTrue(list.get(2).path("technique").path("name").isMissingNode());
        assertTrue(list.get(2).path("tactic").isMissingNode());
        assertValid(two);
    }

    @Test
    void aMachineWideAlertWithoutAttackIdsIsValidToo() {
        Map<String, String> none = new LinkedHashMap<>();
        Alert plain = alert(Severity.MEDIUM, Map.of(), null);
        Map<String, String> labels = new LinkedHashMap<>(plain.labels());
        labels.remove("tactic");
        labels.remove("technique");
        labels.remove("remote_ip");
        labels.putAll(none);
        Alert bare = new Alert(plain.id(), plain.rule(), plain.severity(), plain.fingerprint(), plain.evidenceTime(), plain.detectedAt(),
            null, plain.machine(), null, plain.summary(), labels, List.of());
        ObjectNode f = OcsfFinding.of(bare);
        assertTrue(f.path("finding_info").path("attacks").isMissingNode());
        assertValid(f);
    }

    @Test
    void theValidatorRejectsWhatTheSchemaForbids() {
        ObjectNode f = OcsfFinding.of(alert());
        f.put("connwatch_rule", "x");
        f.put("severity_id", 7);
        f.put("time", "2024-04-01T08:00:00Z");
        f.remove("class_name");
        f.remove("type_uid");
        ((ObjectNode) f.path("metadata")).remove("product");
        ((ObjectNode) f.path("finding_info")).putObject("analytic").put("type_id", 1);
        f.put("attacks", "T1071");
        ((ObjectNode) f.path("observables").get(0)).put("type", "Not the caption");
        List<String> problems = schema.validate("detection_finding", f);
        assertEquals(List.of(
            "severity_id: 7 is not one of [0, 1, 2, 3, 4, 5, 6, 99]",
            "time: expected timestamp_t (long), got STRING",
            "metadata.product: required, missing",
            "finding_info.analytic.: needs at least one of [\"name\",\"uid\"]",
            "observables[0].type: 'Not the caption' is not the caption of type_id 1 ('Hostname')",
            "connwatch_rule: not an attribute of Detection Finding",
            "attacks: belongs to profile security_control, which metadata.profiles does not declare",
            "attacks: expected an array",
            "type_uid: required, missing"), problems);
    }
}

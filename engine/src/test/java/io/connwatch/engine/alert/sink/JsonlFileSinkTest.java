package io.connwatch.engine.alert.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertFormat;
import io.connwatch.alert.AlertJson;
import io.connwatch.alert.Severity;
import io.connwatch.alert.ocsf.OcsfFinding;
import io.connwatch.engine.config.ConfigException;
import io.connwatch.engine.config.ConnwatchConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alerts file writes connwatch's alert JSON or, with outputs.jsonl-format: ocsf, an OCSF Detection Finding a line. */
class JsonlFileSinkTest {
    @TempDir
    Path tmp;

    private static Alert alert(String id) {
        return new Alert(id, "malicious-remote-ip-outbound", Severity.HIGH, "fp-" + id, Instant.parse("2024-04-01T08:00:00Z"),
            Instant.parse("2024-04-01T08:01:00Z"), "web-01", "m-1", "curl", "summary " + id,
            Map.of("tactic", "TA0011", "technique", "T1071"), List.of());
    }

    @Test
    void nativeByDefaultOcsfWhenAsked() throws Exception {
        Path plain = tmp.resolve("alerts.jsonl");
        Path ocsf = tmp.resolve("findings.jsonl");
        try (JsonlFileSink a = new JsonlFileSink(plain); JsonlFileSink b = new JsonlFileSink(ocsf, AlertFormat.OCSF)) {
            for (String id : List.of("a1", "a2")) {
                a.publish(alert(id));
                b.publish(alert(id));
            }
        }
        assertEquals(List.of(AlertJson.toJson(alert("a1")), AlertJson.toJson(alert("a2"))), Files.readAllLines(plain));
        List<String> lines = Files.readAllLines(ocsf);
        assertEquals(List.of(OcsfFinding.toJson(OcsfFinding.of(alert("a1"))), OcsfFinding.toJson(OcsfFinding.of(alert("a2")))), lines);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertEquals(2004, first.path("class_uid").asInt());
        assertEquals("Create", first.path("activity_name").asText());
        assertEquals("T1071", first.path("finding_info").path("attacks").get(0).path("technique").path("uid").asText());
    }

    @Test
    void theFormatIsASettingOfTheOutputs() throws Exception {
        assertEquals(AlertFormat.NATIVE, ConnwatchConfig.defaults().outputs().jsonlFormat());
        ConnwatchConfig c = ConnwatchConfig.parse("t", "outputs:\n  jsonl: data/findings.jsonl\n  jsonl-format: OCSF\n", Map.of());
        assertEquals(AlertFormat.OCSF, c.outputs().jsonlFormat());
        ConfigException e = assertThrows(ConfigException.class,
            () -> ConnwatchConfig.parse("t", "outputs:\n  jsonl-format: cef\n", Map.of()));
        assertTrue(e.getMessage().contains("outputs.jsonl-format: expected native or ocsf, got 'cef'"), e.getMessage());
    }
}

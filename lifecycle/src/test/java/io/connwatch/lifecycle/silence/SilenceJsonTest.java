package io.connwatch.lifecycle.silence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.connwatch.lifecycle.match.Matchers;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The JSON form: Alertmanager's v2 shape with op, read back exactly, and Alertmanager's own flags understood. */
class SilenceJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Silence SILENCE = new Silence("3f0c2a8e-0d5b-4c47-9a43-1f7b0b6c2d11",
        Matchers.parse("{rule=~\"port-scan|telnet.*\", computer!=\"db-01\", note=\"a \\\"b\\\"\"}"),
        Instant.parse("2026-03-01T10:00:00Z"), Instant.parse("2026-03-01T12:00:00.5Z"), "alice", "maintenance\nof web-01",
        Instant.parse("2026-03-01T09:59:59.123456789Z"));

    @Test
    void goldenApiForm() throws Exception {
        String expected = """
            {"id":"3f0c2a8e-0d5b-4c47-9a43-1f7b0b6c2d11","status":{"state":"active"},"updatedAt":"2026-03-01T09:59:59.123456789Z",
             "matchers":[{"name":"rule","op":"=~","value":"port-scan|telnet.*","isRegex":true,"isEqual":true},
                         {"name":"computer","op":"!=","value":"db-01","isRegex":false,"isEqual":false},
                         {"name":"note","op":"=","value":"a \\"b\\"","isRegex":false,"isEqual":true}],
             "startsAt":"2026-03-01T10:00:00Z","endsAt":"2026-03-01T12:00:00.500Z","createdBy":"alice","comment":"maintenance\\nof web-01"}
            """;
        assertEquals(JSON.readTree(expected), JSON.readTree(SilenceJson.toJson(SILENCE, Instant.parse("2026-03-01T11:00:00Z"))));
        assertFalse(SilenceJson.toJson(SILENCE).contains("status"), "the stored form has no status");
        assertEquals("pending", SilenceJson.toNode(SILENCE, Instant.parse("2026-03-01T09:00:00Z")).at("/status/state").asText());
        assertEquals("expired", SilenceJson.toNode(SILENCE, Instant.parse("2026-03-01T12:00:01Z")).at("/status/state").asText());
    }

    @Test
    void readsBackExactly() {
        assertEquals(SILENCE, SilenceJson.fromJson(SilenceJson.toJson(SILENCE)));
        assertEquals(SILENCE, SilenceJson.fromJson(SilenceJson.toJson(SILENCE, Instant.EPOCH)), "status is ignored");
    }

    @Test
    void readsAlertmanagersOwnFormWithoutOpAndWithOffsets() {
        Silence s = SilenceJson.fromJson("""
            {"id":"x","matchers":[{"name":"a","value":"b"},{"name":"c","value":"d.*","isRegex":true},
              {"name":"e","value":"f","isRegex":true,"isEqual":false},{"name":"g","value":"h","isEqual":false}],
             "startsAt":"2026-03-01T11:00:00+01:00","endsAt":"2026-03-01T12:00:00Z","createdBy":"amtool","comment":"c",
             "updatedAt":"2026-03-01T10:00:00Z"}
            """);
        assertEquals(Matchers.parse("{a=\"b\", c=~\"d.*\", e!~\"f\", g!=\"h\"}"), s.matchers());
        assertEquals(Instant.parse("2026-03-01T10:00:00Z"), s.startsAt());
    }

    @Test
    void notJsonAtAll() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SilenceJson.fromJson("{")).getMessage()
            .startsWith("not JSON: Unexpected end-of-input"));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "`[]`                                                | a silence must be a JSON object",
        "`{\"startsAt\":\"2026-03-01T10:00:00Z\"}`          | endsAt: missing",
        "`{\"startsAt\":\"yesterday\"}`                      | startsAt: not an RFC 3339 time: 'yesterday'",
        "`{\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T09:00:00Z\"}` | endsAt: 2026-03-01T09:00:00Z is before startsAt 2026-03-01T10:00:00Z",
        "`{\"startsAt\":5,\"endsAt\":\"2026-03-01T09:00:00Z\"}` | startsAt: expected text",
        "`{\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T11:00:00Z\"}` | id: missing",
        "`{\"id\":\"x\",\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T11:00:00Z\"}` | matchers: missing",
        "`{\"id\":\"x\",\"matchers\":{},\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T11:00:00Z\"}` | matchers: expected a list",
        "`{\"id\":\"x\",\"matchers\":[{\"name\":\"a\",\"value\":\"b\"},\"a=b\"],\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T11:00:00Z\"}` | matchers[1]: expected an object with name and value",
        "`{\"id\":\"x\",\"matchers\":[{\"value\":\"b\"}],\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T11:00:00Z\"}` | matchers[0].name: missing",
        "`{\"id\":\"x\",\"matchers\":[{\"name\":\"a\"}],\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T11:00:00Z\"}` | matchers[0].value: missing",
        "`{\"id\":\"x\",\"matchers\":[{\"name\":\"a-b\",\"value\":\"c\"}],\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T11:00:00Z\"}` | matchers[0]: 'a-b' is not a label name (letters, digits and _, not starting with a digit)",
        "`{\"id\":\"x\",\"matchers\":[{\"name\":\"a\",\"value\":\"(\",\"isRegex\":true}],\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T11:00:00Z\"}` | matchers[0]: the regular expression of a does not compile: Unclosed group at the end of \"(\"",
        "`{\"id\":\"x\",\"matchers\":[{\"name\":\"a\",\"value\":\"c\",\"op\":\"~\"}],\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T11:00:00Z\"}` | matchers[0].op: expected =, !=, =~ or !~, got '~'",
        "`{\"id\":\"x\",\"matchers\":[{\"name\":\"a\",\"value\":\"c\",\"op\":\"=\",\"isRegex\":true}],\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T11:00:00Z\"}` | matchers[0].op: '=' disagrees with isRegex and isEqual",
        "`{\"id\":\"x\",\"matchers\":[{\"name\":\"a\",\"value\":\"c\",\"isRegex\":\"yes\"}],\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T11:00:00Z\"}` | matchers[0].isRegex: expected true or false",
        "`{\"id\":\"x\",\"matchers\":[],\"startsAt\":\"2026-03-01T10:00:00Z\",\"endsAt\":\"2026-03-01T11:00:00Z\"}` | createdBy: missing"})
    void errorsNameTheField(String json, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> SilenceJson.fromJson(json)).getMessage());
    }
}

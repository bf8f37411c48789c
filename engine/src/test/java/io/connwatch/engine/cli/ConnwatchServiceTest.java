package io.connwatch.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.alert.Alert;
import io.connwatch.alert.AlertJson;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.Rows;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service as `connwatch run` starts it, fed over real HTTP on loopback. */
class ConnwatchServiceTest {
    @TempDir
    Path tmp;

    @Test
    void ingestsOverHttpAndFromReplayAndWritesAlertsToConsoleAndTheJsonLinesFile() throws Exception {
        Path alerts = tmp.resolve("out/alerts.jsonl");
        ConnwatchConfig config = ConnwatchConfig.parse("test", "rules:\n  directory: " + Path.of("..", "rules").toAbsolutePath()
            + "\nhttp:\n  port: 0\noutputs:\n  jsonl: " + alerts + "\n", Map.of());
        StringWriter console = new StringWriter();
        Path replayed = tmp.resolve("replay.jsonl");
        Files.writeString(replayed, Rows.boundPort("2024-05-01T09:00:00Z", "m-9").set("Ip", "0.0.0.0").json() + "\n");
        try (ConnwatchService service = ConnwatchService.start(config, new PrintWriter(console, true))) {
            service.replay(List.of(replayed));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + "/ingest"))
                .POST(HttpRequest.BodyPublishers.ofString(
                    Rows.connection("2024-05-01T10:00:00Z", "m-1").set("DestinationIp", "192.9.135.73").malicious("C2", 4, 90).json()))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(2L, service.ingest().accepted.sum());
        }
        List<String> lines = Files.readAllLines(alerts);
        assertEquals(2, lines.size(), lines.toString());
        Alert first = AlertJson.fromJson(lines.get(0));
        Alert second = AlertJson.fromJson(lines.get(1));
        assertEquals("unexpected-wildcard-bind", first.rule());
        assertEquals("malicious-remote-ip-outbound", second.rule());
        assertEquals("high", AlertJson.mapper().readTree(lines.get(1)).get("severity").asText());
        assertTrue(console.toString().contains("malicious-remote-ip-outbound"), console.toString());
    }
}

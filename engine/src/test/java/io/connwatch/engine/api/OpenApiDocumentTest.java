package io.connwatch.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.service.ConnwatchService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document the service serves describes routes that exist. */
class OpenApiDocumentTest {
    @TempDir
    Path tmp;

    @Test
    void theServedDocumentParsesAndEveryPathItNamesIsARoute() throws Exception {
        ConnwatchConfig config = ConnwatchConfig.parse("test", "rules:\n  directory: " + Path.of("..", "rules").toAbsolutePath()
            + "\nhttp:\n  port: 0\n" + TestTokens.authYaml() + "outputs:\n  console: false\n  jsonl: \"\"\nnotify:\n  outbox: "
            + tmp.resolve("outbox") + "\n", Map.of());
        try (ConnwatchService service = ConnwatchService.start(config, new PrintWriter(new StringWriter(), true))) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + service.httpPort();
            HttpResponse<String> doc = http.send(HttpRequest.newBuilder(URI.create(base + OpenApiDocument.PATH))
                .header("Authorization", TestTokens.bearer(TestTokens.ADMIN)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, doc.statusCode());
            assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + OpenApiDocument.PATH)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "the document needs a token like the rest");
            JsonNode api = new ObjectMapper(new YAMLFactory()).readTree(doc.body());
            assertEquals("3.0.3", api.get("openapi").asText());
            List<String> checked = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = api.get("paths").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                String path = p.getKey().replace("{id}", "no-such-silence").replace("{groupKey}", "no-such-group")
                    .replace("{view}", "overview");
                if (!p.getValue().has("get") || path.equals("/ack") || path.startsWith("/api/v1/workbooks")) {
                    continue; // changes are not sent blindly; /ack needs a signature; the workbooks need the console
                }
                int status = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization",
                    TestTokens.bearer(TestTokens.ADMIN)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
                if (path.contains("no-such")) {
                    assertEquals(404, status, path + " answers for an unknown id");
                } else {
                    assertNotEquals(404, status, path + " is documented but not routed");
                }
                checked.add(path);
            }
            assertTrue(checked.size() >= 12, "documented GET paths checked: " + checked);
        }
    }
}

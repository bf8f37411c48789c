package io.connwatch.engine.workbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.engine.facts.MachineRecord;
import io.connwatch.engine.facts.RecordDecoder;
import io.connwatch.engine.rules.Rows;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The workbook routes over real HTTP on loopback: status codes, parameters, and the console's files. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkbookRoutesTest {
    private Vertx vertx;
    private HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private String base;

    @BeforeAll
    void start() {
        WorkbookStore store = new WorkbookStore(WorkbookStore.Limits.DEFAULT);
        List<MachineRecord> records = new ArrayList<>();
        new RecordDecoder().decode("test", Rows.connection("2024-04-01T08:00:00Z", "m-1").json() + "\n"
            + Rows.connection("2024-04-01T08:05:00Z", "m-2").json(), RecordDecoder.Sink.of(records::add, r -> { }));
        store.accepted(records);
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        new WorkbookRoutes(store).mount(router);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
        base = "http://127.0.0.1:" + server.actualPort();
    }

    @AfterAll
    void stop() {
        vertx.close().await();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "/api/v1/workbooks/overview                                         | 200 |",
        "/api/v1/workbooks/traffic?machine=m-1&top=5                        | 200 |",
        "/api/v1/workbooks/ports?from=2024-04-01T07:00:00Z&to=2024-04-01T09:00:00Z | 200 |",
        "/api/v1/workbooks/nope                                             | 404 |",
        "/api/v1/workbooks/overview?top=0                                   | 400 | top",
        "/api/v1/workbooks/overview?top=51                                  | 400 | top",
        "/api/v1/workbooks/overview?top=ten                                 | 400 | top",
        "/api/v1/workbooks/overview?from=yesterday                          | 400 | from",
        "/api/v1/workbooks/overview?to=2024-13-01T00:00:00Z                 | 400 | to",
        "/api/v1/workbooks/overview?from=2024-04-01T09:00:00Z&to=2024-04-01T08:00:00Z | 400 | from",
        "/api/v1/workbooks/overview?from=2024-01-01T00:00:00Z&to=2024-04-01T08:00:00Z | 400 | from",
    })
    void answersEachRequestWithItsStatusAndNamesTheBadParameter(String path, int status, String parameter) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        if (parameter != null) {
            JsonObject body = new JsonObject(r.body());
            assertEquals(parameter, body.getString("parameter"));
            assertTrue(body.getString("error").startsWith(parameter + ": "), body.encode());
        }
    }

    @Test
    void theDefaultRangeIsTheLastHourOfIngestedDataAndTheMachineFilterTakesAGlobOverTheComputer() throws Exception {
        JsonObject all = new JsonObject(get("/api/v1/workbooks/overview").body());
        assertEquals("2024-04-01T07:06:00Z", all.getString("from"));
        assertEquals("2024-04-01T08:06:00Z", all.getString("to"));
        assertEquals(2, all.getInteger("machines"));
        JsonObject one = new JsonObject(get("/api/v1/workbooks/overview?machine=M-2.contoso.*").body());
        assertEquals(1, one.getInteger("machines"));
        JsonObject status = new JsonObject(get("/api/v1/workbooks").body());
        assertEquals("2024-04-01T08:05:00Z", status.getString("newest"));
        assertEquals("m-2", status.getJsonArray("machines").getJsonObject(0).getString("machine"));
    }

    @Test
    void servesTheConsoleAndEChartsWithAPolicyThatAllowsNoInlineScript() throws Exception {
        HttpResponse<String> index = get("/console/");
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("assets/app.js"));
        assertTrue(index.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self';"));
        HttpResponse<String> echarts = get(WorkbookRoutes.ECHARTS);
        assertEquals(200, echarts.statusCode());
        assertTrue(echarts.body().length() > 500_000, "the minified library");
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/console/login.html")).method("HEAD",
            HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(302, http.send(HttpRequest.newBuilder(URI.create(base + "/console")).build(), HttpResponse.BodyHandlers.ofString())
            .statusCode());
    }
}

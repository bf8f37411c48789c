package io.connwatch.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.connwatch.engine.alert.lifecycle.AckLinks;
import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.Rows;
import io.connwatch.engine.service.ConnwatchService;
import io.connwatch.lifecycle.dispatch.GroupDispatcher;
import io.connwatch.lifecycle.match.Matchers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle API on a real service on loopback, delivering to a loopback webhook: silences
 * hold alerts back until they expire, acknowledgements stop repeats, signed links acknowledge
 * only by POST and only while valid, delivery can be inspected and its dead letters replayed or
 * dropped, each role does exactly what it may, and hostile input gets a bounded answer.
 */
class LifecycleRoutesTest {
    static final String LINK_SECRET = "test-ack-link-secret-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WILDCARD_RULE = "unexpected-wildcard-bind";

    @TempDir
    Path tmp;
    private HttpServer receiver;
    private final AtomicInteger status = new AtomicInteger(200);
    private final List<JsonNode> delivered = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ConnwatchService service;
    private String base;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            int s = status.get();
            if (s == 200) {
                delivered.add(JSON.readTree(body));
            }
            ex.sendResponseHeaders(s, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
        receiver.stop(0);
    }

    /** The service with the four test tokens, short group timers, signed links and the loopback webhook; {@code more} is added to notify. */
    static String config(Path tmp, int webhookPort, String more) {
        return """
            rules:
              directory: %s
              watch: 0s
            http:
              port: 0
              auth:
                tokens:
                  - {name: admin, roles: [admin], token: %s}
                  - {name: shipper, roles: [ingest], token: %s}
                  - {name: reader, roles: [read], token: %s}
                  - {name: operator, roles: [operate], token: %s}
            outputs:
              console: false
              jsonl: ""
            notify:
              outbox: %s
              state: %s
              group-wait: 1s
              group-interval: 2s
              repeat-interval: 2s
              ack-links: {external-url: "https://connwatch.example.com", secret: %s, ttl: 1h}
              receivers:
                - {name: hook, type: webhook, url: "http://127.0.0.1:%d/alerts"}
              default-receivers: [hook]
            %s""".formatted(Path.of("..", "rules").toAbsolutePath(), TestTokens.ADMIN, TestTokens.INGEST, TestTokens.READ,
            TestTokens.OPERATE, tmp.resolve("outbox"), tmp.resolve("lifecycle"), LINK_SECRET, webhookPort, more.indent(2));
    }

    private void start(String moreNotify) throws Exception {
        service = ConnwatchService.start(ConnwatchConfig.parse("test", config(tmp, receiver.getAddress().getPort(), moreNotify), Map.of()),
            new PrintWriter(new StringWriter(), true));
        base = "http://127.0.0.1:" + service.httpPort();
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(30));
    }

    private HttpResponse<String> send(String token, String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", TestTokens.bearer(token));
        }
        if (body != null && headers.length == 0) {
            b.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonObject get(String token, String path) throws Exception {
        HttpResponse<String> r = send(token, "GET", path, null);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return new JsonObject(r.body());
    }

    private void ingestWildcardBind(String machine, String computer) throws Exception {
        String row = Rows.boundPort("2024-05-01T10:00:00Z", machine).set("Ip", "0.0.0.0").set("Computer", computer).json();
        HttpResponse<String> r = send(TestTokens.INGEST, "POST", "/ingest", row);
        assertEquals(200, r.statusCode(), r.body());
    }

    private static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The alerts the webhook was sent with this computer, over all notifications. */
    private List<JsonNode> deliveredFor(String computer) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : delivered) {
            for (JsonNode a : n.get("alerts")) {
                if (computer.equals(a.path("computer").asText())) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    @Test
    void aSilenceMadeThroughTheApiHoldsMatchingAlertsBackUntilItIsExpired() throws Exception {
        start("");
        HttpResponse<String> created = send(TestTokens.OPERATE, "POST", "/api/v1/silences", """
            {"matchers": ["computer=\\"web-01\\"", {"name": "rule", "op": "=~", "value": "unexpected-wildcard.*"}],
             "duration": "2h", "comment": "maintenance of web-01"}""");
        assertEquals(200, created.statusCode(), created.body());
        String id = new JsonObject(created.body()).getString("silenceID");
        JsonObject silence = get(TestTokens.READ, "/api/v1/silences/" + id);
        assertEquals("operator", silence.getString("createdBy"), "the signed-in name by default");
        assertEquals("active", silence.getJsonObject("status").getString("state"));
        assertEquals(Duration.ofHours(2), Duration.between(Instant.parse(silence.getString("startsAt")),
            Instant.parse(silence.getString("endsAt"))));

        ingestWildcardBind("m-1", "web-01");
        ingestWildcardBind("m-2", "web-02");
        await().until(() -> !deliveredFor("web-02").isEmpty());
        await().until(() -> service.lifecycle().counters().heldSilenced.get() > 0);
        assertEquals(List.of(), deliveredFor("web-01"), "nothing about the silenced alert reached the webhook");

        JsonArray silenced = get(TestTokens.READ, "/api/v1/alerts?filter=" + q("{computer=\"web-01\"}")).getJsonArray("alerts");
        assertEquals(1, silenced.size(), silenced.encode());
        JsonObject alert = silenced.getJsonObject(0);
        assertEquals("silenced", alert.getString("state"));
        assertEquals(new JsonArray().add(id), alert.getJsonArray("silencedBy"));
        assertEquals(WILDCARD_RULE, alert.getString("rule"));
        assertEquals("web-01", alert.getJsonObject("labels").getString("computer"));
        assertFalse(alert.getJsonObject("annotations").getString("summary").isEmpty());
        assertNull(alert.getString("endsAt"));
        assertEquals(new JsonArray().add("default:{computer=\"web-01\"}"), alert.getJsonArray("groups"));
        assertEquals("VMBoundPort", alert.getJsonArray("evidence").getJsonObject(0).getString("kind"));
        JsonObject bySilenced = get(TestTokens.READ, "/api/v1/alerts?state=silenced");
        assertEquals(1, bySilenced.getInteger("total"));
        assertEquals(false, bySilenced.getBoolean("truncated"));
        JsonArray active = get(TestTokens.READ, "/api/v1/alerts?state=active,acknowledged").getJsonArray("alerts");
        assertEquals(List.of("web-02"), active.stream().map(a -> ((JsonObject) a).getJsonObject("labels").getString("computer")).toList());

        JsonArray groups = get(TestTokens.READ, "/api/v1/alerts/groups?state=silenced").getJsonArray("groups");
        assertEquals(1, groups.size(), groups.encode());
        JsonObject group = groups.getJsonObject(0);
        assertEquals("default:{computer=\"web-01\"}", group.getString("groupKey"));
        assertEquals("default", group.getString("route"));
        assertEquals(new JsonObject().put("computer", "web-01"), group.getJsonObject("labels"));
        assertEquals(new JsonArray().add("hook"), group.getJsonArray("receivers"));
        assertNull(group.getValue("acknowledged"));
        assertTrue(group.containsKey("nextTick"));

        JsonObject lifecycle = get(TestTokens.READ, "/stats").getJsonObject("lifecycle");
        assertEquals(1, lifecycle.getJsonObject("alerts").getInteger("silenced"), lifecycle.encode());
        assertEquals(1, lifecycle.getJsonObject("alerts").getInteger("active"), lifecycle.encode());
        assertEquals(1, lifecycle.getJsonObject("silences").getInteger("active"));
        assertEquals(2, lifecycle.getInteger("groups"));
        assertTrue(lifecycle.getJsonObject("held").getLong("silenced") > 0);
        assertTrue(lifecycle.getJsonObject("notifications").getLong("firing") > 0);

        HttpResponse<String> expired = send(TestTokens.OPERATE, "DELETE", "/api/v1/silences/" + id, null);
        assertEquals(200, expired.statusCode(), expired.body());
        assertEquals("expired", new JsonObject(expired.body()).getJsonObject("status").getString("state"));
        HttpResponse<String> again = send(TestTokens.OPERATE, "DELETE", "/api/v1/silences/" + id, null);
        assertEquals(409, again.statusCode(), again.body());
        assertEquals(404, send(TestTokens.OPERATE, "DELETE", "/api/v1/silences/no-such-id", null).statusCode());
        assertEquals(404, send(TestTokens.READ, "GET", "/api/v1/silences/no-such-id", null).statusCode());

        await().until(() -> !deliveredFor("web-01").isEmpty());
        assertEquals("active", get(TestTokens.READ, "/api/v1/alerts?filter=" + q("computer=\"web-01\"")).getJsonArray("alerts")
            .getJsonObject(0).getString("state"));
        JsonObject list = get(TestTokens.READ, "/api/v1/silences?state=expired");
        assertEquals(1, list.getJsonArray("silences").size());
        assertEquals(0, get(TestTokens.READ, "/api/v1/silences?state=active,pending").getJsonArray("silences").size());
    }

    @Test
    void anAcknowledgementThroughTheApiStopsRepeatsUntilItIsWithdrawn() throws Exception {
        start("group-by: [computer, rule]");
        ingestWildcardBind("m-1", "web-01");
        await().until(() -> !deliveredFor("web-01").isEmpty());
        String key = "default:{computer=\"web-01\", rule=\"" + WILDCARD_RULE + "\"}";
        HttpResponse<String> acked = send(TestTokens.OPERATE, "POST", "/api/v1/groups/" + q(key) + "/ack",
            "{\"comment\": \"on it\"}");
        assertEquals(200, acked.statusCode(), acked.body());
        JsonObject ack = new JsonObject(acked.body());
        assertEquals(key, ack.getString("groupKey"));
        assertEquals("operator", ack.getJsonObject("acknowledged").getString("by"));
        assertEquals("on it", ack.getJsonObject("acknowledged").getString("comment"));
        assertNull(ack.getJsonObject("acknowledged").getString("until"));

        GroupDispatcher.Counters c = service.lifecycle().counters();
        long sentAtAck = c.notificationsFiring.get();
        long skipped = c.notificationsAcknowledgedSkipped.get();
        await().until(() -> c.notificationsAcknowledgedSkipped.get() >= skipped + 2);
        assertEquals(sentAtAck, c.notificationsFiring.get(), "no repeat while acknowledged");
        await().until(() -> delivered.size() == sentAtAck);
        JsonObject group = get(TestTokens.READ, "/api/v1/alerts/groups").getJsonArray("groups").getJsonObject(0);
        assertEquals("operator", group.getJsonObject("acknowledged").getString("by"));
        assertEquals("acknowledged", group.getJsonArray("alerts").getJsonObject(0).getString("state"));
        assertEquals(1, get(TestTokens.READ, "/stats").getJsonObject("lifecycle").getInteger("acknowledgedGroups"));

        HttpResponse<String> withdrawn = send(TestTokens.OPERATE, "DELETE", "/api/v1/groups/" + q(key) + "/ack", null);
        assertEquals(200, withdrawn.statusCode(), withdrawn.body());
        assertEquals(true, new JsonObject(withdrawn.body()).getBoolean("withdrawn"));
        await().until(() -> delivered.size() > sentAtAck);
        assertEquals("active", get(TestTokens.READ, "/api/v1/alerts").getJsonArray("alerts").getJsonObject(0).getString("state"));

        assertEquals(404, send(TestTokens.OPERATE, "POST", "/api/v1/groups/" + q("default:{computer=\"nowhere\"}") + "/ack", "{}")
            .statusCode());
        assertEquals(404, send(TestTokens.OPERATE, "DELETE", "/api/v1/groups/nowhere/ack", null).statusCode());
        HttpResponse<String> past = send(TestTokens.OPERATE, "POST", "/api/v1/groups/" + q(key) + "/ack",
            "{\"until\": \"2020-01-01T00:00:00Z\"}");
        assertEquals(400, past.statusCode(), past.body());
        assertEquals("until", new JsonObject(past.body()).getString("field"));
    }

    @Test
    void aSignedLinkShowsItsGroupOnGetAcknowledgesOnlyOnPostAndNotWhenTamperedOrExpired() throws Exception {
        start("");
        String computer = "web-01<script>alert(1)</script>";
        ingestWildcardBind("m-1", computer);
        String key = "default:{computer=\"" + computer + "\"}";
        await().until(() -> service.lifecycle().group(key).isPresent());
        Map<String, String> link = params(new AckLinks("https://connwatch.example.com", LINK_SECRET, Duration.ofHours(1),
            Clock.systemUTC()).apply(key));

        HttpResponse<String> page = send(null, "GET", "/ack?g=" + link.get("g") + "&exp=" + link.get("exp") + "&sig=" + q(link.get("sig")),
            null);
        assertEquals(200, page.statusCode(), page.body());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElseThrow());
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElseThrow());
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.startsWith("default-src 'none'; style-src 'sha256-") && csp.contains("form-action 'self'")
            && csp.contains("frame-ancestors 'none'"), csp);
        assertTrue(page.body().contains("<form method=\"post\" action=\"ack\">"), page.body());
        assertTrue(page.body().contains("web-01&lt;script&gt;alert(1)&lt;/script&gt;"), page.body());
        assertFalse(page.body().contains("<script"), "every value from a host is escaped");
        assertTrue(page.body().contains(WILDCARD_RULE));
        assertEquals(Map.of(), service.lifecycle().acknowledgements(), "opening the link changes nothing");

        String badSig = link.get("sig").charAt(0) == 'A' ? "B" + link.get("sig").substring(1) : "A" + link.get("sig").substring(1);
        Map<String, String> expired = params(new AckLinks("https://connwatch.example.com", LINK_SECRET, Duration.ofHours(1),
            Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC)).apply(key));
        for (Map<String, String> bad : List.of(Map.of("g", link.get("g"), "exp", link.get("exp"), "sig", badSig),
            Map.of("g", link.get("g"), "exp", String.valueOf(Long.parseLong(link.get("exp")) + 3600), "sig", link.get("sig")), expired)) {
            HttpResponse<String> get = send(null, "GET", "/ack?g=" + bad.get("g") + "&exp=" + bad.get("exp") + "&sig=" + q(bad.get("sig")),
                null);
            assertEquals(403, get.statusCode(), get.body());
            assertEquals("no-referrer", get.headers().firstValue("Referrer-Policy").orElseThrow());
            assertFalse(get.body().contains("web-01"), "a refused link shows nothing of the group");
            HttpResponse<String> post = send(null, "POST", "/ack", form(bad, "x"), "Content-Type", "application/x-www-form-urlencoded");
            assertEquals(403, post.statusCode(), post.body());
        }
        HttpResponse<String> foreign = send(null, "POST", "/ack", form(link, "x"), "Content-Type", "application/x-www-form-urlencoded",
            "Origin", "https://evil.example");
        assertEquals(403, foreign.statusCode(), "the Origin guard stays on the public route: " + foreign.body());
        HttpResponse<String> opaque = send(null, "POST", "/ack", form(link, "x"), "Content-Type", "application/x-www-form-urlencoded",
            "Origin", "null", "Sec-Fetch-Site", "cross-site");
        assertEquals(403, opaque.statusCode(), "an opaque origin passes only when the browser says same-origin: " + opaque.body());
        HttpResponse<String> opaqueUnsaid = send(null, "POST", "/ack", form(link, "x"), "Content-Type",
            "application/x-www-form-urlencoded", "Origin", "null");
        assertEquals(403, opaqueUnsaid.statusCode(), opaqueUnsaid.body());
        assertEquals(Map.of(), service.lifecycle().acknowledgements());

        // as a browser posts the page's form: the page's no-referrer policy makes its Origin null
        HttpResponse<String> done = send(null, "POST", "/ack", form(link, "<b>seen</b>, on it"), "Content-Type",
            "application/x-www-form-urlencoded", "Origin", "null", "Sec-Fetch-Site", "same-origin");
        assertEquals(200, done.statusCode(), done.body());
        assertTrue(done.body().contains("Acknowledged by link"), done.body());
        assertTrue(done.body().contains("&lt;b&gt;seen&lt;/b&gt;, on it"), done.body());
        assertEquals(AckPage.CSP, done.headers().firstValue("Content-Security-Policy").orElseThrow());
        var ack = service.lifecycle().acknowledgements().get(key);
        assertEquals(LifecycleRoutes.LINK_ACKNOWLEDGER, ack.by());
        assertEquals("<b>seen</b>, on it", ack.comment());
        assertNull(ack.until());
    }

    private static Map<String, String> params(String url) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String p : URI.create(url).getRawQuery().split("&")) {
            String[] kv = p.split("=", 2);
            out.put(kv[0], java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String form(Map<String, String> link, String comment) {
        return "g=" + q(link.get("g")) + "&exp=" + q(link.get("exp")) + "&sig=" + q(link.get("sig")) + "&comment=" + q(comment);
    }

    @Test
    void deliveryShowsEachReceiverAndItsDeadLettersWhichAdminsReplayAndDrop() throws Exception {
        status.set(400);
        start("");
        ingestWildcardBind("m-1", "web-01");
        await().until(() -> get(TestTokens.READ, "/api/v1/dead-letters").getInteger("total") == 1);
        JsonObject dead = get(TestTokens.READ, "/api/v1/dead-letters");
        JsonObject letter = dead.getJsonArray("deadLetters").getJsonObject(0);
        assertEquals("hook", letter.getString("receiver"));
        assertEquals("default:{computer=\"web-01\"}", letter.getString("groupKey"));
        assertEquals("firing", letter.getString("status"));
        assertEquals(1, letter.getInteger("alerts"));
        assertTrue(letter.getString("lastError").contains("HTTP 400"), letter.encode());
        assertEquals("web-01", letter.getJsonObject("firstAlert").getString("computer"));
        JsonObject hook = get(TestTokens.READ, "/api/v1/receivers").getJsonArray("receivers").getJsonObject(0);
        assertEquals("hook", hook.getString("name"));
        assertEquals(1, hook.getInteger("deadLetters"));
        assertEquals(1, hook.getLong("failures"));
        assertEquals(0, hook.getLong("delivered"));
        assertEquals("closed", hook.getString("circuit"));
        long id = letter.getLong("id");

        status.set(200);
        for (String token : List.of(TestTokens.READ, TestTokens.OPERATE)) {
            assertEquals(403, send(token, "POST", "/api/v1/dead-letters/replay", "{\"all\": true}").statusCode());
            assertEquals(403, send(token, "POST", "/api/v1/dead-letters/drop", "{\"all\": true}").statusCode());
        }
        HttpResponse<String> replayed = send(TestTokens.ADMIN, "POST", "/api/v1/dead-letters/replay", "{\"ids\": [" + id + ", 999]}");
        assertEquals(200, replayed.statusCode(), replayed.body());
        assertEquals(new JsonObject().put("replayed", 1).put("notDeadLetters", new JsonArray().add(999)), new JsonObject(replayed.body()));
        await().until(() -> !deliveredFor("web-01").isEmpty());
        await().until(() -> get(TestTokens.READ, "/api/v1/receivers").getJsonArray("receivers").getJsonObject(0).getLong("delivered") >= 1);

        status.set(400);
        ingestWildcardBind("m-2", "web-02");
        await().until(() -> get(TestTokens.READ, "/api/v1/dead-letters").getInteger("total") >= 1);
        status.set(200); // later messages of the group are delivered, not dead-lettered
        java.util.Set<Long> before = new java.util.HashSet<>();
        get(TestTokens.READ, "/api/v1/dead-letters").getJsonArray("deadLetters").forEach(o -> before.add(((JsonObject) o).getLong("id")));
        HttpResponse<String> dropped = send(TestTokens.ADMIN, "POST", "/api/v1/dead-letters/drop", "{\"all\": true}");
        assertEquals(200, dropped.statusCode(), dropped.body());
        assertTrue(new JsonObject(dropped.body()).getInteger("dropped") >= before.size(), dropped.body());
        // every letter listed before the drop is gone (one in flight when the receiver turned healthy may follow)
        get(TestTokens.READ, "/api/v1/dead-letters").getJsonArray("deadLetters")
            .forEach(o -> assertTrue(!before.contains(((JsonObject) o).getLong("id")), "dropped letter still listed: " + o));
        HttpResponse<String> neither = send(TestTokens.ADMIN, "POST", "/api/v1/dead-letters/drop", "{}");
        assertEquals(400, neither.statusCode());
        assertEquals("ids", new JsonObject(neither.body()).getString("field"));
    }

    @Test
    void eachRoleDoesExactlyWhatItMayWithAlertsSilencesAndAcknowledgements() throws Exception {
        start("");
        ingestWildcardBind("m-1", "web-01");
        String silence = "{\"matchers\": [\"computer=\\\"web-09\\\"\"], \"duration\": \"1h\", \"comment\": \"c\"}";
        String ack = "/api/v1/groups/" + q("default:{computer=\"web-01\"}") + "/ack";
        // columns: no token, read, operate, ingest, admin
        String[] tokens = {null, TestTokens.READ, TestTokens.OPERATE, TestTokens.INGEST, TestTokens.ADMIN};
        List<String> table = List.of(
            "GET /api/v1/alerts                 401 200 200 403 200",
            "GET /api/v1/alerts/groups          401 200 200 403 200",
            "GET /api/v1/silences               401 200 200 403 200",
            "POST /api/v1/silences              401 403 200 403 200",
            "GET /api/v1/receivers              401 200 200 403 200",
            "GET /api/v1/dead-letters           401 200 200 403 200",
            "POST ACK                           401 403 200 403 200",
            "DELETE ACK                         401 403 200 403 200",
            "POST /api/v1/dead-letters/replay   401 403 403 403 200",
            "GET /ack                           403 403 403 403 403");
        List<String> actual = new ArrayList<>();
        for (String row : table) {
            String[] f = row.trim().split("\\s+");
            String path = f[1].equals("ACK") ? ack : f[1];
            String body = !f[0].equals("POST") ? null : path.endsWith("silences") ? silence : path.endsWith("replay") ? "{\"all\": true}" : "{}";
            StringBuilder line = new StringBuilder(String.format("%-6s %-32s", f[0], f[1]));
            for (String token : tokens) {
                line.append(' ').append(send(token, f[0], path, body).statusCode());
            }
            actual.add(line.toString());
        }
        List<String> expected = table.stream().map(r -> {
            String[] f = r.trim().split("\\s+", 3);
            return String.format("%-6s %-32s", f[0], f[1]) + " " + f[2];
        }).toList();
        assertEquals(String.join("\n", expected), String.join("\n", actual));
        assertEquals(2, service.stages().silences().size(), "the operator's and the admin's");
        assertEquals(List.of("admin", "operator"), service.stages().silences().list(Instant.now(), null).stream()
            .map(s -> s.createdBy()).sorted().toList());
    }

    @Test
    void badParametersAndFieldsAreRefusedNamingThemAndWhere() throws Exception {
        start("");
        List<String[]> cases = List.of(
            new String[] {"GET", "/api/v1/alerts?filter=" + q("computer=~\"web"), null, "400", "filter", "at character 11"},
            new String[] {"GET", "/api/v1/alerts?filter=" + q("{computer=\"a\" rule=\"b\"}"), null, "400", "filter", "at character 15"},
            new String[] {"GET", "/api/v1/alerts/groups?filter=" + q("9lives=\"x\""), null, "400", "filter", "at character 1"},
            new String[] {"GET", "/api/v1/alerts?state=firing", null, "400", "state", "unknown 'firing'"},
            new String[] {"GET", "/api/v1/alerts?limit=0", null, "400", "limit", "from 1 to 10000"},
            new String[] {"GET", "/api/v1/silences?limit=10001", null, "400", "limit", "from 1 to 10000"},
            new String[] {"GET", "/api/v1/silences?state=gone", null, "400", "state", "expected pending, active, expired"},
            new String[] {"POST", "/api/v1/silences", "{\"matchers\": [\"rule=\\\"x\\\"\"], \"duration\": \"1h\"}", "400", "comment",
                "comment: required"},
            new String[] {"POST", "/api/v1/silences", "{\"matchers\": [\"rule=~\\\".*\\\"\"], \"duration\": \"1h\", \"comment\": \"c\"}",
                "400", "matchers", "match every alert"},
            new String[] {"POST", "/api/v1/silences", "{\"matchers\": [\"rule=\\\"x\\\"\", \"rule=~\\\"(\\\"\"], \"duration\": \"1h\", "
                + "\"comment\": \"c\"}", "400", "matchers[1]", "does not compile"},
            new String[] {"POST", "/api/v1/silences", "{\"matchers\": [{\"name\": \"rule\", \"op\": \"~\", \"value\": \"x\"}], "
                + "\"duration\": \"1h\", \"comment\": \"c\"}", "400", "matchers[0].op", "expected =, !=, =~ or !~"},
            new String[] {"POST", "/api/v1/silences", "{\"matchers\": [\"rule=\\\"x\\\"\"], \"endsAt\": \"2020-01-01T00:00:00Z\", "
                + "\"comment\": \"c\"}", "400", "endsAt", "in the past"},
            new String[] {"POST", "/api/v1/silences", "{\"matchers\": [\"rule=\\\"x\\\"\"], \"endsAt\": \"tomorrow\", \"comment\": \"c\"}",
                "400", "endsAt", "not an ISO-8601 time"},
            new String[] {"POST", "/api/v1/silences", "{\"matchers\": [\"rule=\\\"x\\\"\"], \"endAt\": \"2030-01-01T00:00:00Z\", "
                + "\"comment\": \"c\"}", "400", "endAt", "not a field of a silence"},
            new String[] {"POST", "/api/v1/silences", "{\"matchers\": [\"rule=\\\"x\\\"\"], \"duration\": \"2 fortnights\", "
                + "\"comment\": \"c\"}", "400", "duration", "not a duration"},
            new String[] {"POST", "/api/v1/silences", "{\"matchers\": [\"rule=\\\"x\\\"\"], \"comment\": \"c\"}", "400", "endsAt",
                "give endsAt or duration"},
            new String[] {"POST", "/api/v1/silences", "[1, 2", "400", "body", "not JSON"},
            new String[] {"POST", "/api/v1/silences", "{\"matchers\": [\"rule=\\\"" + "v".repeat(2000) + "\\\"\"], \"duration\": \"1h\", "
                + "\"comment\": \"c\"}", "400", "matchers[0]", "the limit is 1024"});
        for (String[] c : cases) {
            HttpResponse<String> r = send(TestTokens.ADMIN, c[0], c[1], c[2]);
            String what = c[0] + " " + c[1].substring(0, Math.min(80, c[1].length())) + " -> " + r.body();
            assertEquals(Integer.parseInt(c[3]), r.statusCode(), what);
            JsonObject e = new JsonObject(r.body());
            assertEquals(c[4], e.getString("field"), what);
            assertTrue(e.getString("error").contains(c[5]), what);
        }
        assertEquals(0, service.stages().silences().size());
    }

    @Test
    void hostileInputGetsABoundedAnswer() throws Exception {
        // the limit is notify.silences.max (10,000 by default, see below); 1,500 here fills faster and still pages
        start("silences: {max: 1500}");
        assertEquals(10_000, io.connwatch.engine.config.LifecycleSettings.defaults().maxSilences());
        // a 1 MB matcher: refused by its declared size before it is read
        String head = "POST /api/v1/silences HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + TestTokens.bearer(TestTokens.ADMIN)
            + "\r\nContent-Type: application/json\r\nContent-Length: " + (1 << 20) + "\r\n\r\n";
        assertEquals(413, rawStatus(head, "{\"matchers\": [\"rule=\\\"" + "a".repeat(1000)));
        // and the same sent in chunks, without a declared size
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/silences"))
            .header("Authorization", TestTokens.bearer(TestTokens.ADMIN)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                ("{\"matchers\": [\"rule=\\\"" + "a".repeat(1 << 20) + "\\\"\"], \"duration\": \"1h\", \"comment\": \"c\"}")
                    .getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), chunked.body());
        // a 1 MB filter does not fit the request line: refused after its first 4 KB (only 16 KB are sent, so that
        // the server closing on unread bytes cannot reset the connection before the answer is read)
        String longGet = "GET /api/v1/alerts?filter=" + q("rule=\"" + "a".repeat(1 << 20) + "\"") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Authorization: " + TestTokens.bearer(TestTokens.ADMIN) + "\r\n\r\n";
        assertEquals(414, rawStatus(longGet.substring(0, 16 * 1024), ""));

        // catastrophic backtracking: the match runs out of its budget, so the silence fails open
        String computer = "a".repeat(5_000) + "!";
        HttpResponse<String> created = send(TestTokens.ADMIN, "POST", "/api/v1/silences",
            "{\"matchers\": [\"computer=~\\\"(a+)+$\\\"\"], \"duration\": \"1h\", \"comment\": \"hostile\"}");
        assertEquals(200, created.statusCode(), created.body());
        ingestWildcardBind("m-1", computer);
        await().until(() -> !deliveredFor(computer).isEmpty());
        JsonObject filtered = get(TestTokens.READ, "/api/v1/alerts?filter=" + q("computer=~\"(a+)+$\""));
        assertEquals(0, filtered.getInteger("total"), "a match that ran out of its budget does not match");
        assertEquals("active", get(TestTokens.READ, "/api/v1/alerts").getJsonArray("alerts").getJsonObject(0).getString("state"));

        // the silences limit: so many stored at most, expired ones included
        Instant now = Instant.now();
        var silences = service.stages().silences();
        for (int i = silences.size(); i < 1_500; i++) {
            silences.add(Matchers.parse("computer=\"web-" + i + "\""), now, now.plus(Duration.ofHours(1)), "test", "fill", now);
        }
        HttpResponse<String> beyond = send(TestTokens.ADMIN, "POST", "/api/v1/silences",
            "{\"matchers\": [\"computer=\\\"one-more\\\"\"], \"duration\": \"1h\", \"comment\": \"c\"}");
        assertEquals(400, beyond.statusCode(), beyond.body());
        assertTrue(new JsonObject(beyond.body()).getString("error").contains("the limit is 1500"), beyond.body());
        assertEquals(1_500, silences.size());
        JsonObject page = get(TestTokens.READ, "/api/v1/silences");
        assertEquals(LifecycleRoutes.DEFAULT_LIMIT, page.getJsonArray("silences").size());
        assertEquals(1_500, page.getInteger("total"));
        assertEquals(true, page.getBoolean("truncated"));
        JsonObject all = get(TestTokens.READ, "/api/v1/silences?limit=10000");
        assertEquals(1_500, all.getJsonArray("silences").size());
        assertEquals(false, all.getBoolean("truncated"));
    }

    /** Sends a request exactly as written on a new connection and reads the status of the answer (-1 when it closed without one). */
    private int rawStatus(String head, String body) throws Exception {
        try (Socket s = new Socket("127.0.0.1", service.httpPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] start = in.readNBytes(12);
            String answer = new String(start, StandardCharsets.US_ASCII);
            // Netty answers a request line it could not read as HTTP/1.0
            return answer.matches("HTTP/1\\.[01] \\d{3}") ? Integer.parseInt(answer.substring(9, 12)) : -1;
        }
    }
}

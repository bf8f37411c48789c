package io.connwatch.engine.api.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.connwatch.engine.api.AdminRoutes;
import io.connwatch.engine.api.HttpApiVerticle;
import io.connwatch.engine.api.MetricsRoutes;
import io.connwatch.engine.metrics.ConnwatchMetrics;
import io.connwatch.engine.metrics.Readiness;
import io.connwatch.engine.api.ReloadLimit;
import io.connwatch.engine.ingest.IngestStats;
import io.connwatch.engine.ingest.http.HttpIngest;
import io.connwatch.engine.rules.CollectingSink;
import io.connwatch.engine.rules.EventRetention;
import io.connwatch.engine.rules.RuleEngine;
import io.connwatch.engine.rules.RuleHarness;
import io.connwatch.engine.rules.RuleSet;
import io.connwatch.engine.rules.Rows;
import io.connwatch.engine.rules.RulesWatcher;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The guard on a real server on loopback, driven as clients and attackers would: each role
 * against each endpoint, the foreign-origin reload and ingest of the issue, brute force, the
 * console's session cookie and CSRF token, and no token in any log or answer.
 */
class HttpSecurityTest {
    /** Looks like a token, is none of them. */
    private static final String WRONG = "wrong-token-guess-0123456789abcdef";
    private static final String ROW = Rows.boundPort("2024-05-01T10:00:00Z", "m-1").json();

    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<HttpResponse<String>> answers = new ArrayList<>();
    private Vertx vertx;
    private RuleEngine engine;
    private RulesWatcher watcher;
    private IngestStats stats;
    private HttpApiVerticle verticle;
    private ConnwatchMetrics metrics;
    private int port;

    private void start(HttpSecurity.Settings settings) throws Exception {
        engine = new RuleEngine(RuleSet.load(RuleHarness.SHIPPED_RULES, EventRetention.DEFAULT), new CollectingSink(),
            RuleEngine.Settings.defaults(1), Clock.systemUTC());
        watcher = new RulesWatcher(engine, RuleHarness.SHIPPED_RULES);
        stats = new IngestStats();
        metrics = new ConnwatchMetrics(clock);
        metrics.bindIngest(stats);
        Readiness readiness = new Readiness(Readiness.Settings.DEFAULT, new Readiness.Inputs(engine.stats().ruleErrors::sum,
            stats.accepted::sum, null, null), clock);
        AdminRoutes admin = new AdminRoutes(new AdminRoutes.Sources(engine, stats, List::of, Optional.of(watcher::requestReload), Map.of()),
            new ReloadLimit(1_000, clock)).with(new MetricsRoutes(metrics, readiness)::mount);
        vertx = Vertx.vertx();
        verticle = new HttpApiVerticle(new HttpApiVerticle.Settings("127.0.0.1", 0, new HttpIngest(engine, stats, 1 << 20), admin,
            new HttpSecurity(settings, AccessTable.DEFAULT, clock)));
        vertx.deployVerticle(verticle).await();
        port = verticle.actualPort();
    }

    private void start() throws Exception {
        start(HttpSecurity.Settings.withTokens(TestTokens.all()));
    }

    @AfterEach
    void stop() {
        if (vertx != null) {
            vertx.close().await();
        }
        if (watcher != null) {
            watcher.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    /** Sends a request (a body with POST, PUT and DELETE); {@code headers} are name, value pairs. Every answer is kept. */
    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        answers.add(r);
        return r;
    }

    private HttpResponse<String> as(String token, String method, String path) throws Exception {
        String body = method.equals("GET") ? null : method.equals("DELETE") ? "" : ROW;
        return token == null ? send(method, path, body) : send(method, path, body, "Authorization", "Bearer " + token);
    }

    /** A raw request on a new connection, exactly as written; the answer's status (-1 when the connection closed without one). */
    private int raw(String head, String body) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            out.write((head + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return answer.startsWith("HTTP/1.1 ") ? Integer.parseInt(answer.substring(9, 12)) : -1;
        }
    }

    private String version() {
        return engine.rules().releaseId().getVersion();
    }

    @Test
    void eachRoleCanDoExactlyWhatItShouldOnEachEndpoint() throws Exception {
        start(HttpSecurity.Settings.withTokens(TestTokens.all()).withMaxFailuresPerMinute(1_000));
        // columns: no token, a wrong token, read, operate, ingest, admin
        String[] tokens = {null, WRONG, TestTokens.READ, TestTokens.OPERATE, TestTokens.INGEST, TestTokens.ADMIN};
        List<String> table = List.of(
            "GET /health                          200 200 200 200 200 200",
            "GET /ready                           200 200 200 200 200 200",
            "GET /metrics                         401 401 200 200 403 200",
            "POST /metrics                        401 401 403 403 403 405",
            "GET /stats                           401 401 200 200 403 200",
            "GET /rules                           401 401 200 200 403 200",
            "GET /feeds                           401 401 200 200 403 200",
            "GET /api/v1/session                  401 401 200 200 200 200",
            "POST /ingest                         401 401 403 403 200 200",
            "PUT /ingest                          401 401 403 403 403 405",
            "POST /admin/reload                   401 401 403 403 403 200",
            "GET /admin/reload                    401 401 405 405 403 405",
            "GET /api/v1/silences                 401 401 404 404 403 404",
            "POST /api/v1/silences                401 401 403 404 403 404",
            "DELETE /api/v1/silences/s-1          401 401 403 404 403 404",
            "POST /api/v1/alerts/a-1/ack          401 401 403 404 403 404",
            "POST /api/v1/groups/g-1/ack          401 401 403 404 403 404",
            "POST /api/v1/dead-letters/d-1/replay 401 401 403 403 403 404",
            "POST /feeds/refresh                  401 401 403 403 403 404",
            "GET /console/login.html              404 404 404 404 404 404",
            "GET /console/assets/app.js           404 404 404 404 404 404",
            "GET /console/                        401 401 404 404 403 404",
            "GET /console/assets/../../stats      401 401 200 200 403 200",
            "GET /nowhere                         401 401 404 404 403 404");
        List<String> actual = new ArrayList<>();
        for (String row : table) {
            String[] f = row.trim().split("\\s+");
            StringBuilder line = new StringBuilder(String.format("%-6s %-36s", f[0], f[1]));
            for (String token : tokens) {
                line.append(' ').append(as(token, f[0], f[1]).statusCode());
            }
            actual.add(line.toString());
        }
        List<String> expected = table.stream().map(r -> {
            String[] f = r.trim().split("\\s+", 3);
            return String.format("%-6s %-36s", f[0], f[1]) + " " + f[2];
        }).toList();
        assertEquals(String.join("\n", expected), String.join("\n", actual));
        assertEquals("2", version(), "the one admin reload ran, no other request reloaded");
        assertEquals(2, stats.accepted.sum(), "the ingest and admin tokens' rows, nobody else's");
    }

    @Test
    void aRefusalSaysHowToSignInAndNamesNoSecret() throws Exception {
        start();
        HttpResponse<String> none = as(null, "GET", "/stats");
        assertEquals(401, none.statusCode());
        assertEquals("Bearer realm=\"connwatch\"", none.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertEquals("application/json", none.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(new JsonObject(none.body()).getString("error").contains("Authorization: Bearer"), none.body());
        HttpResponse<String> wrong = as(WRONG, "GET", "/stats");
        assertEquals(401, wrong.statusCode());
        assertEquals("Bearer realm=\"connwatch\", error=\"invalid_token\"", wrong.headers().firstValue("WWW-Authenticate").orElseThrow());
        HttpResponse<String> basic = send("GET", "/stats", null, "Authorization", "Basic " + TestTokens.ADMIN);
        assertEquals(401, basic.statusCode(), "only the Bearer scheme");
        HttpResponse<String> lacking = as(TestTokens.INGEST, "GET", "/stats");
        assertEquals(403, lacking.statusCode());
        assertEquals("{\"error\":\"'shipper' may not do this: it needs the role read\"}", lacking.body());
        assertEquals("{\"status\":\"ok\"}", as(null, "GET", "/health").body(), "liveness says nothing more");
    }

    @Test
    void theIssuesForeignOriginReloadIsRefusedAndTheRulesStayAsTheyWere() throws Exception {
        start();
        String admin = "Authorization: Bearer " + TestTokens.ADMIN + "\r\n";
        // the issue's request: a page on evil.example (or rebound to it) asks for a reload
        assertEquals(421, raw("POST /admin/reload HTTP/1.1\r\nHost: evil.example\r\nOrigin: http://evil.example\r\n", ""));
        // even a request that carries a token is refused for the foreign Host and Origin
        assertEquals(421, raw("POST /admin/reload HTTP/1.1\r\nHost: evil.example:" + port + "\r\n" + admin, ""));
        assertEquals(403, raw("POST /admin/reload HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: http://evil.example\r\n" + admin, ""));
        assertEquals(403, raw("POST /admin/reload HTTP/1.1\r\nHost: localhost:" + port + "\r\nOrigin: null\r\n" + admin, ""));
        assertEquals(403, raw("POST /admin/reload HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nSec-Fetch-Site: cross-site\r\n" + admin, ""));
        assertEquals("1", version(), "not reloaded");
        assertNull(engine.lastReload());
        JsonObject counted = verticle.connectionStats();
        assertEquals(2, counted.getLong("hostRefused"));
        assertEquals(3, counted.getLong("originRefused"));

        // the same request from the server's own origin goes through
        assertEquals(200, raw("POST /admin/reload HTTP/1.1\r\nHost: localhost:" + port + "\r\nOrigin: http://localhost:" + port + "\r\n"
            + "Sec-Fetch-Site: same-origin\r\n" + admin, ""));
        assertEquals("2", version());
    }

    @Test
    void theIssuesCrossOriginTextPlainIngestIsRefused() throws Exception {
        start();
        String head = "POST /ingest HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: text/plain\r\n";
        // a form or fetch() with text/plain needs no CORS preflight: the browser sends it as is
        assertEquals(403, raw(head + "Origin: http://evil.example\r\n", ROW));
        assertEquals(403, raw(head + "Origin: http://evil.example\r\nAuthorization: Bearer " + TestTokens.INGEST + "\r\n", ROW));
        assertEquals(421, raw("POST /ingest HTTP/1.1\r\nHost: evil.example\r\nContent-Type: text/plain\r\n", ROW));
        assertEquals(401, raw(head, ROW), "no Origin, no token: still nothing without signing in");
        assertEquals(0, stats.accepted.sum(), "nothing was ingested");
        assertEquals(200, raw(head + "Origin: http://127.0.0.1:" + port + "\r\nAuthorization: Bearer " + TestTokens.INGEST + "\r\n", ROW));
        assertEquals(1, stats.accepted.sum());
    }

    @Test
    void allowedHostsCanNameTheServersOwnNameOrBeTurnedOff() throws Exception {
        start(HttpSecurity.Settings.withTokens(TestTokens.all()).withAllowedHosts(List.of("connwatch.example.com")));
        assertEquals(421, raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n", ""), "the list replaces the loopback names");
        assertEquals(200, raw("GET /health HTTP/1.1\r\nHost: CONNWATCH.example.com.\r\n", ""));
        stop();
        start(HttpSecurity.Settings.withTokens(TestTokens.all()).withAllowedHosts(List.of("*")));
        assertEquals(200, raw("GET /health HTTP/1.1\r\nHost: anything.example\r\n", ""));
        assertEquals(200, raw("GET /health HTTP/1.1\r\nHost: [::1]:" + port + "\r\n", ""));
    }

    @Test
    void guessingTokensIsSlowedToTwentyAMinutePerAddress() throws Exception {
        start();
        for (int i = 0; i < HttpSecurity.Settings.DEFAULT_MAX_FAILURES_PER_MINUTE; i++) {
            assertEquals(401, as(WRONG + i, "GET", "/stats").statusCode(), "guess " + i);
        }
        HttpResponse<String> limited = as(WRONG, "GET", "/stats");
        assertEquals(429, limited.statusCode());
        assertEquals("60", limited.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(429, as(TestTokens.READ, "GET", "/stats").statusCode(), "not even checked: a right guess would tell");
        HttpResponse<String> signIn = send("POST", "/api/v1/session", new JsonObject().put("token", TestTokens.READ).encode(),
            "Content-Type", "application/json");
        assertEquals(429, signIn.statusCode(), "the console's sign-in counts the same");
        assertEquals(200, as(null, "GET", "/health").statusCode(), "liveness stays open");
        assertEquals(401, as(null, "GET", "/stats").statusCode(), "no token is no guess");

        clock.advance(Duration.ofSeconds(30));
        assertEquals("30", as(WRONG, "GET", "/stats").headers().firstValue("Retry-After").orElseThrow());
        clock.advance(Duration.ofSeconds(30));
        HttpResponse<String> after = as(TestTokens.READ, "GET", "/stats");
        assertEquals(200, after.statusCode(), "a minute later");
        JsonObject counters = verticle.connectionStats();
        assertEquals(20, counters.getLong("authFailures"));
        assertEquals(4, counters.getLong("authRateLimited"));
        assertEquals(1, counters.getLong("unauthenticated"));
    }

    private static String cookieValue(HttpResponse<String> r) {
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void theConsoleSignsInWithAnHttpOnlyStrictCookieAndEveryChangeCarriesTheCsrfToken() throws Exception {
        start();
        HttpResponse<String> signIn = send("POST", "/api/v1/session", new JsonObject().put("token", TestTokens.OPERATE).encode(),
            "Content-Type", "application/json", "Origin", "http://127.0.0.1:" + port);
        assertEquals(200, signIn.statusCode(), signIn.body());
        String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.matches("connwatch_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Expires=[^;]+; Path=/; (?i:HttpOnly); SameSite=Strict"),
            setCookie);
        assertFalse(setCookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back");
        assertEquals("no-store", signIn.headers().firstValue("Cache-Control").orElseThrow());
        JsonObject session = new JsonObject(signIn.body());
        assertEquals(List.of("csrfToken", "name", "roles", "expires"), List.copyOf(session.fieldNames()));
        assertEquals("operator", session.getString("name"));
        assertEquals(List.of("operate"), session.getJsonArray("roles").getList());
        assertEquals("2024-05-01T22:00:00Z", session.getString("expires"));
        String csrf = session.getString("csrfToken");
        String cookie = cookieValue(signIn);

        assertEquals(session, new JsonObject(send("GET", "/api/v1/session", null, "Cookie", cookie).body()));
        assertEquals(200, send("GET", "/stats", null, "Cookie", cookie).statusCode(), "reads need no CSRF token");
        assertEquals(403, send("POST", "/api/v1/silences", "{}", "Cookie", cookie).statusCode(), "a change without the CSRF token");
        assertEquals(403, send("POST", "/api/v1/silences", "{}", "Cookie", cookie, "X-CSRF-Token", csrf + "x").statusCode());
        assertEquals(404, send("POST", "/api/v1/silences", "{}", "Cookie", cookie, "X-CSRF-Token", csrf).statusCode(),
            "through the guard (the route is not there yet)");
        assertEquals(403, send("POST", "/ingest", ROW, "Cookie", cookie, "X-CSRF-Token", csrf).statusCode(), "operate may not ingest");
        assertEquals(403, send("POST", "/api/v1/silences", "{}", "Cookie", cookie, "X-CSRF-Token", csrf, "Origin", "http://evil.example")
            .statusCode(), "and never from another origin");
        assertEquals(1, verticle.connectionStats().getLong("sessions"));

        assertEquals(403, send("DELETE", "/api/v1/session", "", "Cookie", cookie).statusCode(), "signing out is a change too");
        HttpResponse<String> out = send("DELETE", "/api/v1/session", "", "Cookie", cookie, "X-CSRF-Token", csrf);
        assertEquals(204, out.statusCode());
        assertTrue(out.headers().firstValue("Set-Cookie").orElseThrow().startsWith("connwatch_session=; Max-Age=0;"),
            out.headers().firstValue("Set-Cookie").orElseThrow());
        assertEquals(401, send("GET", "/stats", null, "Cookie", cookie).statusCode(), "the session is gone");
        assertEquals(0, verticle.connectionStats().getLong("sessions"));
    }

    @Test
    void aBrowserOpeningTheConsoleWithoutASessionIsSentToItsSignInPageAndEverythingElseStaysJson() throws Exception {
        start();
        for (String page : List.of("/console", "/console/", "/console/index.html")) {
            HttpResponse<String> opened = send("GET", page, null, "Sec-Fetch-Mode", "navigate", "Accept", "text/html");
            assertEquals(303, opened.statusCode(), page);
            assertEquals("/console/login.html", opened.headers().firstValue("Location").orElseThrow(), page);
            assertEquals("", opened.body());
        }
        assertEquals(303, send("GET", "/console/", null, "Cookie", HttpSecurity.SESSION_COOKIE + "=ended-session-0123456789abcdef",
            "Sec-Fetch-Mode", "navigate").statusCode(), "an ended session too");
        assertEquals(303, send("GET", "/console/", null, "Accept", "text/html,application/xhtml+xml").statusCode(),
            "a browser that sends no Sec-Fetch-Mode");
        // a script's request, an API path, a change, or a client asking for JSON: the refusal as before
        assertEquals(401, send("GET", "/console/", null, "Sec-Fetch-Mode", "cors", "Accept", "text/html").statusCode());
        assertEquals(401, send("GET", "/stats", null, "Sec-Fetch-Mode", "navigate", "Accept", "text/html").statusCode());
        assertEquals(401, send("GET", "/console/rules.html", null, "Sec-Fetch-Mode", "navigate").statusCode());
        assertEquals(401, send("POST", "/console/", "", "Sec-Fetch-Mode", "navigate", "Accept", "text/html").statusCode());
        HttpResponse<String> json = send("GET", "/console/", null, "Accept", "application/json");
        assertEquals(401, json.statusCode());
        assertTrue(new JsonObject(json.body()).getString("error").contains("sign in"), json.body());
        // signed in, the guard lets the page through (no console is mounted on this server: 404)
        assertEquals(404, send("GET", "/console/", null, "Sec-Fetch-Mode", "navigate", "Authorization", "Bearer " + TestTokens.READ)
            .statusCode());
    }

    @Test
    void aSessionEndsAfterTwelveHoursAndSignInAcceptsAFormButNoWrongToken() throws Exception {
        start();
        HttpResponse<String> form = send("POST", "/api/v1/session", "token=" + TestTokens.READ,
            "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(200, form.statusCode(), form.body());
        String cookie = cookieValue(form);
        clock.advance(Duration.ofHours(12).minusSeconds(1));
        assertEquals(200, send("GET", "/rules", null, "Cookie", cookie).statusCode());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(401, send("GET", "/rules", null, "Cookie", cookie).statusCode(), "expired");

        HttpResponse<String> wrong = send("POST", "/api/v1/session", new JsonObject().put("token", WRONG).encode(),
            "Content-Type", "application/json");
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty());
        assertEquals(400, send("POST", "/api/v1/session", "{\"token\": 5}", "Content-Type", "application/json").statusCode());
        assertEquals(415, send("POST", "/api/v1/session", TestTokens.READ, "Content-Type", "text/plain").statusCode());
        assertEquals(403, send("POST", "/api/v1/session", new JsonObject().put("token", TestTokens.READ).encode(),
            "Content-Type", "application/json", "Origin", "http://evil.example").statusCode(), "no sign-in from another origin");
        HttpResponse<String> bearer = send("GET", "/api/v1/session", null, "Authorization", "Bearer " + TestTokens.INGEST);
        assertEquals("{\"name\":\"shipper\",\"roles\":[\"ingest\"]}", bearer.body(), "a bearer token needs no CSRF token");
        assertEquals(2, verticle.connectionStats().getLong("authFailures"), "the expired cookie and the wrong token");
    }

    @Test
    void noTokenAppearsInAnyLogOrAnswer() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Level level = root.getLevel();
        root.addAppender(logs);
        root.setLevel(Level.DEBUG);
        try {
            start();
            as(WRONG, "GET", "/stats");
            as(WRONG, "POST", "/ingest");
            as(TestTokens.READ, "GET", "/stats");
            as(TestTokens.READ, "POST", "/admin/reload");
            as(TestTokens.INGEST, "POST", "/ingest");
            send("POST", "/ingest", "{\"Machine\": \"m-1\"}\n" + "x".repeat(300), "Authorization", "Bearer " + TestTokens.INGEST);
            as(TestTokens.ADMIN, "POST", "/admin/reload");
            send("POST", "/api/v1/session", new JsonObject().put("token", WRONG).encode(), "Content-Type", "application/json");
            send("POST", "/api/v1/session", "token=" + TestTokens.OPERATE, "Content-Type", "application/x-www-form-urlencoded");
            send("GET", "/stats", null, "Authorization", WRONG);
            send("POST", "/admin/reload", null, "Authorization", "Bearer " + TestTokens.ADMIN, "Origin", "http://evil.example");
        } finally {
            root.detachAppender(logs);
            root.setLevel(level);
        }
        assertEquals(11, answers.size());
        List<String> secrets = List.of(WRONG, TestTokens.READ, TestTokens.OPERATE, TestTokens.INGEST, TestTokens.ADMIN);
        for (ILoggingEvent e : logs.list) {
            StringBuilder text = new StringBuilder(e.getFormattedMessage());
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append(' ').append(t.getMessage());
            }
            for (String s : secrets) {
                assertFalse(text.toString().contains(s), "a token in the log: " + e);
            }
        }
        for (HttpResponse<String> r : answers) {
            for (String s : secrets) {
                assertFalse(r.body().contains(s), "a token in an answer: " + r.body());
                assertFalse(r.headers().map().toString().contains(s), "a token in a header: " + r.headers().map());
            }
        }
    }

    @Test
    void theAccessTableDecidesByItsFirstMatchingRow() {
        AccessTable t = AccessTable.DEFAULT;
        Map<String, AccessTable.Access> cases = new LinkedHashMap<>();
        cases.put("HEAD /stats", AccessTable.Access.READ);
        cases.put("GET /health/", AccessTable.Access.PUBLIC);
        cases.put("POST /health", AccessTable.Access.ADMIN);
        cases.put("GET /ready", AccessTable.Access.PUBLIC);
        cases.put("DELETE /ready", AccessTable.Access.ADMIN);
        cases.put("GET /metrics", AccessTable.Access.READ);
        cases.put("GET /console/assets", AccessTable.Access.PUBLIC);
        cases.put("GET /console/assets/css/app.css", AccessTable.Access.PUBLIC);
        cases.put("GET /console/login.html/x", AccessTable.Access.READ);
        cases.put("PUT /api/v1/silences/s-1", AccessTable.Access.OPERATE);
        cases.put("POST /api/v1/alerts//ack", AccessTable.Access.ADMIN);
        cases.put("POST /api/v1/alerts/a/b/ack", AccessTable.Access.ADMIN);
        cases.put("OPTIONS /ingest", AccessTable.Access.ADMIN);
        cases.put("GET /ack", AccessTable.Access.PUBLIC);
        cases.put("POST /ack", AccessTable.Access.PUBLIC);
        cases.put("PUT /ack", AccessTable.Access.ADMIN);
        cases.put("POST /ack/x", AccessTable.Access.ADMIN);
        cases.put("POST /api/v1/groups/default:%7Bcomputer%3D%22web-01%22%7D/ack", AccessTable.Access.OPERATE);
        cases.put("POST /api/v1/groups/a%2Fb/ack", AccessTable.Access.OPERATE);
        cases.put("POST /api/v1/dead-letters/replay", AccessTable.Access.ADMIN);
        cases.put("POST /api/v1/dead-letters/drop", AccessTable.Access.ADMIN);
        Map<String, AccessTable.Access> actual = new LinkedHashMap<>();
        cases.keySet().forEach(c -> actual.put(c, t.access(c.split(" ")[0], c.split(" ")[1])));
        assertEquals(cases, actual);
        AccessTable more = t.withRowsFirst(List.of(new AccessTable.Row("POST", "/api/v1/notes/*", AccessTable.Access.OPERATE)));
        assertEquals(AccessTable.Access.OPERATE, more.access("POST", "/api/v1/notes/n-1"));
        assertEquals(AccessTable.Access.ADMIN, t.access("POST", "/api/v1/notes/n-1"));
    }
}

package io.connwatch.engine.workbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.Rows;
import io.connwatch.engine.service.ConnwatchService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The console's sign-in, Alerts, Silences and Delivery pages in a real headless chromium against
 * the real service on loopback, delivering to a loopback webhook, with the demo ingested over
 * HTTP: signing in with a token, the demo's alerts in their groups, an alert silenced from its
 * labels shown silenced and held back from the webhook until the silence is expired (and a change
 * without the CSRF token refused), a group acknowledged through a key that needs URL-encoding,
 * and a dead letter seen and replayed from the Delivery page. The tests share one service and
 * touch different groups; their order only makes the screenshots tell the story.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleLifecycleBrowserTest {
    static final String HOSTILE = "<img src=x onerror=alert(1)>";
    /** A computer reporting a wildcard bind under a name with markup and what a group key must escape in a URL: a slash, quotes, braces. */
    static final String HOSTILE_COMPUTER = "evil/\"host\" {x=1} " + HOSTILE;
    /** The demo's 15 alerts (14, and masscan's SMB sweep of public addresses) and the hostile computer's wildcard bind. */
    static final int ALERTS = 16;
    /** The demo's eight computers with alerts, and the hostile one: alerts are grouped by computer. */
    static final int GROUPS = 9;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request the loopback webhook took, and the status it answered. */
    private record Received(JsonNode body, int status) {
        boolean carries(String fingerprint) {
            for (JsonNode a : body.path("alerts")) {
                if (fingerprint.equals(a.path("fingerprint").asText())) {
                    return true;
                }
            }
            return false;
        }

        boolean about(String groupKey) {
            return groupKey.equals(body.path("groupKey").asText());
        }
    }

    @TempDir
    static Path tmp;
    private HttpServer receiver;
    /** Every request to the webhook, in the order it came (one delivery thread per receiver: the order it was queued). */
    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** The id of the notification the webhook refused (400, a dead letter at once): the first about db-001. */
    private final AtomicReference<String> refused = new AtomicReference<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ConnwatchService service;
    private Browser browser;
    private String base;

    @BeforeAll
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
            boolean refuse = body.path("groupKey").asText().contains("db-001.contoso.com")
                && refused.compareAndSet(null, body.path("id").asText());
            int status = refuse ? 400 : 200;
            received.add(new Received(body, status));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        receiver.start();
        browser = Browser.start();
        String config = """
            rules:
              directory: %s
              watch: 0s
              idle-close: 1s
            http:
              port: 0
              auth:
                tokens:
                  - {name: alice, roles: [admin], token: %s}
                  - {name: shipper, roles: [ingest], token: %s}
                  - {name: reader, roles: [read], token: %s}
            outputs:
              console: false
              jsonl: ""
            notify:
              outbox: %s
              state: %s
              group-wait: 1s
              group-interval: 2s
              repeat-interval: 2s
              receivers:
                - {name: hook, type: webhook, url: "http://127.0.0.1:%d/alerts"}
              default-receivers: [hook]
            threat-intel:
              feeds:
                - {name: feodo, format: feodo-csv, path: %s}
                - {name: rfc1918, format: misp-warninglist, path: %s}
            """.formatted(Path.of("..", "rules").toAbsolutePath(), TestTokens.ADMIN, TestTokens.INGEST, TestTokens.READ,
            tmp.resolve("outbox"), tmp.resolve("lifecycle"), receiver.getAddress().getPort(),
            Path.of("..", "config", "feeds", "feodo-ipblocklist.csv").toAbsolutePath(),
            Path.of("..", "config", "feeds", "misp-warninglist-rfc1918.json").toAbsolutePath());
        service = ConnwatchService.start(ConnwatchConfig.parse("test", config, Map.of()), new PrintWriter(new StringWriter(), true));
        base = "http://127.0.0.1:" + service.httpPort();
        HttpResponse<String> demo = http.send(HttpRequest.newBuilder(URI.create(base + "/ingest")).header("Content-Encoding", "gzip")
            .header("Authorization", TestTokens.bearer(TestTokens.INGEST))
            .POST(HttpRequest.BodyPublishers.ofFile(Path.of("..", "samples", "demo.jsonl.gz"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, demo.statusCode(), demo.body());
        String hostile = Rows.boundPort("2024-04-01T08:30:00Z", "m-hostile").set("ProcessName", HOSTILE).set("Computer", HOSTILE_COMPUTER)
            .set("Ip", "0.0.0.0").json();
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/ingest"))
            .header("Authorization", TestTokens.bearer(TestTokens.INGEST)).POST(HttpRequest.BodyPublishers.ofString(hostile)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, bad.statusCode(), bad.body());
        // the window rules' last alerts come once rules.idle-close (1 s) has closed the demo's last minutes
        await().until(() -> api("/api/v1/alerts").getInteger("total") == ALERTS);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (service != null) {
            service.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    /** Each test starts signed out and signs in through the sign-in page as alice (admin). */
    @BeforeEach
    void signIn() {
        signOut();
        browser.signIn(base, TestTokens.ADMIN);
    }

    private void signOut() {
        browser.driver.get(base + "/health");
        browser.driver.manage().deleteAllCookies();
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200));
    }

    /** A GET of the API as the reader. */
    private JsonObject api(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization",
            TestTokens.bearer(TestTokens.READ)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return new JsonObject(r.body());
    }

    /** The alert of this rule on this computer, as the API shows it. */
    private JsonObject alert(String rule, String computer) throws Exception {
        JsonArray alerts = api("/api/v1/alerts").getJsonArray("alerts");
        for (int i = 0; i < alerts.size(); i++) {
            JsonObject a = alerts.getJsonObject(i);
            if (rule.equals(a.getString("rule")) && computer.equals(a.getString("computer"))) {
                return a;
            }
        }
        throw new AssertionError("no " + rule + " alert on " + computer + ": " + alerts.encode());
    }

    private JsonObject group(String groupKey) throws Exception {
        JsonArray groups = api("/api/v1/alerts/groups").getJsonArray("groups");
        for (int i = 0; i < groups.size(); i++) {
            if (groupKey.equals(groups.getJsonObject(i).getString("groupKey"))) {
                return groups.getJsonObject(i);
            }
        }
        throw new AssertionError("no group " + groupKey + ": " + groups.encode());
    }

    private void open(String route) {
        browser.driver.get(base + "/console/#" + route);
    }

    private long rows(String table) {
        return browser.driver.findElements(By.cssSelector("table[data-table='" + table + "'] tbody tr")).size();
    }

    /** The alert's row on the Alerts page (found by its fingerprint, which the page sets as data). */
    private static By alertRow(String fingerprint) {
        return By.cssSelector("tr[data-fingerprint='" + fingerprint + "']");
    }

    /** The group's box on the Alerts page: found by script, as a group key holds quotes and braces. */
    private WebElement groupBox(String groupKey) {
        return (WebElement) browser.script(
            "return [...document.querySelectorAll('section.group')].find(s => s.dataset.groupKey === arguments[0]) || null;", groupKey);
    }

    /** Whether the group's box says it is acknowledged ("true", "false"; null while it is not shown). */
    private String acknowledged(String groupKey) {
        WebElement box = groupBox(groupKey);
        return box == null ? null : box.getDomAttribute("data-acknowledged");
    }

    /** Clicks what {@code css} finds in the group's box, again if a redraw replaced the box meanwhile. */
    private void clickInGroup(String groupKey, String css) {
        browser.waiting().until(d -> {
            groupBox(groupKey).findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    /**
     * The text of each element {@code css} finds, read in one script: the pages redraw while they
     * poll, so elements read one by one could be replaced in between.
     */
    @SuppressWarnings("unchecked")
    private List<String> texts(String css) {
        return (List<String>) browser.script("return [...document.querySelectorAll(arguments[0])].map(e => e.innerText);", css);
    }

    /** What the webhook took so far (a copy: it goes on taking requests). */
    private List<Received> taken() {
        return List.copyOf(received);
    }

    /** The requests from the {@code from}-th on that match. */
    private List<Received> received(int from, Predicate<Received> which) {
        List<Received> all = taken();
        List<Received> out = new ArrayList<>();
        for (Received r : all.subList(Math.min(from, all.size()), all.size())) {
            if (which.test(r)) {
                out.add(r);
            }
        }
        return out;
    }

    private void assertNoInjectedMarkup() {
        assertEquals(0L, browser.script("return document.querySelectorAll('img').length;"), "no element made from data");
        try {
            browser.driver.switchTo().alert();
            throw new AssertionError("a script from the data ran (an alert dialog is open)");
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    @Test
    @Order(1)
    void openingTheConsoleAsksForTheTokenAndThenShowsTheDemosAlertsInTheirGroups() throws Exception {
        signOut();
        open("/alerts");
        browser.waiting().until(d -> d.getCurrentUrl().contains("/console/login.html"));
        assertTrue(browser.driver.getCurrentUrl().endsWith("#/alerts"), "the route is kept: " + browser.driver.getCurrentUrl());
        browser.driver.findElement(By.id("token")).sendKeys("not-the-token-0123456789abcdef");
        browser.driver.findElement(By.id("login-submit")).click();
        browser.waiting().until(d -> d.findElement(By.id("login-message")).getText().contains("not accepted"));
        WebElement token = browser.driver.findElement(By.id("token"));
        token.clear();
        token.sendKeys(TestTokens.ADMIN);
        browser.screenshot("login");
        browser.driver.findElement(By.id("login-submit")).click();

        browser.waiting().until(d -> d.findElements(By.cssSelector("section.group")).size() == GROUPS && rows("alerts") == ALERTS);
        assertTrue(browser.driver.getCurrentUrl().endsWith("#/alerts"), browser.driver.getCurrentUrl());
        assertEquals("alice", browser.driver.findElement(By.id("session-name")).getText());
        assertNotNull(browser.script("return sessionStorage.getItem('connwatch.csrf');"), "the session's CSRF token is kept for changes");
        // each alert is shown in the state the API gives it
        @SuppressWarnings("unchecked")
        Map<String, Map<String, String>> shown = (Map<String, Map<String, String>>) browser.script("""
            const out = {};
            for (const tr of document.querySelectorAll('#alert-groups tr[data-fingerprint]')) {
              out[tr.dataset.fingerprint] = {state: tr.dataset.state, badge: tr.querySelector('.state').innerText, text: tr.innerText,
                attack: [...tr.querySelectorAll('.attack a')].map(a => a.innerText + ' ' + a.getAttribute('href')).join(' | ')};
            }
            out.page = {text: document.getElementById('alert-groups').innerText};
            return out;""");
        JsonArray alerts = api("/api/v1/alerts").getJsonArray("alerts");
        assertEquals(ALERTS, alerts.size());
        for (int i = 0; i < alerts.size(); i++) {
            JsonObject a = alerts.getJsonObject(i);
            Map<String, String> row = shown.get(a.getString("fingerprint"));
            assertNotNull(row, "every alert is listed: " + a.encode());
            assertEquals(a.getString("state"), row.get("state"), a.encode());
            assertEquals(a.getString("state"), row.get("badge"));
            assertTrue(row.get("text").contains(a.getJsonObject("annotations").getString("summary")), row.get("text"));
            // its ATT&CK ids, each linked to its page
            JsonObject labels = a.getJsonObject("labels");
            assertEquals(attackLinks(labels.getString("tactic") + "," + labels.getString("technique")), row.get("attack"), a.encode());
        }
        String page = shown.get("page").get("text");
        assertTrue(page.contains("rule=malicious-remote-ip-outbound"), page);
        assertTrue(page.contains("computer=app-001.contoso.com"), page);
        assertTrue(page.contains("inhibited by connection-failure-spike-machine"),
            "the demo's failure ratio alerts are inhibited by their spikes, named by rule: " + page);
        assertTrue(page.contains("computer=" + HOSTILE_COMPUTER), "hostile names are shown as text: " + page);
        assertTrue(browser.driver.findElement(By.id("alerts-status")).getText().startsWith(GROUPS + " group(s), " + ALERTS + " alert(s)"));
        assertNoInjectedMarkup();
        browser.screenshot("alerts-real");

        browser.driver.findElement(By.id("logout")).click();
        browser.waiting().until(d -> d.getCurrentUrl().contains("/console/login.html"));
        open("/alerts");
        browser.waiting().until(d -> d.getCurrentUrl().contains("/console/login.html"));
    }

    /** What the Alerts page shows for these ids: each id and its attack.mitre.org link. */
    private static String attackLinks(String ids) {
        List<String> out = new ArrayList<>();
        for (String id : ids.split(",")) {
            out.add(id + " https://attack.mitre.org/" + (id.startsWith("TA") ? "tactics/" : "techniques/") + id.replace('.', '/') + "/");
        }
        return String.join(" | ", out);
    }

    @Test
    @Order(2)
    void anAlertSilencedFromItsLabelsIsShownSilencedAndHeldBackFromTheWebhookUntilTheSilenceIsExpired() throws Exception {
        // app-001's inbound alert shares its group with the critical C2 alert, so the group keeps being sent while it is silenced
        JsonObject target = alert("malicious-inbound-open-port", "app-001.contoso.com");
        String fp = target.getString("fingerprint");
        String groupKey = target.getJsonArray("groups").getString(0);
        await().until(() -> !received(0, r -> r.status() == 200 && r.carries(fp)).isEmpty());

        open("/alerts");
        browser.waiting().until(d -> "active".equals(d.findElement(alertRow(fp)).getDomAttribute("data-state")));
        browser.click(By.cssSelector("tr[data-fingerprint='" + fp + "'] button.silence"));
        browser.waiting().until(d -> d.getCurrentUrl().endsWith("#/silences/new"));
        List<String> names = browser.driver.findElements(By.cssSelector("#matchers .m-name")).stream().map(e -> e.getDomProperty("value")).toList();
        List<String> values = browser.driver.findElements(By.cssSelector("#matchers .m-value")).stream().map(e -> e.getDomProperty("value")).toList();
        List<String> ops = browser.driver.findElements(By.cssSelector("#matchers .m-op")).stream().map(e -> e.getDomProperty("value")).toList();
        Map<String, Object> labels = target.getJsonObject("labels").getMap();
        assertEquals(List.copyOf(labels.keySet()), names, "one matcher per label of the alert");
        assertEquals(labels.values().stream().map(String::valueOf).toList(), values);
        assertEquals(labels.keySet().stream().map(k -> "=").toList(), ops);
        assertEquals("alice", browser.driver.findElement(By.id("created-by")).getDomProperty("value"));

        browser.driver.findElement(By.id("preview-button")).click();
        browser.waiting().until(d -> rows("preview") == 1);
        assertEquals(fp, browser.driver.findElement(By.cssSelector("table[data-table='preview'] tbody tr")).getDomAttribute("data-fingerprint"));
        assertEquals("1 alert(s) match", browser.driver.findElement(By.id("preview-count")).getText());
        browser.driver.findElement(By.id("comment")).sendKeys("known scanner, ticket SEC-42");
        browser.screenshot("silence-form");
        browser.driver.findElement(By.id("save-silence")).click();

        browser.waiting().until(d -> d.getCurrentUrl().endsWith("#/silences") && d.findElement(By.id("silences-message")).getText().endsWith(" created."));
        String created = browser.driver.findElement(By.id("silences-message")).getText();
        String id = created.substring("Silence ".length(), created.length() - " created.".length());
        JsonObject silence = api("/api/v1/silences/" + id);
        assertEquals("active", silence.getJsonObject("status").getString("state"));
        assertEquals("alice", silence.getString("createdBy"));
        assertEquals("known scanner, ticket SEC-42", silence.getString("comment"));
        JsonArray matchers = silence.getJsonArray("matchers");
        assertEquals(labels.size(), matchers.size());
        for (int i = 0; i < matchers.size(); i++) {
            JsonObject m = matchers.getJsonObject(i);
            assertEquals("=", m.getString("op"));
            assertEquals(labels.get(m.getString("name")), m.getString("value"), m.encode());
        }
        assertTrue(Duration.between(Instant.now(), Instant.parse(silence.getString("endsAt"))).compareTo(Duration.ofMinutes(118)) > 0,
            "two hours by default: " + silence.encode());

        open("/alerts");
        browser.waiting().until(d -> "silenced".equals(d.findElement(alertRow(fp)).getDomAttribute("data-state")));
        assertEquals(List.of("silenced by " + id), texts("tr[data-fingerprint='" + fp + "'] .why"));
        assertEquals("silenced", api("/api/v1/alerts?filter=" + java.net.URLEncoder.encode("{rule=\"malicious-inbound-open-port\"}",
            java.nio.charset.StandardCharsets.UTF_8)).getJsonArray("alerts").getJsonObject(0).getString("state"));
        browser.script("document.querySelector(arguments[0]).scrollIntoView({block: 'center'});", "tr[data-fingerprint='" + fp + "']");
        browser.screenshot("silenced");

        // The group's first message decided after the silence counts the alert as held back; from it on, twice over, the
        // group goes on being sent (the critical alert repeats) and no message carries the silenced alert.
        Predicate<Received> countsItHeld = r -> r.about(groupKey) && r.body().path("counts").path("silenced").asInt() >= 1;
        await().until(() -> received(0, countsItHeld).size() >= 2);
        List<Received> taken = taken();
        int until = taken.size();
        List<Received> afterSilence = taken.subList(taken.indexOf(received(0, countsItHeld).get(0)), until);
        assertEquals(List.of(), afterSilence.stream().filter(r -> r.carries(fp)).toList(), "nothing carried the silenced alert");
        assertTrue(afterSilence.stream().filter(r -> r.about(groupKey)).allMatch(r -> r.body().path("alerts").size() == 1
            && "malicious-remote-ip-outbound".equals(r.body().path("alerts").get(0).path("rule").asText())), "the group without it");

        // Expiring from the Silences page: without the session's CSRF token the server refuses, and the page says so.
        open("/silences");
        By row = By.cssSelector("tr[data-silence-id='" + id + "']");
        browser.waiting().until(d -> "active".equals(d.findElement(row).getDomAttribute("data-state")));
        assertTrue(texts("tr[data-silence-id='" + id + "']").get(0).contains("known scanner, ticket SEC-42"));
        browser.screenshot("silences-real");
        browser.script("sessionStorage.removeItem('connwatch.csrf');");
        browser.click(By.cssSelector("tr[data-silence-id='" + id + "'] button.expire"));
        browser.waiting().until(d -> d.findElement(By.id("silences-message")).getText().contains("X-CSRF-Token"));
        assertEquals("active", api("/api/v1/silences/" + id).getJsonObject("status").getString("state"));
        assertEquals(1L, api("/stats").getJsonObject("http").getLong("csrfRefused"));
        browser.driver.navigate().refresh();
        browser.waiting().until(d -> d.findElements(row).size() == 1);
        int expiredAt = received.size();
        assertEquals(List.of(), received(until, r -> r.carries(fp)), "still nothing carried it");
        browser.click(By.cssSelector("tr[data-silence-id='" + id + "'] button.expire"));
        browser.waiting().until(d -> "expired".equals(d.findElement(row).getDomAttribute("data-state")));
        assertEquals(List.of(), browser.driver.findElements(By.cssSelector("tr[data-silence-id='" + id + "'] button.expire")));
        assertEquals("Silence " + id + " expired.", browser.driver.findElement(By.id("silences-message")).getText());
        assertEquals("expired", api("/api/v1/silences/" + id).getJsonObject("status").getString("state"));

        // the alert is active again, on the page and in the group's next message
        open("/alerts");
        browser.waiting().until(d -> "active".equals(d.findElement(alertRow(fp)).getDomAttribute("data-state")));
        await().until(() -> !received(expiredAt, r -> r.status() == 200 && r.carries(fp)).isEmpty());
    }

    @Test
    @Order(3)
    void aGroupAcknowledgedOnTheAlertsPageIsMarkedAcknowledgedAndItsRepeatsStop() throws Exception {
        JsonObject hostile = alert("unexpected-wildcard-bind", HOSTILE_COMPUTER);
        String groupKey = hostile.getJsonArray("groups").getString(0);
        assertTrue(groupKey.contains("/") && groupKey.contains("\""), "a key that needs encoding in the path: " + groupKey);
        open("/alerts");
        browser.waiting().until(d -> "false".equals(acknowledged(groupKey)));
        browser.waiting().until(d -> {
            groupBox(groupKey).findElement(By.cssSelector("input[aria-label='acknowledgement comment']")).sendKeys("on it, INC-7 " + HOSTILE);
            return true;
        });
        // with a comment being written the page stops redrawing, so the box stays the same until Acknowledge
        WebElement box = groupBox(groupKey);
        new Select(box.findElement(By.cssSelector("select[aria-label='acknowledge for']"))).selectByValue("4");
        long skippedBefore = api("/stats").getJsonObject("lifecycle").getJsonObject("notifications").getLong("repeatsSkippedAcknowledged");
        box.findElement(By.cssSelector("button.acknowledge")).click();

        browser.waiting().until(d -> "true".equals(acknowledged(groupKey)));
        @SuppressWarnings("unchecked")
        Map<String, Object> acked = (Map<String, Object>) browser.script("""
            const box = [...document.querySelectorAll('section.group')].find(s => s.dataset.groupKey === arguments[0]);
            box.scrollIntoView({block: 'center'});
            return {badge: box.querySelector('.ack-state').innerText, text: box.innerText,
              states: [...box.querySelectorAll('tr[data-fingerprint]')].map(tr => tr.dataset.state)};""", groupKey);
        assertEquals("acknowledged", acked.get("badge"));
        String text = (String) acked.get("text");
        assertTrue(text.contains("by alice at "), text);
        assertTrue(text.contains("on it, INC-7 " + HOSTILE), text);
        assertEquals(List.of("acknowledged"), acked.get("states"), "its alert is shown acknowledged");
        JsonObject ack = group(groupKey).getJsonObject("acknowledged");
        assertEquals("alice", ack.getString("by"));
        assertEquals("on it, INC-7 " + HOSTILE, ack.getString("comment"));
        Duration until = Duration.between(Instant.now(), Instant.parse(ack.getString("until")));
        assertTrue(until.compareTo(Duration.ofMinutes(235)) > 0 && until.compareTo(Duration.ofHours(4)) <= 0, "4 h: " + ack.encode());
        assertNoInjectedMarkup();
        browser.screenshot("acknowledged");
        await().until(() -> api("/stats").getJsonObject("lifecycle").getJsonObject("notifications")
            .getLong("repeatsSkippedAcknowledged") > skippedBefore);

        clickInGroup(groupKey, "button.withdraw");
        browser.waiting().until(d -> "false".equals(acknowledged(groupKey)));
        assertTrue(group(groupKey).getValue("acknowledged") == null, "withdrawn");
    }

    @Test
    @Order(4)
    void theDeliveryPageShowsTheReceiversCountersAndReplaysADeadLetter() throws Exception {
        await().until(() -> refused.get() != null);
        String dead = refused.get();
        open("/delivery");
        browser.waiting().until(d -> rows("receivers") == 1 && rows("dead-letters") == 1);
        List<String> cells = texts("table[data-table='receivers'] tr[data-receiver='hook'] td");
        // Receiver, Delivered, Alerts delivered, Pending, Failures, Dead-lettered, Dead letters held, Circuit, ...
        assertEquals("hook", cells.get(0));
        assertTrue(Long.parseLong(cells.get(1).replace(",", "")) > 0, "delivered: " + cells);
        assertTrue(Long.parseLong(cells.get(2).replace(",", "")) >= Long.parseLong(cells.get(1).replace(",", "")), cells.toString());
        assertEquals(List.of("1", "1", "1", "closed"), cells.subList(4, 8), "one failure, dead-lettered and held: " + cells);
        String letter = texts("table[data-table='dead-letters'] tbody tr").get(0);
        assertTrue(letter.contains("db-001.contoso.com"), letter);
        assertTrue(letter.contains("HTTP 400"), "the receiver's answer: " + letter);
        assertTrue(texts("#lifecycle-kpis").get(0).contains("notifications firing"));
        browser.screenshot("delivery-real");

        int before = received.size();
        browser.click(By.cssSelector("table[data-table='dead-letters'] button.replay"));
        browser.waiting().until(d -> d.findElement(By.id("delivery-message")).getText().equals("1 dead letter(s) queued again."));
        await().until(() -> !received(before, r -> r.status() == 200 && dead.equals(r.body().path("id").asText())).isEmpty());
        browser.waiting().until(d -> rows("dead-letters") == 0 && d.findElement(By.id("delivery")).getText().contains("No dead letters."));
        JsonObject receivers = api("/api/v1/receivers").getJsonArray("receivers").getJsonObject(0);
        assertEquals(0, receivers.getInteger("deadLetters"));
        assertEquals(1, receivers.getInteger("deadLettered"));
        assertFalse(received.stream().anyMatch(r -> r.status() == 400 && !dead.equals(r.body().path("id").asText())), "one refusal only");
    }
}

package io.connwatch.engine.workbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The console's sign-in, Alerts and Silences pages in a real headless chromium against the API
 * contract they are written for (session cookie + CSRF token, alert groups, silences, acks),
 * served by a small stand-in on loopback that records what the browser sent.
 */
class ConsoleAlertsBrowserTest {
    private static final String CSRF = "csrf-7f3a";
    private static final String HOSTILE = "<img src=x onerror=alert(1)>";

    private Vertx vertx;
    private HttpServer server;
    private Browser browser;
    private String base;
    private final List<JsonObject> silencesCreated = new CopyOnWriteArrayList<>();
    private final List<String> silencesDeleted = new CopyOnWriteArrayList<>();
    private final List<JsonObject> acks = new CopyOnWriteArrayList<>();
    private final List<List<String>> previews = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        browser = Browser.start();
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        new WorkbookRoutes(new WorkbookStore(WorkbookStore.Limits.DEFAULT)).mount(router);
        router.route("/api/v1/*").handler(BodyHandler.create().setBodyLimit(64 * 1024));
        router.get("/api/v1/session").handler(ctx -> {
            if (signedIn(ctx)) {
                json(ctx, 200, session());
            } else {
                json(ctx, 401, new JsonObject().put("error", "not signed in"));
            }
        });
        router.post("/api/v1/session").handler(ctx -> {
            if ("s3cret".equals(ctx.body().asJsonObject().getString("token"))) {
                ctx.response().putHeader("Set-Cookie", "cw_session=ok; Path=/; HttpOnly; SameSite=Strict");
                json(ctx, 200, session());
            } else {
                json(ctx, 401, new JsonObject().put("error", "unknown token"));
            }
        });
        router.delete("/api/v1/session").handler(ctx -> {
            ctx.response().putHeader("Set-Cookie", "cw_session=; Path=/; Max-Age=0");
            ctx.response().setStatusCode(204).end();
        });
        router.get("/api/v1/alerts/groups").handler(ctx -> guarded(ctx, () -> json(ctx, 200, new JsonArray().add(group()))));
        router.get("/api/v1/alerts").handler(ctx -> guarded(ctx, () -> {
            previews.add(ctx.queryParams().getAll("filter"));
            json(ctx, 200, group().getJsonArray("alerts"));
        }));
        router.get("/api/v1/silences").handler(ctx -> guarded(ctx, () -> {
            JsonArray list = new JsonArray();
            for (int i = 0; i < silencesCreated.size(); i++) {
                if (!silencesDeleted.contains("s-" + (i + 1))) {
                    list.add(silencesCreated.get(i).copy().put("id", "s-" + (i + 1)).put("status", new JsonObject().put("state", "active")));
                }
            }
            json(ctx, 200, list);
        }));
        router.post("/api/v1/silences").handler(ctx -> changing(ctx, () -> {
            silencesCreated.add(ctx.body().asJsonObject());
            json(ctx, 200, new JsonObject().put("silenceID", "s-" + silencesCreated.size()));
        }));
        router.delete("/api/v1/silences/:id").handler(ctx -> changing(ctx, () -> {
            silencesDeleted.add(ctx.pathParam("id"));
            ctx.response().setStatusCode(204).end();
        }));
        router.post("/api/v1/groups/:key/ack").handler(ctx -> changing(ctx, () -> {
            acks.add(ctx.body().asJsonObject().copy().put("groupKey", ctx.pathParam("key")));
            json(ctx, 200, new JsonObject());
        }));
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
        base = "http://127.0.0.1:" + server.actualPort();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    private static boolean signedIn(RoutingContext ctx) {
        return ctx.request().getCookie("cw_session") != null && "ok".equals(ctx.request().getCookie("cw_session").getValue());
    }

    private static JsonObject session() {
        return new JsonObject().put("csrfToken", CSRF).put("name", "alice").put("roles", new JsonArray().add("operator"));
    }

    private static void guarded(RoutingContext ctx, Runnable then) {
        if (!signedIn(ctx)) {
            json(ctx, 401, new JsonObject().put("error", "not signed in"));
        } else {
            then.run();
        }
    }

    /** A request that changes something: signed in, and the CSRF token in its header, or 403 (recorded). */
    private void changing(RoutingContext ctx, Runnable then) {
        guarded(ctx, () -> {
            if (!CSRF.equals(ctx.request().getHeader("X-CSRF-Token"))) {
                refused.add(ctx.request().method() + " " + ctx.request().path());
                json(ctx, 403, new JsonObject().put("error", "missing CSRF token"));
            } else {
                then.run();
            }
        });
    }

    private static JsonObject group() {
        JsonObject labels = new JsonObject().put("alertname", "malicious-remote-ip-outbound").put("computer", "app-001.contoso.com");
        return new JsonObject().put("groupKey", "{}:{alertname=\"malicious-remote-ip-outbound\"}").put("labels",
                new JsonObject().put("alertname", "malicious-remote-ip-outbound"))
            .put("alerts", new JsonArray()
                .add(new JsonObject().put("fingerprint", "a1").put("status", "active").put("labels", labels)
                    .put("annotations", new JsonObject().put("summary", "Outbound connection from python3 to known C2 192.9.135.73"))
                    .put("startsAt", "2024-04-01T08:15:00Z").put("silencedBy", new JsonArray()).put("inhibitedBy", new JsonArray()))
                .add(new JsonObject().put("fingerprint", "a2").put("status", "silenced")
                    .put("labels", labels.copy().put("computer", "web-002.contoso.com").put("process", HOSTILE))
                    .put("annotations", new JsonObject().put("summary", HOSTILE))
                    .put("startsAt", "2024-04-01T08:45:00Z").put("silencedBy", new JsonArray().add("s-0")).put("inhibitedBy", new JsonArray())));
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(
            body instanceof JsonArray a ? a.encode() : ((JsonObject) body).encode());
    }

    private long rows(String table) {
        return browser.driver.findElements(By.cssSelector("table[data-table='" + table + "'] tbody tr")).size();
    }

    @Test
    void signInSeeTheAlertsAcknowledgeAGroupSilenceAnAlertFromItsLabelsAndExpireTheSilence() throws Exception {
        browser.driver.get(base + "/console/#/alerts");
        browser.waiting().until(d -> d.getCurrentUrl().contains("/console/login.html"));
        browser.driver.findElement(By.id("token")).sendKeys("wrong");
        browser.driver.findElement(By.id("login-submit")).click();
        browser.waiting().until(d -> d.findElement(By.id("login-message")).getText().contains("not accepted"));
        WebElement token = browser.driver.findElement(By.id("token"));
        token.clear();
        token.sendKeys("s3cret");
        browser.screenshot("login");
        browser.driver.findElement(By.id("login-submit")).click();

        browser.waiting().until(d -> rows("alerts") == 2);
        assertTrue(browser.driver.getCurrentUrl().endsWith("#/alerts"), browser.driver.getCurrentUrl());
        assertEquals("alice", browser.driver.findElement(By.id("session-name")).getText());
        assertEquals(CSRF, browser.script("return sessionStorage.getItem('connwatch.csrf');"));
        assertTrue(browser.driver.findElement(By.id("alert-groups")).getText().contains(HOSTILE), "hostile text shown as text");
        assertEquals(0L, browser.script("return document.querySelectorAll('img').length;"));
        browser.screenshot("alerts");

        WebElement groupBox = browser.driver.findElement(By.cssSelector("section.group"));
        groupBox.findElement(By.cssSelector("input[aria-label='acknowledgement comment']")).sendKeys("looking into it");
        groupBox.findElement(By.xpath(".//button[text()='Acknowledge']")).click();
        browser.waiting().until(d -> acks.size() == 1);
        assertEquals("looking into it", acks.get(0).getString("comment"));
        assertEquals("{}:{alertname=\"malicious-remote-ip-outbound\"}", acks.get(0).getString("groupKey"));
        assertTrue(java.time.Instant.parse(acks.get(0).getString("until")).isAfter(java.time.Instant.now()));

        browser.driver.findElements(By.cssSelector("table[data-table='alerts'] button.silence")).get(0).click();
        browser.waiting().until(d -> d.getCurrentUrl().endsWith("#/silences/new"));
        List<String> names = browser.driver.findElements(By.cssSelector("#matchers .m-name")).stream().map(e -> e.getDomProperty("value")).toList();
        List<String> values = browser.driver.findElements(By.cssSelector("#matchers .m-value")).stream().map(e -> e.getDomProperty("value")).toList();
        assertEquals(List.of("alertname", "computer"), names);
        assertEquals(List.of("malicious-remote-ip-outbound", "app-001.contoso.com"), values);
        assertEquals("alice", browser.driver.findElement(By.id("created-by")).getDomProperty("value"));
        browser.driver.findElement(By.id("preview-button")).click();
        browser.waiting().until(d -> rows("preview") == 2);
        assertEquals(List.of(List.of("alertname=\"malicious-remote-ip-outbound\"", "computer=\"app-001.contoso.com\"")), previews);
        browser.driver.findElement(By.id("comment")).sendKeys("known scanner, ticket SEC-42");
        browser.screenshot("silence-form");
        browser.driver.findElement(By.id("save-silence")).click();

        browser.waiting().until(d -> rows("silences") == 1);
        JsonObject created = silencesCreated.get(0);
        assertEquals(new JsonArray().add(new JsonObject().put("name", "alertname").put("op", "=").put("value", "malicious-remote-ip-outbound"))
            .add(new JsonObject().put("name", "computer").put("op", "=").put("value", "app-001.contoso.com")), created.getJsonArray("matchers"));
        assertEquals("alice", created.getString("createdBy"));
        assertEquals("known scanner, ticket SEC-42", created.getString("comment"));
        assertTrue(java.time.Instant.parse(created.getString("endsAt")).isAfter(java.time.Instant.parse(created.getString("startsAt"))));
        browser.screenshot("silences");

        browser.driver.findElement(By.cssSelector("table[data-table='silences'] button.danger")).click();
        browser.waiting().until(d -> silencesDeleted.equals(List.of("s-1")));
        browser.waiting().until(d -> rows("silences") == 0);
        assertEquals(List.of(), refused, "every change carried the CSRF token");

        browser.driver.findElement(By.id("logout")).click();
        browser.waiting().until(d -> d.getCurrentUrl().contains("/console/login.html"));
    }
}

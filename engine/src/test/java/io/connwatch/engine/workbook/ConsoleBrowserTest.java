package io.connwatch.engine.workbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.connwatch.engine.api.auth.TestTokens;
import io.connwatch.engine.config.ConnwatchConfig;
import io.connwatch.engine.rules.Rows;
import io.connwatch.engine.service.ConnwatchService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The web console in a real headless chromium against the real service on loopback, signed in
 * through its sign-in page, with the demo ingested over HTTP: every workbook view draws its charts
 * with data and fills its tables, the status pages render, and hostile names from monitored hosts
 * stay text. The alert-lifecycle pages are {@link ConsoleLifecycleBrowserTest}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {
    static final String HOSTILE = "<img src=x onerror=alert(1)>";

    @TempDir
    static Path tmp;
    private ConnwatchService service;
    private Browser browser;
    private String base;

    @BeforeAll
    void start() throws Exception {
        browser = Browser.start();
        ConnwatchConfig config = ConnwatchConfig.parse("test", "rules:\n  directory: " + Path.of("..", "rules").toAbsolutePath()
            + "\n  watch: 0s\nhttp:\n  port: 0\n" + TestTokens.authYaml() + "outputs:\n  console: false\n  jsonl: " + tmp.resolve("alerts.jsonl")
            + "\nnotify:\n  outbox: " + tmp.resolve("outbox") + "\n  state: " + tmp.resolve("lifecycle") + "\nthreat-intel:\n  feeds:\n"
            + "    - {name: feodo, format: feodo-csv, path: " + Path.of("..", "config", "feeds", "feodo-ipblocklist.csv").toAbsolutePath() + "}\n"
            + "    - {name: rfc1918, format: misp-warninglist, path: "
            + Path.of("..", "config", "feeds", "misp-warninglist-rfc1918.json").toAbsolutePath() + "}\n", Map.of());
        service = ConnwatchService.start(config, new PrintWriter(new StringWriter(), true));
        base = "http://127.0.0.1:" + service.httpPort();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> demo = http.send(HttpRequest.newBuilder(URI.create(base + "/ingest")).header("Content-Encoding", "gzip")
            .header("Authorization", TestTokens.bearer(TestTokens.INGEST))
            .POST(HttpRequest.BodyPublishers.ofFile(Path.of("..", "samples", "demo.jsonl.gz"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, demo.statusCode(), demo.body());
        String hostile = Rows.connection("2024-04-01T08:30:00Z", "m-hostile").set("ProcessName", HOSTILE).set("Computer", HOSTILE)
            .set("BytesSent", 50_000_000).json() + "\n"
            + Rows.boundPort("2024-04-01T08:30:00Z", "m-hostile").set("ProcessName", HOSTILE).set("Computer", HOSTILE)
            .set("Ip", "0.0.0.0").json() + "\n";
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/ingest"))
            .header("Authorization", TestTokens.bearer(TestTokens.INGEST))
            .POST(HttpRequest.BodyPublishers.ofString(hostile)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, bad.statusCode(), bad.body());
        String stats = http.send(HttpRequest.newBuilder(URI.create(base + "/stats")).header("Authorization", TestTokens.bearer(TestTokens.ADMIN))
            .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertEquals(4_521L, new io.vertx.core.json.JsonObject(stats).getJsonObject("console").getLong("records"), stats);
        browser.signIn(base, TestTokens.ADMIN);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (service != null) {
            service.close();
        }
    }

    /** For each chart of the page: the number of points of its first series (-1 when it has no chart instance). */
    @SuppressWarnings("unchecked")
    private List<Long> chartPoints() {
        return (List<Long>) browser.script("""
            return [...document.querySelectorAll('.chart')].map(n => {
              const c = echarts.getInstanceByDom(n);
              if (!c) return -1;
              const s = c.getOption().series;
              return s.length === 0 ? 0 : s[0].data.length;
            });""");
    }

    private long rows(String table) {
        return browser.driver.findElements(By.cssSelector("table[data-table='" + table + "'] tbody tr")).size();
    }

    private void open(String route) {
        browser.driver.get(base + "/console/#" + route);
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

    @ParameterizedTest
    @ValueSource(strings = {"overview", "failures", "security", "ports", "processes", "traffic"})
    void eachWorkbookViewDrawsItsChartsWithDataAndFillsItsTables(String view) throws Exception {
        open("/workbooks/" + view);
        browser.waiting().until(d -> {
            List<Long> points = chartPoints();
            return !points.isEmpty() && points.stream().allMatch(p -> p > 0);
        });
        String mainTable = switch (view) {
            case "security" -> "indicators";
            case "traffic" -> "talkers";
            default -> view;
        };
        assertTrue(rows(mainTable) > 0, view + ": table " + mainTable + " has rows");
        WebElement active = browser.driver.findElement(By.cssSelector(".subnav a.active"));
        assertEquals(view, active.getDomAttribute("data-view"));
        browser.screenshot("workbook-" + view);
        assertNoInjectedMarkup();
    }

    @Test
    void theDemoShowsItsWildcardBindsItsMaliciousIndicatorsAndARisingFailureTrend() throws Exception {
        open("/workbooks/ports");
        browser.waiting().until(d -> rows("ports") > 0);
        assertTrue(browser.driver.findElements(By.cssSelector("table[data-table='ports'] tr.wildcard")).size() > 0,
            "wildcard binds are highlighted");
        open("/workbooks/security");
        browser.waiting().until(d -> rows("indicators") > 0);
        String indicators = browser.driver.findElement(By.cssSelector("table[data-table='indicators']")).getText();
        assertTrue(indicators.contains("192.9.135.73"), indicators);
        assertTrue(indicators.contains("85.239.243.155"), "the Feodo feed's verdict: " + indicators);
        open("/workbooks/failures");
        browser.waiting().until(d -> rows("failures") > 0);
        String failures = browser.driver.findElement(By.cssSelector("table[data-table='failures']")).getText();
        assertTrue(failures.contains("batch-001.contoso.com"), failures);
        assertTrue(browser.driver.findElement(By.id("failure-trend")).getText().contains("rising"),
            "the demo's failures come in its second half");
    }

    @Test
    void theMachineFilterNarrowsEveryViewToTheMatchingMachines() throws Exception {
        open("/workbooks/traffic");
        browser.waiting().until(d -> rows("traffic-machines") > 1);
        WebElement filter = browser.driver.findElement(By.id("machine-filter"));
        filter.sendKeys("web-*\n");
        browser.waiting().until(d -> rows("traffic-machines") == 2);
        String machines = browser.driver.findElement(By.cssSelector("table[data-table='traffic-machines']")).getText();
        assertTrue(machines.contains("web-001.contoso.com") && machines.contains("web-002.contoso.com"), machines);
        browser.screenshot("workbook-traffic-web-machines");
        filter.clear();
        filter.sendKeys("\n");
    }

    @Test
    void hostileProcessAndComputerNamesAreShownAsTextNeverAsMarkup() throws Exception {
        open("/workbooks/processes");
        browser.waiting().until(d -> rows("processes") > 0);
        String processes = browser.driver.findElement(By.cssSelector("table[data-table='processes']")).getText();
        assertTrue(processes.contains(HOSTILE), "the name is listed as text: " + processes);
        assertNoInjectedMarkup();
        open("/workbooks/ports");
        browser.waiting().until(d -> rows("ports") > 0);
        assertTrue(browser.driver.findElement(By.cssSelector("table[data-table='ports']")).getText().contains(HOSTILE));
        assertNoInjectedMarkup();
        browser.screenshot("hostile-names-as-text");
    }

    @Test
    void theRulesFeedsAndDeliveryPagesShowTheServiceAsItsEndpointsReportIt() throws Exception {
        open("/rules");
        browser.waiting().until(d -> rows("rules") > 0);
        assertEquals(service.engine().rules().ruleNames().size(), rows("rules"));
        browser.screenshot("rules");
        open("/feeds");
        browser.waiting().until(d -> rows("feeds") == 2);
        assertTrue(browser.driver.findElement(By.cssSelector("table[data-table='feeds']")).getText().contains("feodo"));
        browser.screenshot("feeds");
        open("/delivery");
        browser.waiting().until(d -> rows("outputs") > 0);
        browser.screenshot("delivery");
    }
}

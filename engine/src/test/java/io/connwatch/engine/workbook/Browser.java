package io.connwatch.engine.workbook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian chromium driven through its chromedriver, for the console's browser tests: the
 * tests fail with a clear message when chromium is missing and the CI variable is set, and are
 * skipped otherwise. Screenshots go to {@code engine/target/screenshots/}.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Chromium and chromedriver, or a failure (in CI) or skip (elsewhere) saying what to install. */
    static Browser start() {
        Path driverBinary = chromedriver();
        if (!Files.isExecutable(CHROMIUM) || driverBinary == null) {
            String why = "the console's browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + " and chromedriver on "
                + "the PATH): apt-get install -y chromium chromium-driver (.ci/run does this)";
            if (System.getenv("CI") != null) {
                Assertions.fail(why);
            }
            Assumptions.abort(why);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1100",
            "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.toFile())
            .usingAnyFreePort().withSilent(true).build();
        ChromeDriver d = new ChromeDriver(service, options);
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return new Browser(d);
    }

    private static Path chromedriver() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, "chromedriver");
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        Path debian = Path.of("/usr/bin/chromedriver");
        return Files.isExecutable(debian) ? debian : null;
    }

    WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        // the console redraws its pages every few seconds: an element found just before a redraw is found again
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** Clicks the element, finding it again when a redraw replaced it between finding and clicking. */
    void click(By by) {
        waiting().until(d -> {
            d.findElement(by).click();
            return true;
        });
    }

    /**
     * Signs in to the console at {@code base} through its sign-in page with {@code token}, from
     * wherever the browser is, and waits for the console's page.
     */
    void signIn(String base, String token) {
        driver.get(base + "/console/login.html");
        driver.findElement(By.id("token")).sendKeys(token);
        driver.findElement(By.id("login-submit")).click();
        waiting().until(d -> d.getCurrentUrl().contains("/console/index.html"));
    }

    Object script(String js, Object... args) {
        return driver.executeScript(js, args);
    }

    /** Saves a screenshot as {@code target/screenshots/<name>.png}. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void close() {
        driver.quit();
    }
}

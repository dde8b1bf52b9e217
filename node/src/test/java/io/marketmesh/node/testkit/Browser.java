package io.marketmesh.node.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system's Chromium, headless, driven through its ChromeDriver (Debian's {@code chromium} and
 * {@code chromium-driver}): what a user of the dashboard sees. Where either is missing, {@link #open} skips the test
 * (a JUnit assumption) and says so once in a WARN line, so a build on a machine without a browser still passes.
 * Screenshots go to {@code target/screenshots/<test>-<page>.png} of the module under test.
 */
public final class Browser implements AutoCloseable {

    /** Where Debian installs them; {@code -Dbrowser.chromium=...} / {@code -Dbrowser.chromedriver=...} point elsewhere. */
    public static final Path CHROMIUM = Path.of(System.getProperty("browser.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("browser.chromedriver", "/usr/bin/chromedriver"));
    public static final String SKIPPED = "browser tests skipped: install chromium and chromium-driver "
            + "(sudo apt-get install -y chromium chromium-driver)";

    /** A desktop window: the dashboard's tables have room for every column. */
    public static final Size DESKTOP = new Size(1280, 900, false);
    /** A phone held upright (touch, mobile viewport): the dashboard must stay usable in a narrow window. */
    public static final Size PHONE = new Size(390, 844, true);

    private static final Logger LOG = LoggerFactory.getLogger(Browser.class);
    private static final AtomicBoolean SKIP_REPORTED = new AtomicBoolean();

    /** The page's viewport in CSS pixels; a phone is emulated (headless windows are never narrower than 500). */
    public record Size(int width, int height, boolean phone) {
    }

    private final WebDriver driver;
    private final String testName;

    private Browser(WebDriver driver, String testName) {
        this.driver = driver;
        this.testName = testName;
    }

    /** True when Chromium and its driver are installed (where Debian puts them, or where the properties say). */
    public static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Skips the calling test (with one WARN line per run) when no browser is installed. */
    public static void assumeInstalled() {
        boolean installed = installed();
        if (!installed && SKIP_REPORTED.compareAndSet(false, true)) {
            LOG.warn(SKIPPED);
        }
        Assumptions.assumeTrue(installed, SKIPPED);
    }

    /** A headless browser window of {@code size}; screenshots are named after {@code testName}. */
    public static Browser open(String testName, Size size) {
        assumeInstalled();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start; /dev/shm is small in
        // containers, and a crashed renderer there fails a test for the wrong reason.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + size.width() + "," + size.height());
        if (size.phone()) {
            options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics", Map.of(
                    "width", size.width(), "height", size.height(), "pixelRatio", 2.0, "mobile", true, "touch", true)));
        }
        // The driver is given: Selenium Manager must not try to download one (a CI machine may be offline).
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        WebDriver driver = new ChromeDriver(service, options);
        return new Browser(driver, testName);
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens the dashboard page {@code hashRoute} (e.g. {@code #/markets}) of the node on {@code httpPort}. */
    public void openDashboard(int httpPort, String hashRoute) {
        driver.get("http://127.0.0.1:" + httpPort + "/" + hashRoute);
    }

    /** Waits until {@code condition} gives a non-null, non-false value; fails naming {@code what}. */
    public <T> T await(Function<WebDriver, T> condition, Duration timeout, String what) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        wait.withMessage(() -> "waiting until " + what);
        try {
            return wait.until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            // What the page showed instead is the first thing to look at.
            LOG.warn("{}: gave up waiting until {}; the page then: {}", testName, what, screenshot("timed-out"));
            throw e;
        }
    }

    /** Waits until the page root {@code main#page-<name>} says its first data is shown. */
    public WebElement awaitLoaded(String page, Duration timeout) {
        return await(d -> {
            List<WebElement> roots = d.findElements(By.cssSelector("main#page-" + page + "[data-loaded='true']"));
            return roots.isEmpty() ? null : roots.get(0);
        }, timeout, "page " + page + " shows its data");
    }

    /** Text of the cell {@code [data-field=field]} within {@code row}, trimmed. */
    public static String field(WebElement row, String field) {
        return row.findElement(By.cssSelector("[data-field='" + field + "']")).getText().trim();
    }

    /** Saves what the window shows to {@code target/screenshots/<test>-<page>.png}; returns the file. */
    public Path screenshot(String page) {
        byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
        Path dir = Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("screenshots");
        Path target = dir.resolve(testName + "-" + page + ".png");
        try {
            Files.createDirectories(dir);
            Files.write(target, png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } catch (WebDriverException e) {
            LOG.warn("browser did not quit cleanly: {}", e.getMessage());
        }
    }
}

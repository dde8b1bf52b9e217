package io.marketmesh.node.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The browser test kit itself, on a trivial page that fills its table a moment after it loads (as the dashboard does
 * once its first data arrives): the window has the size asked for, waits end when the page says it is loaded, cells
 * read by data-field, and screenshots are PNG files under target/screenshots.
 */
class BrowserTest {

    private static final String PAGE = """
            <!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body><main id="page-markets"><table id="markets-table"></table></main>
            <script>
              setTimeout(() => {
                document.getElementById('markets-table').innerHTML =
                  '<tr data-market="kalshi:A-1"><td data-field="venue">kalshi</td><td data-field="bestBid"> 0.42 </td></tr>';
                document.getElementById('page-markets').dataset.loaded = 'true';
              }, 300);
            </script></body></html>""";

    private HttpServer server;
    private Browser browser;

    @BeforeEach
    void serve() throws IOException {
        Browser.assumeInstalled();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void readsAPageOnceItSaysItIsLoadedAndSavesAScreenshot() throws IOException {
        browser = Browser.open("BrowserTest", Browser.DESKTOP);
        browser.openDashboard(server.getAddress().getPort(), "#/markets");
        browser.awaitLoaded("markets", Duration.ofSeconds(20));
        WebElement row = browser.driver().findElement(By.cssSelector("#markets-table tr[data-market='kalshi:A-1']"));
        assertEquals("kalshi", Browser.field(row, "venue"));
        assertEquals("0.42", Browser.field(row, "bestBid"));
        assertEquals(Browser.DESKTOP.width(), innerWidth());

        Path shot = browser.screenshot("markets");
        assertTrue(shot.endsWith(Path.of("target", "screenshots", "BrowserTest-markets.png")), shot.toString());
        try (InputStream in = Files.newInputStream(shot)) {
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, in.readNBytes(4), "a PNG file");
        }
    }

    @Test
    void aPhoneSizedWindowIsNarrow() {
        browser = Browser.open("BrowserTest", Browser.PHONE);
        browser.openDashboard(server.getAddress().getPort(), "#/markets");
        browser.awaitLoaded("markets", Duration.ofSeconds(20));
        assertEquals(Browser.PHONE.width(), innerWidth());
    }

    private int innerWidth() {
        return ((Number) ((JavascriptExecutor) browser.driver()).executeScript("return window.innerWidth")).intValue();
    }
}

package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.marketmesh.node.testkit.Browser;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard on a node with {@code protect-reads} (docs/security.md): the page asks for a token on its first 401,
 * then lists the markets over the API and goes live on its WebSocket (the token as a {@code bearer.} subprotocol).
 * Skipped where Chromium is not installed.
 */
class ProtectedDashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String READER = "dashboard-reader-0123456789abcdef01234";

    @TempDir
    Path tmp;

    private SimulatedVenues venues;
    private TestNode node;
    private Browser browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (node != null) {
            node.close();
        }
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void theDashboardAsksForATokenThenShowsTheMarketsLive() throws Exception {
        Browser.assumeInstalled();
        venues = SimulatedVenues.startUnsigned(2, 2, 5, 21);
        Path tokens = tmp.resolve("tokens");
        Files.writeString(tokens, READER + " read-only\n");
        Map<String, Object> settings = new HashMap<>(venues.unsignedNodeSettings());
        settings.put("marketmesh.http.auth.tokens-file", tokens.toString());
        settings.put("marketmesh.http.auth.protect-reads", true);
        node = TestNode.startWithoutWaiting(settings);
        node.awaitJson("/health/ready", r -> r.status() == 200, Duration.ofSeconds(60));
        assertEquals(401, node.get("/api/v1/markets").status());

        browser = Browser.open("protectedDashboard", Browser.DESKTOP);
        browser.openDashboard(node.httpPort(), "#/markets");
        Alert prompt = new WebDriverWait(browser.driver(), WAIT).until(ExpectedConditions.alertIsPresent());
        prompt.sendKeys(READER);
        prompt.accept();
        int markets = venues.marketPaths().size();
        browser.await(d -> d.findElements(By.cssSelector("#markets-table tr[data-market]")).size() == markets, WAIT,
                "the markets table lists the " + markets + " markets");
        browser.await(d -> "live".equals(d.findElement(By.id("connection-status")).getAttribute("data-state")), WAIT,
                "the connection status says live: the WebSocket passed the door with the token");
        browser.screenshot("markets");
    }
}

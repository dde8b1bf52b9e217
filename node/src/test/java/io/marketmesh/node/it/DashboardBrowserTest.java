package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.Browser;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The web dashboard in a real headless Chromium against a real node following the simulated venues (Polymarket,
 * Kalshi and three crypto venues quoting BTC-USDT): every page shows what the HTTP API says, the market page's ladder
 * moves while the feed runs and equals the API's book once it pauses. Skipped, with one WARN line, where no browser is
 * installed. Screenshots of each page land in {@code node/target/screenshots}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final int DEPTH = 10;
    private static final MarketKey BINANCE = MarketKey.of(Venue.BINANCE, "BTCUSDT");
    private static final MarketKey OKX = MarketKey.of(Venue.OKX, "BTC-USDT");
    private static final MarketKey COINBASE = MarketKey.of(Venue.COINBASE, "BTC-USDT");
    /** The instrument the node finds by itself from the catalogue: the three venues' BTC-USDT. */
    private static final String INSTRUMENT = "BTC-USDT";

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private TestNode node;
    private Browser browser;
    private String testName;

    @BeforeAll
    void startNode() {
        // Without a browser no node is worth starting; each test then skips itself (beforeEach).
        if (!Browser.installed()) {
            return;
        }
        venues = SimulatedVenues.startUnsigned(3, 3, 1, 40, 13);
        simulator = venues.simulator();
        Map<String, Object> settings = new HashMap<>(venues.unsignedNodeSettings());
        settings.putAll(venues.cryptoNodeSettings(Venue.BINANCE, List.of(BINANCE.symbol())));
        settings.putAll(venues.cryptoNodeSettings(Venue.OKX, List.of(OKX.symbol())));
        settings.putAll(venues.cryptoNodeSettings(Venue.COINBASE, List.of(COINBASE.symbol())));
        settings.put("marketmesh.connection.workers-per-venue", 1);
        node = TestNode.start(settings);
        // 3 Polymarket questions (6 tokens), 3 Kalshi markets, BTC-USDT on three venues; each with a book.
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == 12, WAIT);
        for (String market : apiMarkets()) {
            String path = "/api/v1/markets/" + market.replaceFirst(":", "/");
            node.awaitJson(path, r -> r.status() == 200 && r.body().path("hasBook").asBoolean(), WAIT);
        }
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
        if (venues != null) {
            venues.close();
        }
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
        if (simulator != null) {
            simulator.resume();
        }
    }

    @org.junit.jupiter.api.BeforeEach
    void name(TestInfo info) {
        Browser.assumeInstalled();
        testName = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test");
    }

    @Test
    void theMarketsPageListsEveryMarketTheApiLists() {
        Set<String> expected = apiMarkets();
        browser = Browser.open(testName, Browser.DESKTOP);
        browser.openDashboard(node.httpPort(), "#/markets");
        browser.awaitLoaded("markets", WAIT);
        browser.await(d -> rowKeys(d, "#markets-table tr[data-market]", "data-market").equals(expected), WAIT,
                "the markets table lists " + expected);
        // Each row says what the API says of its market's identity.
        for (WebElement row : browser.driver().findElements(By.cssSelector("#markets-table tr[data-market]"))) {
            MarketKey market = MarketKey.parse(row.getAttribute("data-market"));
            assertEquals(market.venue().id(), Browser.field(row, "venue"));
            assertEquals(market.symbol(), Browser.field(row, "symbol"));
        }
        browser.await(d -> "live".equals(d.findElement(By.id("connection-status")).getAttribute("data-state")), WAIT,
                "the connection status says live");
        browser.screenshot("markets");
    }

    @Test
    void theMarketsPageFitsAPhone() {
        Set<String> expected = apiMarkets();
        browser = Browser.open(testName, Browser.PHONE);
        browser.openDashboard(node.httpPort(), "#/markets");
        browser.awaitLoaded("markets", WAIT);
        browser.await(d -> rowKeys(d, "#markets-table tr[data-market]", "data-market").equals(expected), WAIT,
                "the markets table lists every market on a phone too");
        // Nothing wider than the window: a phone user scrolls the table, not the whole page.
        Number pageWidth = (Number) ((org.openqa.selenium.JavascriptExecutor) browser.driver())
                .executeScript("return document.documentElement.scrollWidth");
        assertTrue(pageWidth.intValue() <= Browser.PHONE.width(), "page width " + pageWidth + " on a phone");
        browser.screenshot("markets-phone");
    }

    @Test
    void theLadderMovesWhileTheFeedRunsAndShowsTheApisBookOnceItPauses() {
        MarketKey market = MarketKey.parse(simulatorMarket());
        browser = Browser.open(testName, Browser.DESKTOP);
        browser.openDashboard(node.httpPort(), "#/market/" + market.venue().id() + "/"
                + URLEncoder.encode(market.symbol(), StandardCharsets.UTF_8).replace("+", "%20"));
        browser.awaitLoaded("market", WAIT);
        assertEquals(String.valueOf(DEPTH), browser.driver().findElement(By.id("book-depth")).getAttribute("value"));
        Map<String, Map<String, String>> first = browser.await(d -> nonEmpty(ladder(d)), WAIT, "the ladder shows levels");
        browser.await(d -> !ladder(d).equals(first), WAIT, "the ladder changes while the feed runs");

        simulator.pause();
        String bookPath = "/api/v1/markets/" + market.venue().id() + "/" + market.symbol() + "/book?depth=" + DEPTH;
        browser.await(d -> ladder(d).equals(apiLadder(node.get(bookPath).body())), WAIT,
                "the ladder equals the API's book of " + market);
        assertEquals("fresh", browser.driver().findElement(By.id("book-state")).getText().trim());
        assertTrue(browser.driver().findElement(By.id("depth-chart")).isDisplayed(), "the depth chart is shown");
        browser.screenshot("market");

        // A user asks for 3 levels a side: the ladder shows the API's 3 best.
        WebElement depth = browser.driver().findElement(By.id("book-depth"));
        depth.clear();
        depth.sendKeys("3", org.openqa.selenium.Keys.TAB);
        String shallowPath = "/api/v1/markets/" + market.venue().id() + "/" + market.symbol() + "/book?depth=3";
        browser.await(d -> ladder(d).equals(apiLadder(node.get(shallowPath).body())), WAIT,
                "the ladder shows the API's 3 best levels a side of " + market);
    }

    @Test
    void theVenuesPageShowsWhatTheApiSays() {
        browser = Browser.open(testName, Browser.DESKTOP);
        browser.openDashboard(node.httpPort(), "#/venues");
        browser.awaitLoaded("venues", WAIT);
        browser.await(d -> {
            Map<String, Map<String, String>> api = apiVenueRows(node.get("/api/v1/venues").body());
            Map<String, Map<String, String>> shown = venueRows(d);
            // A disabled venue may be listed as such; every enabled one must show the API's counts.
            shown.keySet().retainAll(api.keySet());
            return shown.equals(api);
        }, WAIT,
                "the venues table shows the API's counts for every enabled venue");
        browser.screenshot("venues");
    }

    @Test
    void theClusterPageShowsWhatTheApiSays() {
        browser = Browser.open(testName, Browser.DESKTOP);
        browser.openDashboard(node.httpPort(), "#/cluster");
        browser.awaitLoaded("cluster", WAIT);
        browser.await(d -> memberRows(d).equals(apiMemberRows(node.get("/api/v1/cluster").body())), WAIT,
                "the members table shows the API's members");
        browser.screenshot("cluster");
    }

    @Test
    void theInstrumentsPagesShowTheApisInstrumentsAndSummary() {
        node.awaitJson("/api/v1/instruments", r -> instrumentIds(r.body()).contains(INSTRUMENT), WAIT);
        browser = Browser.open(testName, Browser.DESKTOP);
        browser.openDashboard(node.httpPort(), "#/instruments");
        browser.awaitLoaded("instruments", WAIT);
        browser.await(d -> rowKeys(d, "#instruments-table tr[data-instrument]", "data-instrument")
                .equals(instrumentIds(node.get("/api/v1/instruments").body())), WAIT,
                "the instruments table lists the API's instruments");
        browser.screenshot("instruments");

        simulator.pause();
        browser.openDashboard(node.httpPort(), "#/instrument/" + INSTRUMENT);
        browser.awaitLoaded("instrument", WAIT);
        browser.await(d -> {
            JsonNode summary = node.get("/api/v1/instruments/" + INSTRUMENT).body();
            WebElement shown = d.findElement(By.id("summary"));
            return Browser.field(shown, "bestBid").equals(summary.path("bestBid").path("price").asText("?"))
                    && Browser.field(shown, "bestAsk").equals(summary.path("bestAsk").path("price").asText("?"))
                    && Browser.field(shown, "spread").equals(summary.path("spread").asText("?"))
                    && Browser.field(shown, "mid").equals(summary.path("mid").asText("?"));
        }, WAIT, "the summary shows the API's best bid, best ask, spread and mid");
        // Every venue's levels merged into one ladder, as the API merges them.
        String bookPath = "/api/v1/instruments/" + INSTRUMENT + "/book?depth=" + DEPTH;
        browser.await(d -> consolidated(d).equals(apiConsolidated(node.get(bookPath).body())), WAIT,
                "the consolidated book is the API's");
        assertEquals(Set.of(BINANCE.id(), OKX.id(), COINBASE.id()),
                rowKeys(browser.driver(), "#consolidated tr[data-market]", "data-market"), "levels of every member");
        browser.screenshot("instrument");
    }

    @Test
    void theArbitragePageShowsAnOpportunityWhileItIsOpenAndThenAsClosed() {
        node.awaitJson("/api/v1/instruments", r -> instrumentIds(r.body()).contains(INSTRUMENT), WAIT);
        browser = Browser.open(testName, Browser.DESKTOP);
        browser.openDashboard(node.httpPort(), "#/arbitrage");
        browser.awaitLoaded("arbitrage", WAIT);
        simulator.pause();
        awaitLegsAsThePausedVenuesLeftThem();
        // The simulated venues' books cross by a tick or two now and then: those opportunities may be open already.
        Set<String> before = opportunityIds(node.get("/api/v1/arbitrage").body());
        // OKX's book moved 40 ticks up: its bids cross the other venues' asks, which opens new opportunities.
        assertEquals(40, simulator.shiftBook(Venue.OKX, OKX.symbol(), 40));
        // Only OKX's: another pair's books may have crossed just before the pause, its opportunity reaching the API
        // after `before` was read; the shift back cannot close that one.
        Set<String> opened = new TreeSet<>(okxOpportunityIds(node.awaitJson("/api/v1/arbitrage",
                r -> !before.containsAll(okxOpportunityIds(r.body())), WAIT).body()));
        opened.removeAll(before);
        browser.await(d -> rowKeys(d, "#arbitrage-open tr[data-id]", "data-id")
                        .equals(opportunityIds(node.get("/api/v1/arbitrage").body())), WAIT,
                "the open opportunities are the API's, " + opened + " among them");
        assertTrue(rowKeys(browser.driver(), "#arbitrage-open tr[data-id]", "data-id").containsAll(opened));
        browser.screenshot("arbitrage-open");

        assertEquals(-40, simulator.shiftBook(Venue.OKX, OKX.symbol(), -40));
        try {
            node.awaitJson("/api/v1/arbitrage", r -> opportunityIds(r.body()).stream().noneMatch(opened::contains),
                    WAIT);
        } catch (AssertionError e) {
            throw withOkxState(e);
        }
        browser.await(d -> rowKeys(d, "#arbitrage-closed tr[data-id]", "data-id").containsAll(opened)
                && rowKeys(d, "#arbitrage-open tr[data-id]", "data-id")
                        .equals(opportunityIds(node.get("/api/v1/arbitrage").body())), WAIT,
                "opportunities " + opened + " move to the recently closed");
        browser.screenshot("arbitrage-closed");
    }

    // ----- what the API says -----

    /** Every market of every page of {@code /api/v1/markets}. */
    private Set<String> apiMarkets() {
        Set<String> markets = new TreeSet<>();
        int offset = 0;
        while (true) {
            JsonNode page = node.get("/api/v1/markets?limit=5&offset=" + offset).body();
            for (JsonNode row : page.path("markets")) {
                markets.add(row.path("market").asText());
            }
            offset += page.path("markets").size();
            if (page.path("markets").isEmpty() || offset >= page.path("total").asInt()) {
                return markets;
            }
        }
    }

    /** A Polymarket token: a busy book whose symbol needs encoding nowhere, and a prediction market's prices. */
    private String simulatorMarket() {
        return "polymarket:" + simulator.markets(Venue.POLYMARKET).get(0);
    }

    private static Map<String, Map<String, String>> apiLadder(JsonNode book) {
        Map<String, Map<String, String>> ladder = new TreeMap<>();
        ladder.put("bid", levels(book.path("bids")));
        ladder.put("ask", levels(book.path("asks")));
        return ladder;
    }

    private static Map<String, String> levels(JsonNode side) {
        Map<String, String> levels = new LinkedHashMap<>();
        for (JsonNode level : side) {
            levels.put(level.get(0).asText(), level.get(1).asText());
        }
        return levels;
    }

    /** Per enabled venue: the counts a person on call reads off the venues page. */
    private static Map<String, Map<String, String>> apiVenueRows(JsonNode body) {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (JsonNode venue : body.path("venues")) {
            if (!venue.path("enabled").asBoolean()) {
                continue;
            }
            long reconnects = 0;
            long badFrames = 0;
            int open = 0;
            for (JsonNode connection : venue.path("connections")) {
                reconnects += connection.path("reconnects").asLong();
                badFrames += connection.path("badFrames").asLong();
                open += connection.path("state").asText().equals("open") ? 1 : 0;
            }
            Map<String, String> row = new TreeMap<>();
            row.put("healthy", yesNo(venue.path("health").path("healthy")));
            row.put("connections", open + "/" + venue.path("connections").size());
            row.put("reconnects", Long.toString(reconnects));
            row.put("badFrames", Long.toString(badFrames));
            row.put("sequenceFailures", venue.path("integrity").path("sequenceFailures").asText());
            row.put("checksumFailures", venue.path("integrity").path("checksumFailures").asText());
            row.put("booksStale", venue.path("health").path("booksStale").asText());
            rows.put(venue.path("venue").asText(), row);
        }
        return rows;
    }

    private static Map<String, Map<String, String>> apiMemberRows(JsonNode body) {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (JsonNode member : body.path("members")) {
            Map<String, String> row = new TreeMap<>();
            row.put("status", member.path("status").asText());
            row.put("reachable", yesNo(member.path("reachable")));
            row.put("shards", member.path("shards").asText());
            row.put("markets", member.path("markets").asText());
            rows.put(member.path("address").asText(), row);
        }
        return rows;
    }

    /** How the dashboard shows a yes/no fact. */
    private static String yesNo(JsonNode flag) {
        return flag.asBoolean() ? "yes" : "no";
    }

    private static Set<String> instrumentIds(JsonNode body) {
        Set<String> ids = new TreeSet<>();
        body.path("instruments").forEach(i -> ids.add(i.path("id").asText()));
        return ids;
    }

    /** side|price|market to size, for every level of an instrument's consolidated book. */
    private static Map<String, String> apiConsolidated(JsonNode book) {
        Map<String, String> levels = new TreeMap<>();
        for (String side : List.of("bid", "ask")) {
            for (JsonNode level : book.path(side + "s")) {
                levels.put(side + "|" + level.path("price").asText() + "|" + level.path("market").asText(),
                        level.path("size").asText());
            }
        }
        return levels;
    }

    private static Set<String> opportunityIds(JsonNode body) {
        Set<String> ids = new TreeSet<>();
        body.path("opportunities").forEach(o -> ids.add(o.path("id").asText()));
        return ids;
    }

    /**
     * Waits until the node has every leg's book as the paused venues left it, and the instrument's touch too: what the
     * node derives from the legs (its opportunities among it) then no longer moves on frames sent before the pause.
     */
    private void awaitLegsAsThePausedVenuesLeftThem() {
        try {
            awaitLegsAsTheVenuesHoldThem();
        } catch (AssertionError e) {
            throw withOkxState(e);
        }
    }

    /**
     * Seen once in CI without a clue (OKX's book not moving with its venue): what the node holds of OKX's book, and the
     * venue's, tell where it stuck.
     */
    private AssertionError withOkxState(AssertionError e) {
        BookSnapshot truth = simulator.trueBook(Venue.OKX, OKX.symbol());
        return new AssertionError(e.getMessage() + "; the node's " + OKX + ": "
                + node.get("/api/v1/markets/okx/" + OKX.symbol()).body() + "; its top: "
                + node.get("/api/v1/markets/okx/" + OKX.symbol() + "/book?depth=1").body() + "; the venue's top: "
                + truth.bids().get(0) + " / " + truth.asks().get(0) + "; the instrument: "
                + node.get("/api/v1/instruments/" + INSTRUMENT).body(), e);
    }

    private void awaitLegsAsTheVenuesHoldThem() {
        long bestBid = Long.MIN_VALUE;
        long bestAsk = Long.MAX_VALUE;
        for (MarketKey leg : List.of(BINANCE, OKX, COINBASE)) {
            BookSnapshot truth = simulator.trueBook(leg.venue(), leg.symbol());
            node.awaitJson("/api/v1/markets/" + leg.venue().id() + "/" + leg.symbol() + "/book?depth=1",
                    r -> sameBest(r.body().path("bids"), truth.bids()) && sameBest(r.body().path("asks"), truth.asks()),
                    WAIT);
            bestBid = Math.max(bestBid, truth.bids().get(0).price());
            bestAsk = Math.min(bestAsk, truth.asks().get(0).price());
        }
        long bid = bestBid;
        long ask = bestAsk;
        node.awaitJson("/api/v1/instruments/" + INSTRUMENT, r ->
                Decimals.parse(r.body().path("bestBid").path("price").asText("0")) == bid
                        && Decimals.parse(r.body().path("bestAsk").path("price").asText("0")) == ask, WAIT);
    }

    private static boolean sameBest(JsonNode side, List<PriceLevel> truth) {
        return side.size() == 1 && Decimals.parse(side.get(0).get(0).asText()) == truth.get(0).price()
                && new BigDecimal(side.get(0).get(1).asText()).compareTo(truth.get(0).exactSize()) == 0;
    }

    /** The opportunities with OKX's book as a leg. */
    private static Set<String> okxOpportunityIds(JsonNode body) {
        Set<String> ids = new TreeSet<>();
        body.path("opportunities").forEach(o -> {
            if (o.path("buyMarket").asText().equals(OKX.id()) || o.path("sellMarket").asText().equals(OKX.id())) {
                ids.add(o.path("id").asText());
            }
        });
        return ids;
    }

    // ----- what the page shows -----

    private static Set<String> rowKeys(WebDriver driver, String selector, String attribute) {
        Set<String> keys = new TreeSet<>();
        for (WebElement row : driver.findElements(By.cssSelector(selector))) {
            keys.add(row.getAttribute(attribute));
        }
        return keys;
    }

    /** The ladder's levels per side, price to size, as the page shows them. */
    private static Map<String, Map<String, String>> ladder(WebDriver driver) {
        Map<String, Map<String, String>> ladder = new TreeMap<>();
        ladder.put("bid", new LinkedHashMap<>());
        ladder.put("ask", new LinkedHashMap<>());
        for (WebElement row : driver.findElements(By.cssSelector("#ladder tr[data-side][data-price]"))) {
            String price = Browser.field(row, "price");
            assertEquals(row.getAttribute("data-price"), price, "a level's shown price is its data-price");
            ladder.get(row.getAttribute("data-side")).put(price, Browser.field(row, "size"));
        }
        return ladder;
    }

    private static Map<String, Map<String, String>> nonEmpty(Map<String, Map<String, String>> ladder) {
        return ladder.get("bid").isEmpty() && ladder.get("ask").isEmpty() ? null : ladder;
    }

    private static Map<String, String> consolidated(WebDriver driver) {
        Map<String, String> levels = new TreeMap<>();
        for (WebElement row : driver.findElements(By.cssSelector("#consolidated tr[data-side][data-price][data-market]"))) {
            levels.put(row.getAttribute("data-side") + "|" + row.getAttribute("data-price") + "|"
                    + row.getAttribute("data-market"), Browser.field(row, "size"));
        }
        return levels;
    }

    private static Map<String, Map<String, String>> venueRows(WebDriver driver) {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (WebElement row : driver.findElements(By.cssSelector("#venues-table tr[data-venue]"))) {
            Map<String, String> shown = new TreeMap<>();
            for (String field : List.of("healthy", "connections", "reconnects", "badFrames", "sequenceFailures",
                    "checksumFailures", "booksStale")) {
                shown.put(field, Browser.field(row, field));
            }
            rows.put(row.getAttribute("data-venue"), shown);
        }
        return rows;
    }

    private static Map<String, Map<String, String>> memberRows(WebDriver driver) {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (WebElement row : driver.findElements(By.cssSelector("#members-table tr[data-address]"))) {
            Map<String, String> shown = new TreeMap<>();
            for (String field : List.of("status", "reachable", "shards", "markets")) {
                shown.put(field, Browser.field(row, field));
            }
            rows.put(row.getAttribute("data-address"), shown);
        }
        return rows;
    }
}

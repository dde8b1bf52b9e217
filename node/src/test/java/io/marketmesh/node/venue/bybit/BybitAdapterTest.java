package io.marketmesh.node.venue.bybit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.MarketListing;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.node.venue.registry.VenueAdapters;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BybitAdapterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BybitAdapter adapter = new BybitAdapter();
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static VenueSettings settings(String wsUrl, List<String> markets, int batch, Map<String, Object> options) {
        Map<String, Object> all = new HashMap<>(options);
        all.put("quote-assets", List.of("USDT", "USDC"));
        return new VenueSettings(Venue.BYBIT, true, wsUrl, "http://127.0.0.1:1", markets, 5, 50, batch,
                Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(5), ConfigFactory.parseMap(all));
    }

    private static VenueSettings settings(Map<String, Object> options) {
        return settings("wss://stream.bybit.com/v5/public/spot", List.of(), 10, options);
    }

    @Test
    void isRegisteredAndTheShippedDefaultsPassItsChecks() {
        assertInstanceOf(BybitAdapter.class, VenueAdapters.forVenue(Venue.BYBIT).orElseThrow());
        var config = NodeConfig.load(ConfigFactory.empty());
        assertDoesNotThrow(() -> NodeConfig.validate(config));
        VenueSettings defaults = NodeConfig.venue(config, Venue.BYBIT);
        BybitSettings bybit = BybitSettings.validate(defaults);
        assertEquals(new BybitSettings(50, List.of(BybitCategory.SPOT, BybitCategory.LINEAR), "wss://stream.bybit.com/v5/public/spot",
                "wss://stream.bybit.com/v5/public/linear"), bybit);
        assertEquals(Set.of("USD", "USDT", "USDC", "EUR"), defaults.quoteAssets());
    }

    @Test
    void eachCategoryHasItsSocketAndItsSession() {
        VenueSettings settings = settings(Map.of());
        assertEquals("spot", adapter.socketGroup("BTCUSDT"));
        assertEquals("linear", adapter.socketGroup("linear:BTCUSDT"));
        assertThrows(IllegalArgumentException.class, () -> adapter.socketGroup("inverse:BTCUSD"));
        assertEquals("wss://stream.bybit.com/v5/public/spot", adapter.connectRequest(settings).url());
        assertEquals("wss://stream.bybit.com/v5/public/spot", adapter.connectRequest(settings, "spot").url());
        assertEquals("wss://stream.bybit.com/v5/public/linear", adapter.connectRequest(settings, "linear").url());
        assertEquals(BybitCategory.LINEAR, ((BybitSession) adapter.newSession(settings, "linear")).category());
        assertEquals(BybitCategory.SPOT, ((BybitSession) adapter.newSession(settings)).category());
        VenueSettings explicit = settings(Map.of("linear-ws-url", "ws://127.0.0.1:9/lin"));
        assertEquals("ws://127.0.0.1:9/lin", adapter.connectRequest(explicit, "linear").url());

        assertEquals("ws://127.0.0.1:9900/v5/public/linear?x=1",
                BybitSettings.linearFromSpot("ws://127.0.0.1:9900/v5/public/spot/?x=1"));
        assertEquals("", BybitSettings.linearFromSpot("ws://127.0.0.1:9900/bybit"));
        assertEquals(200, adapter.maxMarketsPerSocket());
    }

    @Test
    void theSessionTakesItsDepthAndBatchFromTheSettings() {
        RecordingOutput out = new RecordingOutput();
        adapter.newSession(settings("wss://x/v5/public/spot", List.of(), 2, Map.of("depth", 200)), "spot")
                .subscribe(List.of("BTCUSDT"), out);
        assertEquals(List.of("{\"req_id\":\"1\",\"op\":\"subscribe\",\"args\":[\"orderbook.200.BTCUSDT\",\"publicTrade.BTCUSDT\"]}",
                "{\"req_id\":\"2\",\"op\":\"subscribe\",\"args\":[\"tickers.BTCUSDT\"]}"), out.sent);
    }

    @Test
    void settingsTheVenueWouldRefuseAreRefusedAtStartNamingTheKey() {
        assertMessage("marketmesh.venues.bybit.depth = 25", () -> adapter.validate(settings(Map.of("depth", 25))));
        assertMessage("marketmesh.venues.bybit.depth = 500", () -> adapter.validate(settings(Map.of("depth", 500))));
        assertMessage("marketmesh.venues.bybit.categories", () -> adapter.validate(settings(Map.of("categories",
                List.of("inverse")))));
        assertMessage("marketmesh.venues.bybit.subscribe-batch-size = 11", () -> adapter.validate(
                settings("wss://x/v5/public/spot", List.of(), 11, Map.of())));
        assertMessage("marketmesh.venues.bybit.markets: 'inverse:BTCUSD'", () -> adapter.validate(
                settings("wss://x/v5/public/spot", List.of("inverse:BTCUSD"), 10, Map.of())));
        assertMessage("marketmesh.venues.bybit.linear-ws-url must be set", () -> adapter.validate(
                settings("ws://127.0.0.1:9/bybit", List.of("linear:BTCUSDT"), 10, Map.of())));
        assertMessage("marketmesh.venues.bybit.linear-ws-url must be set", () -> adapter.validate(
                settings("ws://127.0.0.1:9/bybit", List.of(), 10, Map.of("categories", List.of("spot", "linear")))));
        assertDoesNotThrow(() -> adapter.validate(settings("ws://127.0.0.1:9/bybit", List.of("BTCUSDT"), 10, Map.of())));
        // Configured spot markets on an endpoint of another shape: the linear category only matters to discovery.
        assertDoesNotThrow(() -> adapter.validate(settings("ws://127.0.0.1:9/bybit", List.of("BTCUSDT"), 10,
                Map.of("categories", List.of("spot", "linear")))));
        assertDoesNotThrow(() -> adapter.validate(settings(Map.of("depth", 1000, "categories", List.of("linear")))));
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(NodeConfig.load(ConfigFactory.parseMap(
                Map.of("marketmesh.venues.bybit.markets-per-socket", 201)))));
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    // ---------------------------------------------------------------- discovery

    /** The instruments-info answers cryptofeed recorded from the live venue (spot: 557 pairs; linear: 800 contracts). */
    private static Map<String, String> recordedInstruments() throws IOException {
        Map<String, String> bodies = new HashMap<>();
        for (String line : Fixtures.lines("bybit", "cryptofeed_v3__BYBIT_recording_2026-08-09.jsonl")) {
            JsonNode record = JSON.readTree(line);
            if ("http".equals(record.path("t").asText())) {
                String url = record.path("url").asText();
                bodies.put(url.contains("category=linear") ? "linear" : "spot", record.path("data").asText());
            }
        }
        return bodies;
    }

    /** Tickers in the v5 shape, one turnover24h per symbol. */
    private static String tickers(String category, Map<String, String> turnover) {
        ObjectNode body = JSON.createObjectNode().put("retCode", 0).put("retMsg", "OK");
        ArrayNode list = body.putObject("result").put("category", category).putArray("list");
        turnover.forEach((symbol, value) -> list.addObject().put("symbol", symbol).put("lastPrice", "1")
                .put("turnover24h", value).put("volume24h", "1"));
        return body.toString();
    }

    /** Serves {@code /v5/market/...} from {@code answer(path, query)}; returns the REST base URL. */
    private String serve(java.util.function.BiFunction<String, String, String> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v5/market/", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(exchange.getRequestURI().getPath() + "?" + query);
            String body = answer.apply(exchange.getRequestURI().getPath(), query);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void describeReadsTheRecordedInstrumentsOfTheCategoriesAskedWithoutFilterAndLeavesOutWhatIsNotListed()
            throws Exception {
        Map<String, String> instruments = recordedInstruments();
        String rest = serve((path, query) -> instruments.get(query.contains("category=linear") ? "linear" : "spot"));
        VenueSettings base = settings(Map.of());
        VenueSettings settings = new VenueSettings(Venue.BYBIT, true, base.wsUrl(), rest, List.of(), 1, 50, 10,
                base.heartbeatInterval(), base.staleAfter(), base.connectTimeout(), base.options());

        List<MarketInfo> described = new BybitAdapter().describe(settings,
                List.of("BTCEUR", "GONEUSDT", "linear:BTCUSDT-14AUG26", "linear:BTCUSDT"));

        assertEquals(List.of("BTCEUR", "linear:BTCUSDT-14AUG26", "linear:BTCUSDT"),
                described.stream().map(MarketInfo::symbol).toList(), "GONEUSDT is not listed (delisted)");
        assertEquals(MarketListing.crypto("BTCEUR", "BTC", "EUR", "spot", described.get(0).tickSize(),
                described.get(0).lotSize(), "trading", null, "https://www.bybit.com/en/trade/spot/BTC/EUR", true),
                described.get(0));
        assertEquals("LinearFutures", described.get(1).kind(), "a dated future, described though never discovered");
        assertEquals("https://www.bybit.com/trade/usdt/BTCUSDT", described.get(2).url());
        assertEquals(2, requests.size(), "one instruments-info listing per category, no tickers: " + requests);

        // A Closed instrument (Bybit documents PreLaunch, Trading, Delivering, Closed) is listed but not tradable.
        MarketInfo closed = BybitDiscovery.market(BybitCategory.SPOT, JSON.readTree(
                "{\"symbol\":\"OLDUSDT\",\"baseCoin\":\"OLD\",\"quoteCoin\":\"USDT\",\"status\":\"Closed\"}"));
        assertEquals("closed", closed.status());
        assertFalse(closed.active());
    }

    @Test
    void discoveryRanksTradingPairsOfTheQuoteAssetsByTurnoverAndTakesTheCategoriesInTurn() throws Exception {
        Map<String, String> instruments = recordedInstruments();
        String rest = serve((path, query) -> {
            String category = query.contains("category=linear") ? "linear" : "spot";
            if (path.endsWith("/instruments-info")) {
                return instruments.get(category);
            }
            return category.equals("spot")
                    ? tickers("spot", Map.of("BTCUSDT", "191907024.69597728", "ETHUSDT", "38006188.5189037",
                            "BTCEUR", "999999999999", "SOLUSDC", "4000000"))
                    : tickers("linear", Map.of("BTCUSDT", "1142118412.9021", "ETHUSDT", "700000000",
                            "BTCUSDT-26SEP26", "99999999999", "DOGEUSDT", "36155543.3714"));
        });
        BybitDiscovery discovery = new BybitDiscovery(HttpClient.newHttpClient(), rest + "/");
        List<MarketInfo> markets = discovery.markets(List.of(BybitCategory.SPOT, BybitCategory.LINEAR),
                Set.of("USDT", "USDC"), 5);

        // BTCEUR is busier but EUR is not a followed quote here; the dated future is not a perpetual.
        assertEquals(List.of("BTCUSDT", "linear:BTCUSDT", "ETHUSDT", "linear:ETHUSDT", "SOLUSDC"),
                markets.stream().map(MarketInfo::symbol).toList());
        assertEquals(MarketListing.crypto("BTCUSDT", "BTC", "USDT", "spot", new BigDecimal("0.1"),
                new BigDecimal("0.000001"), "trading", new BigDecimal("191907024.69597728"),
                "https://www.bybit.com/en/trade/spot/BTC/USDT", true), markets.get(0));
        assertEquals(MarketListing.crypto("linear:BTCUSDT", "BTC", "USDT", "linear", new BigDecimal("0.10"),
                new BigDecimal("0.001"), "trading", new BigDecimal("1142118412.9021"),
                "https://www.bybit.com/trade/usdt/BTCUSDT", true), markets.get(1));
        assertTrue(requests.contains("/v5/market/instruments-info?category=spot&limit=1000"), requests.toString());
        assertTrue(requests.contains("/v5/market/tickers?category=linear"), requests.toString());

        List<MarketInfo> all = discovery.markets(List.of(BybitCategory.SPOT), Set.of("USDT", "USDC"), 0);
        assertEquals(410 + 86, all.size(), "every Trading USDT and USDC spot pair when there is no limit");
    }

    @Test
    void discoveryFollowsNextPageCursorAndReportsAnErrorAnswer() throws Exception {
        String page1 = "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"linear\",\"list\":[{\"symbol\":\"AUSDT\","
                + "\"contractType\":\"LinearPerpetual\",\"status\":\"Trading\",\"baseCoin\":\"A\",\"quoteCoin\":\"USDT\","
                + "\"priceFilter\":{\"tickSize\":\"0.0001\"},\"lotSizeFilter\":{\"qtyStep\":\"1\"}}],"
                + "\"nextPageCursor\":\"next%3D2\"}}";
        String page2 = "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"linear\",\"list\":[{\"symbol\":\"BUSDT\","
                + "\"contractType\":\"LinearPerpetual\",\"status\":\"Settling\",\"baseCoin\":\"B\",\"quoteCoin\":\"USDT\"},"
                + "{\"symbol\":\"CUSDT\",\"contractType\":\"LinearPerpetual\",\"status\":\"Trading\",\"baseCoin\":\"C\","
                + "\"quoteCoin\":\"USDT\"}],\"nextPageCursor\":\"\"}}";
        String rest = serve((path, query) -> {
            if (path.endsWith("/tickers")) {
                return tickers("linear", Map.of("CUSDT", "5", "AUSDT", "4"));
            }
            return query.contains("cursor=") ? page2 : page1;
        });
        BybitDiscovery discovery = new BybitDiscovery(HttpClient.newHttpClient(), rest);
        assertEquals(List.of("linear:CUSDT", "linear:AUSDT"),
                discovery.discover(List.of(BybitCategory.LINEAR), Set.of(), 10));
        assertTrue(requests.contains("/v5/market/instruments-info?category=linear&limit=1000&cursor=next%253D2"),
                requests.toString());

        server.stop(0);
        String failing = serve((path, query) -> "{\"retCode\":10001,\"retMsg\":\"params error\",\"result\":{}}");
        IOException e = assertThrows(IOException.class, () -> new BybitDiscovery(HttpClient.newHttpClient(), failing)
                .discover(List.of(BybitCategory.SPOT), Set.of(), 5));
        assertTrue(e.getMessage().contains("retCode 10001: params error"), e.getMessage());
    }

    @Test
    void theAdapterDiscoversTheConfiguredCategories() throws Exception {
        Map<String, String> instruments = recordedInstruments();
        String rest = serve((path, query) -> path.endsWith("/instruments-info") ? instruments.get("linear")
                : tickers("linear", Map.of("SOLUSDT", "3", "DOGEUSDT", "2")));
        VenueSettings settings = new VenueSettings(Venue.BYBIT, true, "wss://x/v5/public/spot", rest, List.of(), 2, 50,
                10, Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(5),
                ConfigFactory.parseMap(Map.of("categories", List.of("linear"), "quote-assets", List.of("USDT"))));
        assertEquals(List.of("linear:SOLUSDT", "linear:DOGEUSDT"), adapter.discoverMarkets(settings));
        assertEquals(new ArrayList<>(List.of("/v5/market/instruments-info?category=linear&limit=1000",
                "/v5/market/tickers?category=linear")), new ArrayList<>(requests));
    }
}

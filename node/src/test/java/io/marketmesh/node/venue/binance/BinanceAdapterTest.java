package io.marketmesh.node.venue.binance;

import static io.marketmesh.node.venue.binance.BinanceTestSupport.RECORDING;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.VENUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.config.NodeConfig;
import io.marketmesh.node.testkit.Fixtures;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapter's limits and settings checks, and discovery against a local server answering the venue's REST shapes. */
class BinanceAdapterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BinanceAdapter adapter = new BinanceAdapter();
    private final List<String> requested = Collections.synchronizedList(new ArrayList<>());
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void registeredWithTheVenuesLimits() {
        assertEquals(adapter.getClass(), VenueAdapters.forVenue(Venue.BINANCE).orElseThrow().getClass());
        assertEquals(341, adapter.maxMarketsPerSocket(), "1024 streams a socket, three a market");
        assertEquals(4, adapter.pacing().messages(), "one of the venue's five messages a second left for pongs");
        assertEquals(Duration.ofSeconds(1), adapter.pacing().window());
        assertEquals("wss://stream.binance.com:9443/ws", adapter.connectRequest(settings("", Map.of())).url());
        assertEquals(Map.of(), adapter.connectRequest(settings("", Map.of())).headers());
    }

    @Test
    void theDefaultsStartAndSettingsBeyondTheVenuesLimitsAreRefusedNamingTheKey() {
        NodeConfig.validate(NodeConfig.load(ConfigFactory.empty()));
        assertEquals(BinanceOptions.DEFAULTS, BinanceOptions.of(VenueSettings.fromConfig(Venue.BINANCE,
                NodeConfig.load(ConfigFactory.empty()).getConfig("marketmesh.venues.binance"))),
                "reference.conf and the code agree on the defaults");

        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(
                NodeConfig.load(ConfigFactory.parseMap(Map.of("marketmesh.venues.binance.markets-per-socket", 342)))));
        assertTrue(tooMany.getMessage().contains("marketmesh.venues.binance.markets-per-socket"), tooMany.getMessage());

        for (Map.Entry<String, Object> wrong : Map.<String, Object>of("trade-stream", "kline_1m",
                "snapshot-depth", 5001, "snapshot-attempts", 0, "snapshots-in-flight", 0, "diff-buffer", 0,
                "snapshot-retry-delay", "0s", "snapshot-timeout", "soon").entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(
                    NodeConfig.load(ConfigFactory.parseMap(Map.of("marketmesh.venues.binance." + wrong.getKey(),
                            wrong.getValue())))), wrong.toString());
            assertTrue(e.getMessage().contains("marketmesh.venues.binance." + wrong.getKey()), e.getMessage());
        }
        assertEquals("aggTrade", BinanceOptions.of(settings("", Map.of("trade-stream", "aggTrade"))).tradeStream());
    }

    @Test
    void discoveryKeepsTradingSpotMarketsInTheQuoteAssetsRankedByQuoteVolume() throws Exception {
        String base = serve(Map.of(
                "/api/v3/exchangeInfo", capturedExchangeInfo(),
                "/api/v3/ticker/24hr", "[{\"symbol\":\"NKNUSDT\",\"quoteVolume\":\"900.5\"},"
                        + "{\"symbol\":\"RUNEEUR\",\"quoteVolume\":\"123456789012345678901.12345678\"},"
                        + "{\"symbol\":\"BCCUSDT\",\"quoteVolume\":\"999999999999\"},"
                        + "{\"symbol\":\"BTCUSDT\",\"quoteVolume\":\"1000\"},"
                        + "{\"symbol\":\"LRCBTC\",\"quoteVolume\":\"99999999999\"}]"));
        VenueSettings settings = settings(base, Map.of("quote-assets", List.of("USDT", "eur")));

        List<MarketInfo> found = adapter.discover(settings);

        assertEquals(List.of("RUNEEUR", "BTCUSDT", "NKNUSDT"), found.stream().map(MarketInfo::symbol).toList(),
                "BCCUSDT is not trading (BREAK), LRCBTC is quoted in BTC");
        MarketInfo rune = found.get(0);
        assertEquals("RUNE", rune.base());
        assertEquals("EUR", rune.quote());
        assertEquals("spot", rune.kind());
        assertEquals("trading", rune.status());
        assertEquals(new BigDecimal("0.001"), rune.tickSize());
        assertEquals(new BigDecimal("0.1"), rune.lotSize());
        assertEquals(new BigDecimal("123456789012345678901.12345678"), rune.volume(), "a 29-digit volume, exact");
        assertEquals(new BigDecimal("0.01"), found.get(1).tickSize());
        assertEquals(new BigDecimal("0.00001"), found.get(1).lotSize());
        assertEquals(List.of("RUNEEUR", "BTCUSDT", "NKNUSDT"), adapter.discoverMarkets(settings));
        assertEquals(List.of("/api/v3/exchangeInfo", "/api/v3/ticker/24hr"), requested.subList(0, 2));
    }

    @Test
    void describeReadsTheCapturedListingWhateverTheStatusOrQuoteAndLeavesOutWhatIsNotListed() throws Exception {
        String base = serve(Map.of("/api/v3/exchangeInfo", capturedExchangeInfo()));
        VenueSettings settings = settings(base, Map.of("quote-assets", List.of("EUR")));

        List<MarketInfo> described = adapter.describe(settings, List.of("LRCBTC", "GONEUSDT", "BCCUSDT", "BTCUSDT"));

        assertEquals(List.of("LRCBTC", "BCCUSDT", "BTCUSDT"), described.stream().map(MarketInfo::symbol).toList(),
                "in the order asked, no quote-asset filter; GONEUSDT is not listed (delisted)");
        MarketInfo bcc = described.get(1);
        assertEquals("break", bcc.status());
        assertFalse(bcc.active(), "BREAK: delisted or halted, not tradable");
        MarketInfo btc = described.get(2);
        assertEquals(MarketListing.crypto("BTCUSDT", "BTC", "USDT", "spot", new BigDecimal("0.01"),
                new BigDecimal("0.00001"), "trading", null, "https://www.binance.com/en/trade/BTC_USDT", true), btc);
        assertTrue(described.get(0).active());
        assertEquals(List.of("/api/v3/exchangeInfo"), requested, "one listing, no ticker call");
    }

    @Test
    void withoutVolumesDiscoveryKeepsTheListingOrder() throws Exception {
        String base = serve(Map.of("/api/v3/exchangeInfo", capturedExchangeInfo()));
        List<MarketInfo> found = adapter.discover(settings(base, Map.of("quote-assets", List.of("EUR"))));
        assertEquals(3, found.size());
        assertNull(found.get(0).volume());
        List<String> listedEur = new ArrayList<>();
        for (JsonNode s : JSON.readTree(capturedExchangeInfo()).get("symbols")) {
            if (s.get("quoteAsset").asText().equals("EUR") && s.get("status").asText().equals("TRADING")) {
                listedEur.add(s.get("symbol").asText());
            }
        }
        assertEquals(listedEur.subList(0, 3), found.stream().map(MarketInfo::symbol).toList());
    }

    @Test
    void aVenueThatCannotListItsMarketsFailsDiscoveryWithTheReason() throws Exception {
        String base = serve(Map.of());
        IOException e = assertThrows(IOException.class, () -> adapter.discoverMarkets(settings(base, Map.of())));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
    }

    private VenueSettings settings(String restUrl, Map<String, Object> options) {
        return new VenueSettings(Venue.BINANCE, true, "wss://stream.binance.com:9443/ws", restUrl, List.of(), 3, 50, 10,
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(5), ConfigFactory.parseMap(options));
    }

    /** The exchangeInfo answer recorded with the capture (1695 symbols, 433 of them in BREAK). */
    private static String capturedExchangeInfo() throws IOException {
        for (String line : Fixtures.lines(VENUE, RECORDING)) {
            JsonNode record = JSON.readTree(line);
            if (record.get("t").asText().equals("http") && record.get("url").asText().endsWith("/api/v3/exchangeInfo")) {
                return record.get("data").asText();
            }
        }
        throw new AssertionError("no exchangeInfo in the recording");
    }

    private String serve(Map<String, String> bodies) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requested.add(path);
            String body = bodies.get(path);
            byte[] bytes = (body == null ? "{\"code\":-1,\"msg\":\"no\"}" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }
}

package io.marketmesh.node.venue.bitstamp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.sun.net.httpserver.HttpServer;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery against a loopback server answering with the captured pair list, and the settings refused at start. */
class BitstampAdapterTest {

    private static final String PAIRS = "cryptofeed_master__BITSTAMP_rest_trading-pairs-info_2022-01-05.json";

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Serves the captured trading-pairs-info and {@code tickers} (null: the ticker endpoint answers 404). */
    private String serve(String tickers) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v2/trading-pairs-info/", exchange -> answer(exchange, 200, Fixtures.read("bitstamp", PAIRS)));
        server.createContext("/api/v2/ticker/", exchange -> answer(exchange, tickers == null ? 404 : 200,
                tickers == null ? "{\"error\":\"no\"}" : tickers));
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Test
    void discoveryKeepsEnabledSpotPairsInTheQuoteAssetsRankedByQuoteVolume() throws Exception {
        String rest = serve("[{\"pair\":\"ETH/USD\",\"last\":\"3000\",\"vwap\":\"3100\",\"volume\":\"1000\"},"
                + "{\"pair\":\"BTC/USD\",\"last\":\"40000\",\"vwap\":\"41000\",\"volume\":\"100\"},"
                + "{\"pair\":\"XRP/EUR\",\"last\":\"0.7\",\"volume\":\"99999999\"},"
                + "{\"pair\":\"ETH/BTC\",\"last\":\"0.08\",\"volume\":\"99999999999\"},"
                + "{\"pair\":\"BTC/USD-PERP\",\"last\":\"40000\",\"volume\":\"99999999\"}]");
        List<MarketInfo> markets = new BitstampAdapter().discover(settings(rest, 4, Map.of()));
        // BTC/USD 4.1 M, ETH/USD 3.1 M, XRP/EUR 70 M: by quote volume; ETH/BTC is quoted in BTC, not kept.
        assertEquals(List.of("xrpeur", "btcusd", "ethusd", "btceur"), markets.stream().map(MarketInfo::symbol).toList());
        MarketInfo btc = markets.get(1);
        assertEquals("BTC", btc.base());
        assertEquals("USD", btc.quote());
        assertEquals("spot", btc.kind());
        assertEquals(new BigDecimal("0.01"), btc.tickSize(), "counter_decimals 2");
        assertEquals(new BigDecimal("1E-8"), btc.lotSize(), "base_decimals 8");
        assertEquals("enabled", btc.status());
        assertEquals(0, new BigDecimal("4100000").compareTo(btc.volume()));
        assertNull(markets.get(3).volume(), "no ticker: ranked after those with one, in the venue's order");
        assertEquals(List.of("xrpeur", "btcusd", "ethusd", "btceur"), new BitstampAdapter().discoverMarkets(settings(rest, 4, Map.of())));
    }

    @Test
    void describeReadsTheCapturedPairsWhateverTheQuoteAndLeavesOutWhatIsNotListed() throws Exception {
        String rest = serve(null);
        List<MarketInfo> described = new BitstampAdapter().describe(settings(rest, 1, Map.of()),
                List.of("xrpbtc", "gonegbp", "btcusd"));
        assertEquals(List.of("xrpbtc", "btcusd"), described.stream().map(MarketInfo::symbol).toList(),
                "no quote-asset filter or limit; gonegbp is not listed (delisted)");
        assertEquals(MarketListing.crypto("btcusd", "BTC", "USD", "spot", new BigDecimal("0.01"),
                new BigDecimal("1E-8"), "enabled", null, null, true), described.get(1));
        assertEquals(new BigDecimal("1E-8"), described.get(0).tickSize(), "counter_decimals 8");
    }

    @Test
    void aDisabledPairIsListedButNotTradable() throws Exception {
        // The shape of trading-pairs-info (captured above), one pair with trading Disabled, as the venue documents it.
        MarketInfo off = BitstampDiscovery.info(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"trading\":\"Disabled\",\"base_decimals\":8,\"url_symbol\":\"oldusd\",\"name\":\"OLD/USD\","
                        + "\"counter_decimals\":2}"), Map.of());
        assertEquals("disabled", off.status());
        assertFalse(off.active());
    }

    @Test
    void withoutTickersDiscoveryKeepsTheVenuesOrder() throws Exception {
        String rest = serve(null);
        List<MarketInfo> markets = new BitstampAdapter().discover(settings(rest, 0, Map.of()));
        // 140 pairs listed, all Enabled: 51 in USD, 48 in EUR, 4 in USDT, 2 in USDC.
        assertEquals(105, markets.size());
        assertEquals(List.of("btcusd", "btceur", "gbpusd"), markets.subList(0, 3).stream().map(MarketInfo::symbol).toList());
    }

    @Test
    void settingsThatWouldBreakTheVenuesLimitsAreRefusedAtStart() {
        BitstampAdapter adapter = new BitstampAdapter();
        assertEquals(512, adapter.maxMarketsPerSocket(), "1,024 channels a connection, two per market");
        adapter.validate(settings("http://x", 5, Map.of()));

        VenueSettings batch = new VenueSettings(Venue.BITSTAMP, true, "ws://x", "http://x", List.of(), 5, 50, 10,
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(5), ConfigFactory.empty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adapter.validate(batch));
        assertTrue(e.getMessage().startsWith("marketmesh.venues.bitstamp.subscribe-batch-size = 10"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> adapter.validate(settings("http://x", 500, Map.of("recheck-interval", "30s"))));
        assertTrue(e.getMessage().startsWith("marketmesh.venues.bitstamp.recheck-interval"), e.getMessage());
        adapter.validate(settings("http://x", 500, Map.of("recheck-interval", "0s")));
        adapter.validate(settings("http://x", 500, Map.of("recheck-interval", "120s")));

        e = assertThrows(IllegalArgumentException.class,
                () -> adapter.validate(settings("http://x", 5, Map.of("snapshot-attempts", "0"))));
        assertTrue(e.getMessage().startsWith("marketmesh.venues.bitstamp.snapshot-attempts"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> adapter.validate(settings("http://x", 5, Map.of("snapshot-delay", "0s"))));
        assertTrue(e.getMessage().startsWith("marketmesh.venues.bitstamp.snapshot-delay"), e.getMessage());
    }

    @Test
    void theShippedConfigurationIsValidAndTooManyMarketsPerSocketAreRefused() {
        assertTrue(VenueAdapters.forVenue(Venue.BITSTAMP).isPresent());
        Config shipped = ConfigFactory.load();
        NodeConfig.validate(shipped);
        VenueSettings settings = NodeConfig.venue(shipped, Venue.BITSTAMP);
        assertEquals(BitstampSettings.DEFAULTS, BitstampSettings.of(settings), "reference.conf and the defaults agree");
        assertEquals("wss://ws.bitstamp.net", settings.wsUrl());

        Config tooMany = ConfigFactory.parseMap(Map.of("marketmesh.venues.bitstamp.markets-per-socket", 513)).withFallback(shipped);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(tooMany));
        assertTrue(e.getMessage().contains("bitstamp.markets-per-socket"), e.getMessage());
    }

    private static VenueSettings settings(String rest, int discoveryLimit, Map<String, String> options) {
        return new VenueSettings(Venue.BITSTAMP, true, "ws://x", rest, List.of(), discoveryLimit, 50, 1,
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(5),
                ConfigFactory.parseMap(Map.<String, Object>copyOf(options)).withFallback(ConfigFactory.parseMap(
                        Map.of("quote-assets", List.of("USD", "USDT", "USDC", "EUR")))));
    }
}

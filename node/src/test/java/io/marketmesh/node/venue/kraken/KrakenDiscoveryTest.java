package io.marketmesh.node.venue.kraken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.MarketListing;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Discovery on a real AssetPairs answer (recorded by cryptofeed in 2021, 304 pairs, v1 names such as {@code XBT/USD}
 * and {@code XDG/USD}) and a Ticker answer in the venue's documented shape, then over HTTP against a loopback server.
 */
class KrakenDiscoveryTest {

    private static final Set<String> QUOTES = Set.of("USD", "USDT", "USDC", "EUR");
    /** Ticker's shape: v = [volume today, last 24 hours] in the base asset, p = the matching VWAPs. */
    private static final String TICKER = "{\"error\":[],\"result\":{"
            + "\"XXBTZUSD\":{\"a\":[\"61400.1\",\"1\",\"1.000\"],\"b\":[\"61400.0\",\"2\",\"2.000\"],"
            + "\"c\":[\"61400.1\",\"0.00100000\"],\"v\":[\"1000.00000000\",\"2000.00000000\"],"
            + "\"p\":[\"61000.00000\",\"60000.00000\"],\"t\":[100,200],\"l\":[\"1\",\"1\"],\"h\":[\"2\",\"2\"],\"o\":\"61000.0\"},"
            + "\"XETHZUSD\":{\"v\":[\"1.0\",\"50000.00000000\"],\"p\":[\"2000.0\",\"2400.00000\"]},"
            + "\"XDGUSD\":{\"v\":[\"1.0\",\"500000000.00000000\"],\"p\":[\"0.3\",\"0.3200000\"]},"
            + "\"XXBTZEUR\":{\"v\":[\"1.0\",\"100.00000000\"],\"p\":[\"50000.0\",\"50000.0\"]}}}";

    private static String assetPairs;
    private HttpServer server;

    @BeforeAll
    static void readCapture() throws IOException {
        for (String line : Fixtures.lines("kraken", "cryptofeed_v3__KRAKEN_recording_2021-04-17.jsonl")) {
            JsonNode record = new ObjectMapper().readTree(line);
            if ("http".equals(record.path("t").asText())) {
                assetPairs = record.path("data").asText();
            }
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void readsEveryWebSocketPairWithV2NamesAndKrakensAssetCodesNormalized() throws Exception {
        Map<String, MarketInfo> bySymbol = KrakenDiscovery.markets(assetPairs, null).stream()
                .collect(Collectors.toMap(MarketInfo::symbol, Function.identity()));
        assertEquals(293, bySymbol.size(), "304 pairs less the 11 dark pools (no wsname)");
        assertTrue(bySymbol.keySet().stream().noneMatch(s -> s.contains("XBT") || s.contains("XDG")), "v1 names renamed");
        MarketInfo btc = bySymbol.get("BTC/USD"); // XXBTZUSD, wsname XBT/USD, base XXBT, quote ZUSD
        assertEquals(MarketListing.crypto("BTC/USD", "BTC", "USD", "spot", new BigDecimal("0.1"),
                new BigDecimal("1E-8"), "online", null, "https://pro.kraken.com/app/trade/btc-usd", true), btc);
        MarketInfo doge = bySymbol.get("DOGE/USD"); // XDGUSD
        assertEquals("DOGE", doge.base());
        assertEquals(0, new BigDecimal("0.0000001").compareTo(doge.tickSize()));
        assertEquals("BTC", bySymbol.get("ADA/BTC").quote());
        assertEquals("EUR", bySymbol.get("ETH/EUR").quote()); // XETHZEUR
    }

    @Test
    void keepsOnlineUsdUsdtUsdcAndEurPairsMostTradedFirst() throws Exception {
        List<MarketInfo> ranked = KrakenDiscovery.rank(KrakenDiscovery.markets(assetPairs, TICKER), QUOTES);
        assertEquals(59 + 56 + 12 + 2, ranked.size());
        assertTrue(ranked.stream().allMatch(m -> QUOTES.contains(m.quote())));
        // quote volume = 24-hour base volume × 24-hour VWAP: BTC/USD 120,000,000; DOGE/USD 160,000,000; ETH/USD 120,000,000
        assertEquals(List.of("DOGE/USD", "BTC/USD", "ETH/USD", "BTC/EUR"),
                ranked.subList(0, 4).stream().map(MarketInfo::symbol).toList());
        assertEquals(0, new BigDecimal("160000000").compareTo(ranked.get(0).volume()));
        assertNull(ranked.get(4).volume(), "pairs without a ticker follow, by symbol");
        assertEquals("AAVE/EUR", ranked.get(4).symbol());
        assertEquals(List.of(), KrakenDiscovery.rank(List.of(new MarketInfo("X/USD", "X", "USD", "spot", null, null,
                "cancel_only", BigDecimal.TEN)), QUOTES), "only online pairs");
    }

    @Test
    void discoversOverHttpUpToTheLimit() throws Exception {
        Map<String, String> answers = new ConcurrentHashMap<>(Map.of("/0/public/AssetPairs", assetPairs,
                "/0/public/Ticker", TICKER));
        String rest = serve(answers);
        KrakenDiscovery discovery = new KrakenDiscovery(HttpClient.newHttpClient());
        assertEquals(List.of("DOGE/USD", "BTC/USD", "ETH/USD"), discovery.discover(rest + "/", 3, QUOTES));

        answers.remove("/0/public/Ticker"); // 404: no ranking, the pairs still come
        List<String> unranked = discovery.discover(rest, 2, QUOTES);
        assertEquals(List.of("AAVE/EUR", "AAVE/USD"), unranked);

        answers.put("/0/public/AssetPairs", "{\"error\":[\"EService:Unavailable\"]}");
        IOException e = assertThrows(IOException.class, () -> discovery.discover(rest, 2, QUOTES));
        assertTrue(e.getMessage().contains("EService:Unavailable"), e.getMessage());
    }

    @Test
    void describeReadsTheCapturedAssetPairsByV2NameAndLeavesOutWhatIsNotListed() throws Exception {
        // The capture's AssetPairs, with one pair's status changed to cancel_only (a documented status: not tradable).
        String cancelOnly = assetPairs.replaceFirst("(\"XETHZEUR\":\\{)", "$1\"status\":\"cancel_only\",");
        assertTrue(cancelOnly.contains("\"XETHZEUR\":{\"status\":\"cancel_only\""), "the capture lists XETHZEUR");
        String rest = serve(new ConcurrentHashMap<>(Map.of("/0/public/AssetPairs", cancelOnly)));
        KrakenDiscovery discovery = new KrakenDiscovery(HttpClient.newHttpClient());

        List<MarketInfo> described = discovery.describe(rest, List.of("ETH/EUR", "BTC/USD", "LUNA/USD", "ADA/BTC"));

        assertEquals(List.of("ETH/EUR", "BTC/USD", "ADA/BTC"), described.stream().map(MarketInfo::symbol).toList(),
                "no quote-asset filter; LUNA/USD is not listed (delisted)");
        assertEquals("cancel_only", described.get(0).status());
        assertFalse(described.get(0).active());
        assertEquals(MarketListing.crypto("BTC/USD", "BTC", "USD", "spot", new BigDecimal("0.1"),
                new BigDecimal("1E-8"), "online", null, "https://pro.kraken.com/app/trade/btc-usd", true),
                described.get(1));
        assertTrue(described.get(2).active());
    }

    private String serve(Map<String, String> answers) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = answers.get(exchange.getRequestURI().getPath());
            byte[] bytes = (body == null ? "{\"error\":[\"EGeneral:Unknown method\"]}" : body)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}

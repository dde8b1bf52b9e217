package io.marketmesh.node.venue.cryptocom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.MarketListing;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery against a loopback server answering in the venue's documented REST shapes. */
class CryptocomDiscoveryTest {

    /** get-instruments, page 1: the documented fields, numbers and strings mixed as the venue's examples have them. */
    private static final String PAGE_1 = """
            {"id":"1","method":"public/get-instruments","code":"0","result":{"data":[
              {"symbol":"BTC_USDT","inst_type":"CCY_PAIR","display_name":"BTC/USDT","base_ccy":"BTC","quote_ccy":"USDT",
               "quote_decimals":2,"quantity_decimals":5,"price_tick_size":"0.01","qty_tick_size":"0.00001",
               "max_leverage":"50","tradable":true,"expiry_timestamp_ms":0,"beta_product":false},
              {"symbol":"BTCUSD-PERP","inst_type":"PERPETUAL_SWAP","base_ccy":"BTC","quote_ccy":"USD",
               "price_tick_size":"0.1","qty_tick_size":"0.0001","tradable":true,"contract_size":"1"},
              {"symbol":"ETH_USD","inst_type":"CCY_PAIR","base_ccy":"ETH","quote_ccy":"USD",
               "price_tick_size":"0.01","qty_tick_size":"0.0001","tradable":true},
              {"symbol":"OLD_USD","inst_type":"CCY_PAIR","base_ccy":"OLD","quote_ccy":"USD",
               "price_tick_size":"0.01","qty_tick_size":"1","tradable":false},
              {"symbol":"ETH_BTC","inst_type":"CCY_PAIR","base_ccy":"ETH","quote_ccy":"BTC",
               "price_tick_size":"0.00001","qty_tick_size":"0.001","tradable":true}
            ],"next_cursor":"page-2"}}""";
    private static final String PAGE_2 = """
            {"id":"1","method":"public/get-instruments","code":0,"result":{"data":[
              {"symbol":"PEPE_USD","inst_type":"CCY_PAIR","base_ccy":"PEPE","quote_ccy":"USD",
               "price_tick_size":"0.0000000001","qty_tick_size":"1000","tradable":true},
              {"symbol":"CRO_EUR","inst_type":"CCY_PAIR","base_ccy":"CRO","quote_ccy":"EUR",
               "price_tick_size":"0.00001","qty_tick_size":"1","tradable":true}
            ]}}""";
    private static final String TICKERS = """
            {"id":"-1","method":"public/get-tickers","code":"0","result":{"data":[
              {"i":"BTC_USDT","h":"51790.00","l":"47895.50","a":"51174.50","v":"879.5024","vv":"45000000.12","c":"0.03","b":"51170.00","k":"51180.00","t":"1613580710768"},
              {"i":"ETH_USD","a":"3000","v":"100","vv":"300000","t":1613580710768},
              {"i":"PEPE_USD","a":"0.0000000123","v":"123456789012345678901","t":1613580710768},
              {"i":"BTCUSD-PERP","a":"51000","v":"99999","vv":"999999999999","t":1613580710768}
            ]}}""";

    private HttpServer server;
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final Map<String, String> bodies = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void tradableSpotPairsInTheQuoteAssetsRankedByTradedValueAcrossPages() throws Exception {
        String base = serve(PAGE_1, PAGE_2, TICKERS);
        List<MarketInfo> markets = discovery(base).markets(Set.of("USD", "USDT", "EUR"));
        // Perpetuals, untradable pairs and BTC-quoted pairs stay out; CRO_EUR has no ticker and ranks last.
        assertEquals(List.of("PEPE_USD", "BTC_USDT", "ETH_USD", "CRO_EUR"), markets.stream().map(MarketInfo::symbol).toList());
        MarketInfo btc = markets.get(1);
        assertEquals(MarketListing.crypto("BTC_USDT", "BTC", "USDT", "spot", new BigDecimal("0.01"),
                new BigDecimal("0.00001"), "tradable", new BigDecimal("45000000.12"),
                "https://crypto.com/exchange/trade/BTC_USDT", true), btc);
        // Without vv the value is v x a, exactly: 123456789012345678901 x 0.0000000123.
        assertEquals(new BigDecimal("1518518504851.8518504823"), markets.get(0).volume());
        assertEquals(new BigDecimal("0.0000000001"), markets.get(0).tickSize());
        assertNull(markets.get(3).volume());
        assertEquals(List.of("/public/get-tickers", "/public/get-instruments", "/public/get-instruments?cursor=page-2"),
                queries);

        queries.clear();
        assertEquals(List.of("PEPE_USD", "BTC_USDT"), discovery(base).discover(Set.of("USD", "USDT", "EUR"), 2));
        assertEquals(List.of("PEPE_USD", "BTC_USDT", "ETH_USD", "CRO_EUR", "ETH_BTC"),
                discovery(base).discover(Set.of(), 0), "no quote assets: every quote; no limit: all");
    }

    @Test
    void describeReadsEveryInstrumentWhateverItsTypeOrStateAndLeavesOutWhatIsNotListed() throws Exception {
        String base = serve(PAGE_1, PAGE_2, TICKERS);
        List<MarketInfo> described = discovery(base).describe(List.of("BTCUSD-PERP", "GONE_USD", "OLD_USD", "CRO_EUR"));
        assertEquals(List.of("BTCUSD-PERP", "OLD_USD", "CRO_EUR"), described.stream().map(MarketInfo::symbol).toList(),
                "GONE_USD is not listed (delisted)");
        assertEquals(MarketListing.crypto("BTCUSD-PERP", "BTC", "USD", "PERPETUAL_SWAP", new BigDecimal("0.1"),
                new BigDecimal("0.0001"), "tradable", null, null, true), described.get(0));
        assertEquals("untradable", described.get(1).status(), "tradable false");
        assertFalse(described.get(1).active());
        assertEquals("https://crypto.com/exchange/trade/CRO_EUR", described.get(2).url());
        assertEquals(List.of("/public/get-instruments", "/public/get-instruments?cursor=page-2"), queries,
                "the listing's pages, no tickers");
    }

    @Test
    void withoutTickersTheMarketsStillComeRankedBySymbol() throws Exception {
        String base = serve(PAGE_1, PAGE_2, "{\"id\":\"-1\",\"method\":\"public/get-tickers\",\"code\":\"50001\","
                + "\"message\":\"INTERNAL_SERVER_ERROR\"}");
        assertEquals(List.of("BTC_USDT", "CRO_EUR", "ETH_USD", "PEPE_USD"),
                discovery(base).discover(Set.of("USD", "USDT", "EUR"), 10));
    }

    @Test
    void aRefusedInstrumentListFailsDiscoveryWithTheVenuesAnswer() throws Exception {
        String base = serve("{\"id\":\"1\",\"method\":\"public/get-instruments\",\"code\":\"42901\","
                + "\"message\":\"TOO_MANY_REQUESTS\"}", PAGE_2, TICKERS);
        IOException e = assertThrows(IOException.class, () -> discovery(base).discover(Set.of("USD"), 5));
        assertTrue(e.getMessage().contains("42901") && e.getMessage().contains("TOO_MANY_REQUESTS"), e.getMessage());
    }

    private static CryptocomDiscovery discovery(String base) {
        return new CryptocomDiscovery(HttpClient.newHttpClient(), base + "/");
    }

    private String serve(String page1, String page2, String tickers) throws IOException {
        bodies.put("/public/get-instruments", page1);
        bodies.put("/public/get-instruments?cursor=page-2", page2);
        bodies.put("/public/get-tickers", tickers);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/public/", exchange -> {
            String query = exchange.getRequestURI().toString();
            queries.add(query);
            String body = bodies.getOrDefault(query, "{}");
            int status = body.contains("\"code\":\"0\"") || body.contains("\"code\":0") ? 200 : 400;
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}

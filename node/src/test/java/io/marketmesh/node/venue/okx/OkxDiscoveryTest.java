package io.marketmesh.node.venue.okx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.MarketListing;
import io.marketmesh.node.venue.VenueSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Discovery against a loopback server answering OKX's REST paths: the instrument lists are the real answers captured
 * in the cryptofeed recording (513 spot pairs, 166 swaps of 2022); the ticker answers, which the recording lacks, are
 * written here in the documented shape.
 */
class OkxDiscoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void keepsLiveSpotPairsAndLinearSwapsInTheQuoteAssetsRankedByQuoteVolume() throws Exception {
        Map<String, String> answers = capturedInstruments();
        answers.put("/api/v5/market/tickers?instType=SPOT", tickers(
                ticker("BTC-USDT", "29000", "500000000"),
                ticker("ETH-USDT", "2000", "300000000"),
                ticker("ETH-BTC", "0.07", "900000000"))); // biggest, but quoted in BTC
        answers.put("/api/v5/market/tickers?instType=SWAP", tickers(
                ticker("BTC-USDT-SWAP", "30000", "20000"), // in BTC: 600,000,000 USDT
                ticker("ETH-USDT-SWAP", "2000", "100"), // 200,000 USDT
                ticker("BTC-USD-SWAP", "30000", "99999999"))); // inverse, never followed
        String base = serve(answers);

        List<MarketInfo> found = new OkxAdapter().discover(settings(base, "[\"USDT\", \"USDC\"]", "[\"SPOT\", \"SWAP\"]", 4));
        assertEquals(List.of("BTC-USDT-SWAP", "BTC-USDT", "ETH-USDT", "ETH-USDT-SWAP"),
                found.stream().map(MarketInfo::symbol).toList());
        MarketInfo swap = found.get(0);
        assertEquals(MarketListing.crypto("BTC-USDT-SWAP", "BTC", "USDT", "SWAP", new BigDecimal("0.1"),
                new BigDecimal("1"), "live", new BigDecimal("600000000"), "https://www.okx.com/trade-swap/btc-usdt-swap",
                true), swap);
        assertEquals(MarketListing.crypto("BTC-USDT", "BTC", "USDT", "spot", new BigDecimal("0.1"),
                new BigDecimal("0.00000001"), "live", new BigDecimal("500000000"),
                "https://www.okx.com/trade-spot/btc-usdt", true), found.get(1));
        assertEquals(List.of("/api/v5/market/tickers?instType=SPOT", "/api/v5/public/instruments?instType=SPOT",
                "/api/v5/market/tickers?instType=SWAP", "/api/v5/public/instruments?instType=SWAP"), requests);

        // Without a volume an instrument ranks last; only spot when the settings say so.
        requests.clear();
        List<String> spotOnly = new OkxAdapter().discoverMarkets(settings(base, "[\"USDT\"]", "[\"SPOT\"]", 3));
        assertEquals(List.of("BTC-USDT", "ETH-USDT", "1INCH-USDT"), spotOnly, "then by symbol");
        assertTrue(requests.stream().noneMatch(r -> r.contains("SWAP")), requests.toString());
    }

    @Test
    void onlyLiveInstrumentsAreKept() throws Exception {
        Map<String, String> answers = new HashMap<>();
        answers.put("/api/v5/public/instruments?instType=SPOT", "{\"code\":\"0\",\"msg\":\"\",\"data\":["
                + instrument("BTC-EUR", "live") + "," + instrument("NEW-EUR", "preopen") + ","
                + instrument("OLD-EUR", "suspend") + "]}");
        answers.put("/api/v5/market/tickers?instType=SPOT", tickers());
        List<String> found = new OkxAdapter().discoverMarkets(settings(serve(answers), "[\"EUR\"]", "[\"SPOT\"]", 10));
        assertEquals(List.of("BTC-EUR"), found);
    }

    @Test
    void describeReadsTheCapturedInstrumentsWhateverTheStateAndLeavesOutWhatIsNotListed() throws Exception {
        Map<String, String> answers = capturedInstruments();
        String base = serve(answers);

        List<MarketInfo> spotOnly = new OkxAdapter().describe(settings(base, "[\"EUR\"]", "[\"SPOT\"]", 1),
                List.of("ETH-BTC", "GONE-USDT", "BTC-USDT"));
        assertEquals(List.of("ETH-BTC", "BTC-USDT"), spotOnly.stream().map(MarketInfo::symbol).toList(),
                "no quote-asset filter; GONE-USDT is not listed (delisted)");
        assertEquals(List.of("/api/v5/public/instruments?instType=SPOT"), requests, "one listing, only spot asked");
        assertEquals(MarketListing.crypto("BTC-USDT", "BTC", "USDT", "spot", new BigDecimal("0.1"),
                new BigDecimal("0.00000001"), "live", null, "https://www.okx.com/trade-spot/btc-usdt", true),
                spotOnly.get(1));

        requests.clear();
        List<MarketInfo> swaps = new OkxAdapter().describe(settings(base, "[]", "[\"SPOT\"]", 1),
                List.of("BTC-USD-SWAP", "BTC-USDT-SWAP"));
        assertEquals(List.of("/api/v5/public/instruments?instType=SWAP"), requests);
        assertEquals(List.of("BTC-USD-SWAP", "BTC-USDT-SWAP"), swaps.stream().map(MarketInfo::symbol).toList(),
                "an inverse swap is described too, though discovery never follows it");
        assertEquals(List.of("BTC", "USD", "SWAP"), List.of(swaps.get(0).base(), swaps.get(0).quote(), swaps.get(0).kind()));
        assertEquals("https://www.okx.com/trade-swap/btc-usdt-swap", swaps.get(1).url());

        // A suspended instrument (OKX documents live, suspend, preopen, test) is listed but not tradable.
        answers.put("/api/v5/public/instruments?instType=SPOT",
                "{\"code\":\"0\",\"msg\":\"\",\"data\":[" + instrument("OLD-USDT", "suspend") + "]}");
        MarketInfo old = new OkxAdapter().describe(settings(base, "[]", "[\"SPOT\"]", 1), List.of("OLD-USDT")).get(0);
        assertEquals("suspend", old.status());
        assertFalse(old.active());
    }

    @Test
    void anErrorAnswerFailsDiscoveryWithTheVenuesWords() throws Exception {
        Map<String, String> answers = new HashMap<>();
        answers.put("/api/v5/market/tickers?instType=SPOT", "{\"code\":\"50011\",\"msg\":\"Too Many Requests\",\"data\":[]}");
        String base = serve(answers);
        IOException e = assertThrows(IOException.class,
                () -> new OkxAdapter().discoverMarkets(settings(base, "[]", "[\"SPOT\"]", 10)));
        assertTrue(e.getMessage().contains("50011") && e.getMessage().contains("Too Many Requests"), e.getMessage());

        IOException missing = assertThrows(IOException.class,
                () -> new OkxAdapter().discoverMarkets(settings(base, "[]", "[\"SWAP\"]", 10)));
        assertTrue(missing.getMessage().contains("HTTP 404"), missing.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private static VenueSettings settings(String restUrl, String quoteAssets, String instTypes, int limit) {
        VenueSettings s = OkxTestSupport.settings("quote-assets = " + quoteAssets + "\ninst-types = " + instTypes);
        return new VenueSettings(s.venue(), true, s.wsUrl(), restUrl, List.of(), limit, s.marketsPerSocket(),
                s.subscribeBatchSize(), s.heartbeatInterval(), s.staleAfter(), Duration.ofSeconds(5), s.options());
    }

    /** The recording's first SPOT and SWAP instrument answers, verbatim. */
    private static Map<String, String> capturedInstruments() throws IOException {
        Map<String, String> answers = new HashMap<>();
        for (String line : Fixtures.lines("okx", "cryptofeed_v3__OKX_recording_2022-05-13.jsonl")) {
            JsonNode record = JSON.readTree(line);
            String url = record.path("url").asText();
            if ("http".equals(record.path("t").asText()) && url.contains("/api/v5/public/instruments?instType=S")) {
                answers.putIfAbsent(url.substring("https://www.okx.com".length()), record.path("data").asText());
            }
        }
        assertEquals(2, answers.size());
        return answers;
    }

    private static String tickers(String... tickers) {
        return "{\"code\":\"0\",\"msg\":\"\",\"data\":[" + String.join(",", tickers) + "]}";
    }

    private static String ticker(String instId, String last, String volCcy24h) {
        return "{\"instType\":\"" + (instId.endsWith("-SWAP") ? "SWAP" : "SPOT") + "\",\"instId\":\"" + instId
                + "\",\"last\":\"" + last + "\",\"lastSz\":\"1\",\"askPx\":\"" + last + "\",\"askSz\":\"1\",\"bidPx\":\""
                + last + "\",\"bidSz\":\"1\",\"open24h\":\"" + last + "\",\"high24h\":\"" + last + "\",\"low24h\":\"" + last
                + "\",\"volCcy24h\":\"" + volCcy24h + "\",\"vol24h\":\"1\",\"ts\":\"1652459199958\",\"sodUtc0\":\"" + last
                + "\",\"sodUtc8\":\"" + last + "\"}";
    }

    private static String instrument(String instId, String state) {
        String[] pair = instId.split("-");
        return "{\"instType\":\"SPOT\",\"instId\":\"" + instId + "\",\"baseCcy\":\"" + pair[0] + "\",\"quoteCcy\":\""
                + pair[1] + "\",\"settleCcy\":\"\",\"ctType\":\"\",\"tickSz\":\"0.01\",\"lotSz\":\"0.0001\",\"state\":\""
                + state + "\"}";
    }

    private String serve(Map<String, String> answers) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v5/", exchange -> {
            String path = exchange.getRequestURI().toString();
            requests.add(path);
            String body = answers.get(path);
            byte[] bytes = (body == null ? "{\"msg\":\"not here\"}" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(bytes);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}

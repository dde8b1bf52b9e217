package io.marketmesh.node.venue.polymarket;

import static io.marketmesh.node.venue.polymarket.PolymarketTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery against a local Gamma-shaped HTTP server. */
class PolymarketDiscoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<Map<String, String>> requests = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Serves {@code /markets} with a page computed from the query; returns the base URL. */
    private String serve(Function<Map<String, String>, Response> pages) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/markets", exchange -> {
            Map<String, String> query = query(exchange.getRequestURI());
            requests.add(query);
            Response r = pages.apply(query);
            byte[] body = r.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(r.status, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private record Response(int status, String body) {
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            q.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return q;
    }

    /**
     * 103 markets: two pages at the adapter's page size of 100. Every tenth is closed, every 7th has its order
     * book disabled, market 5 no longer accepts orders, market 3 has its ids as a real array, market 8 none.
     */
    private static List<ObjectNode> gammaMarkets() {
        List<ObjectNode> markets = new ArrayList<>();
        for (int i = 0; i < 103; i++) {
            ObjectNode m = JSON.createObjectNode();
            m.put("id", String.valueOf(500_000 + i));
            m.put("question", "Market " + i + "?");
            m.put("active", true);
            m.put("closed", i % 10 == 9);
            if (i % 7 == 6) {
                m.put("enableOrderBook", false);
            } else if (i % 2 == 0) {
                m.put("enableOrderBook", true);
            }
            if (i == 5) {
                m.put("acceptingOrders", false);
            }
            if (i == 3) {
                m.putArray("clobTokenIds").add(yes(i)).add(no(i));
            } else if (i != 8) {
                m.put("clobTokenIds", "[\"" + yes(i) + "\", \"" + no(i) + "\"]");
            }
            markets.add(m);
        }
        return markets;
    }

    private static String yes(int i) {
        return "1000" + i;
    }

    private static String no(int i) {
        return "2000" + i;
    }

    private static boolean expectedTradable(int i) {
        return i % 10 != 9 && i % 7 != 6 && i != 5 && i != 8;
    }

    private static Response page(List<ObjectNode> markets, Map<String, String> q) {
        int offset = Integer.parseInt(q.get("offset"));
        int limit = Integer.parseInt(q.get("limit"));
        ArrayNode page = JSON.createArrayNode();
        markets.subList(Math.min(offset, markets.size()), Math.min(offset + limit, markets.size())).forEach(page::add);
        return new Response(200, page.toString());
    }

    @Test
    void collectsTokensOfTradableMarketsOverTwoPages() throws Exception {
        List<ObjectNode> markets = gammaMarkets();
        String base = serve(q -> page(markets, q));

        List<String> tokens = new PolymarketAdapter().discoverMarkets(settings(base, 1000, 100));

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 103; i++) {
            if (expectedTradable(i)) {
                expected.add(yes(i));
                expected.add(no(i));
            }
        }
        assertEquals(expected, tokens);
        assertTrue(tokens.contains(yes(3)), "a real array is read too");
        assertTrue(tokens.contains(yes(102)), "the second page is read");
        assertEquals(2, requests.size());
        assertEquals(List.of("0", "100"), requests.stream().map(q -> q.get("offset")).toList());
        for (Map<String, String> q : requests) {
            assertEquals("true", q.get("active"));
            assertEquals("false", q.get("closed"));
            assertEquals("100", q.get("limit"));
        }
    }

    @Test
    void stopsAtTheDiscoveryLimit() throws Exception {
        List<ObjectNode> markets = gammaMarkets();
        String base = serve(q -> page(markets, q));

        List<String> tokens = new PolymarketAdapter().discoverMarkets(settings(base, 5, 100));

        assertEquals(List.of(yes(0), no(0), yes(1), no(1), yes(2)), tokens);
        assertEquals(1, requests.size(), "no second page once the limit is reached");
    }

    @Test
    void pagesWithOffsetUntilAShortPage() throws Exception {
        List<ObjectNode> markets = gammaMarkets().subList(0, 5);
        String base = serve(q -> page(markets, q));

        List<String> tokens = new GammaMarketDiscovery(base + "/", 1000, 2, java.time.Duration.ofSeconds(5)).discover()
                .stream().map(io.marketmesh.node.venue.MarketInfo::symbol).toList();

        assertEquals(List.of(yes(0), no(0), yes(1), no(1), yes(2), no(2), yes(3), no(3), yes(4), no(4)), tokens);
        assertEquals(List.of("0", "2", "4"), requests.stream().map(q -> q.get("offset")).toList());
    }

    @Test
    void httpErrorIsAClearException() throws Exception {
        String base = serve(q -> new Response(503, "{\"error\":\"maintenance\"}"));

        Exception e = assertThrows(Exception.class, () -> new PolymarketAdapter().discoverMarkets(settings(base, 10, 100)));
        assertTrue(e.getMessage().contains("HTTP 503") && e.getMessage().contains("maintenance"), e.getMessage());
    }

    @Test
    void badJsonIsAClearException() throws Exception {
        String base = serve(q -> new Response(200, "<html>not json</html>"));
        Exception e = assertThrows(Exception.class, () -> new PolymarketAdapter().discoverMarkets(settings(base, 10, 100)));
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());

        stop();
        requests.clear();
        String object = serve(q -> new Response(200, "{\"markets\":[]}"));
        e = assertThrows(Exception.class, () -> new PolymarketAdapter().discoverMarkets(settings(object, 10, 100)));
        assertTrue(e.getMessage().contains("no JSON array"), e.getMessage());
    }
}

package io.marketmesh.node.venue.polymarket;

import static io.marketmesh.node.venue.polymarket.PolymarketTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.marketmesh.node.venue.MarketInfo;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Polymarket market metadata as Gamma documents it: one {@link MarketInfo} per CLOB token, and {@code describe} over
 * the documented {@code clob_token_ids} filter.
 */
class PolymarketMetadataTest {

    static final String YES = "107505882767731489358349912513945399560393482969656700824895970500493757150417";
    static final String NO = "7305630249804085635496399869905769372294302716159034447326228509068694952392";

    /**
     * A Gamma market as {@code GET /markets} returns it. Field names and types: the {@code Market} schema of
     * docs.polymarket.com/api-reference/markets/list-markets (gamma-openapi.yaml); {@code outcomes} and
     * {@code clobTokenIds} as JSON-encoded strings, index-aligned, as docs.polymarket.com/market-data/overview shows.
     * The id, question, condition id, token ids and event slug are the documented example market of
     * docs.polymarket.com/market-data/discover-markets; the dates, tick, minimum size and volume are illustrative
     * values of the documented types, as the docs' example gives none.
     */
    static final String DOCUMENTED_MARKET = """
            {
              "id": "703257",
              "question": "Will the US confirm that aliens exist before 2027?",
              "conditionId": "0x747dc809fb79e1b05be09c42d6179459a58de2ef3e40f02484a4e1260f741f75",
              "slug": "will-the-us-confirm-that-aliens-exist-before-2027-789-924-249",
              "startDate": "2025-11-21T18:04:12.52Z",
              "endDate": "2026-12-31T12:00:00Z",
              "outcomes": "[\\"Yes\\", \\"No\\"]",
              "outcomePrices": "[\\"0.115\\", \\"0.885\\"]",
              "clobTokenIds": "[\\"%s\\", \\"%s\\"]",
              "active": true,
              "closed": false,
              "enableOrderBook": true,
              "acceptingOrders": true,
              "orderPriceMinTickSize": 0.001,
              "orderMinSize": 5,
              "volume24hr": 15234.56,
              "events": [
                {
                  "id": "90177",
                  "slug": "will-the-us-confirm-that-aliens-exist-before-2027",
                  "title": "Will the US confirm that aliens exist by...?"
                }
              ]
            }
            """.formatted(YES, NO);

    private HttpServer server;
    private final List<Map<String, List<String>>> requests = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aDocumentedGammaMarketGivesOneEntryPerTokenWithEveryField() throws Exception {
        List<MarketInfo> infos = GammaMarketInfo.of(GammaMarketInfo.JSON.readTree(DOCUMENTED_MARKET));

        assertEquals(2, infos.size());
        MarketInfo yes = infos.get(0);
        MarketInfo no = infos.get(1);
        assertEquals(YES, yes.symbol());
        assertEquals(NO, no.symbol());
        assertEquals("Yes", yes.outcome());
        assertEquals("No", no.outcome());
        for (MarketInfo token : infos) {
            assertEquals("Will the US confirm that aliens exist before 2027?", token.title());
            assertEquals("0x747dc809fb79e1b05be09c42d6179459a58de2ef3e40f02484a4e1260f741f75", token.event());
            assertEquals("binary", token.kind());
            assertEquals(new BigDecimal("0.001"), token.tickSize(), "exact, never a binary double");
            assertEquals(new BigDecimal("5"), token.lotSize());
            assertEquals(new BigDecimal("15234.56"), token.volume());
            assertEquals("active", token.status());
            assertTrue(token.active());
            assertEquals(Instant.parse("2025-11-21T18:04:12.520Z"), token.openTime());
            assertEquals(Instant.parse("2026-12-31T12:00:00Z"), token.closeTime());
            assertEquals("https://polymarket.com/event/will-the-us-confirm-that-aliens-exist-before-2027", token.url());
            assertEquals("", token.base());
            assertEquals("", token.quote());
        }
    }

    @Test
    void closedOrNotAcceptingOrdersIsInactiveAndMissingFieldsStayUnknown() throws Exception {
        ObjectNode closed = (ObjectNode) GammaMarketInfo.JSON.readTree(DOCUMENTED_MARKET);
        closed.put("closed", true);
        closed.put("acceptingOrders", false);
        MarketInfo info = GammaMarketInfo.of(closed).get(0);
        assertEquals("closed", info.status());
        assertFalse(info.active());

        ObjectNode paused = (ObjectNode) GammaMarketInfo.JSON.readTree(DOCUMENTED_MARKET);
        paused.put("acceptingOrders", false);
        assertEquals("active", GammaMarketInfo.of(paused).get(0).status());
        assertFalse(GammaMarketInfo.of(paused).get(0).active(), "not accepting orders: not open for trading");

        ObjectNode bare = GammaMarketInfo.JSON.createObjectNode();
        bare.put("active", true);
        bare.put("clobTokenIds", "[\"1\", \"2\"]");
        MarketInfo minimal = GammaMarketInfo.of(bare).get(1);
        assertEquals("2", minimal.symbol());
        assertTrue(minimal.active());
        assertNull(minimal.outcome());
        assertNull(minimal.title());
        assertNull(minimal.tickSize());
        assertNull(minimal.lotSize());
        assertNull(minimal.openTime());
        assertNull(minimal.url(), "no event slug, no page");
    }

    @Test
    void discoverGivesTheMarketsDiscoveryFollowsWithTheirMetadata() throws Exception {
        String base = serve(query -> {
            ArrayNode page = GammaMarketInfo.JSON.createArrayNode();
            if (query.get("offset").get(0).equals("0")) {
                page.add(read(DOCUMENTED_MARKET));
            }
            return page.toString();
        });
        PolymarketAdapter adapter = new PolymarketAdapter();

        List<MarketInfo> discovered = adapter.discover(settings(base, 1000, 100));
        assertEquals(List.of(YES, NO), discovered.stream().map(MarketInfo::symbol).toList());
        assertEquals("No", discovered.get(1).outcome());
        assertEquals(List.of(YES, NO), adapter.discoverMarkets(settings(base, 1000, 100)), "same markets, same order");
    }

    @Test
    void describeAsksForExactlyTheTokensAndLeavesADelistedOneOut() throws Exception {
        String delisted = "99999999999999999999999999999999999999999999999999999999999999999999999999999";
        String base = serve(query -> {
            List<String> tokens = query.getOrDefault("clob_token_ids", List.of());
            ArrayNode page = GammaMarketInfo.JSON.createArrayNode();
            if (tokens.contains(YES) || tokens.contains(NO)) {
                page.add(read(DOCUMENTED_MARKET));
            }
            return page.toString();
        });

        List<MarketInfo> described = new PolymarketAdapter().describe(settings(base, 1000, 100), List.of(NO, delisted));

        assertEquals(List.of(NO), described.stream().map(MarketInfo::symbol).toList(),
                "only the token asked for (not its sibling); the delisted one is absent");
        assertEquals("No", described.get(0).outcome());
        assertEquals(List.of(NO, delisted), requests.get(0).get("clob_token_ids"), "the documented filter, repeated");
        assertNull(requests.get(0).get("closed"), "first asked without a closed filter");
        assertEquals(List.of(delisted), requests.get(1).get("clob_token_ids"), "then the missing one among closed markets");
        assertEquals(List.of("true"), requests.get(1).get("closed"));
        assertEquals(2, requests.size());
    }

    @Test
    void describeFindsAClosedMarketAmongClosedOnesAndBatchesLongLists() throws Exception {
        String base = serve(query -> {
            ArrayNode page = GammaMarketInfo.JSON.createArrayNode();
            if (query.containsKey("closed")) {
                ObjectNode closed = (ObjectNode) read(DOCUMENTED_MARKET);
                closed.put("closed", true);
                page.add(closed);
            }
            return page.toString();
        });
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            asked.add("4" + i);
        }
        asked.add(YES);

        List<MarketInfo> described = new PolymarketAdapter().describe(settings(base, 1000, 100), asked);

        assertEquals(1, described.size());
        assertEquals(YES, described.get(0).symbol());
        assertEquals("closed", described.get(0).status());
        assertFalse(described.get(0).active());
        assertEquals(4, requests.size(), "71 tokens: two batches, then two batches among closed markets");
        assertTrue(requests.stream().allMatch(q -> q.get("clob_token_ids").size() <= GammaMarketDiscovery.DESCRIBE_BATCH));
    }

    private static JsonNode read(String json) {
        try {
            return GammaMarketInfo.JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Serves {@code /markets}, answering each query (multi-valued) with {@code answer}; returns the base URL. */
    private String serve(Function<Map<String, List<String>>, String> answer) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/markets", exchange -> {
            Map<String, List<String>> query = java.util.Arrays.stream(exchange.getRequestURI().getRawQuery().split("&"))
                    .map(pair -> pair.split("=", 2))
                    .collect(Collectors.groupingBy(kv -> kv[0], java.util.LinkedHashMap::new, Collectors.mapping(
                            kv -> kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "",
                            Collectors.toList())));
            requests.add(query);
            byte[] body = answer.apply(query).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}

package io.marketmesh.node.venue.kalshi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.venue.MarketInfo;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Venue;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kalshi market metadata as the venue documents it, and {@code describe} over the documented {@code tickers} filter.
 */
class KalshiMetadataTest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /**
     * A market as {@code GET /trade-api/v2/markets} returns it. Field names, types and the status enum: the
     * {@code Market} schema of docs.kalshi.com/api-reference/market/get-markets (openapi.yaml, v3.8.0); the
     * {@code tapered_deci_cent} price ranges: the table of docs.kalshi.com/getting_started/fixed_point_migration. The
     * ticker and event ticker are a market of the real capture in shared/fixtures/venues/kalshi
     * ({@code testcode-embedded__prod_capture_2026-07-28_frames.jsonl}); titles, times and prices are illustrative
     * values of the documented types, as the docs' example shows only placeholders.
     */
    static final String DOCUMENTED_MARKET = """
            {
              "ticker": "KXAAAGASD-26JUL29-4.075",
              "event_ticker": "KXAAAGASD-26JUL29",
              "market_type": "binary",
              "title": "Will average gas prices be above $4.075 on Jul 29, 2026?",
              "subtitle": "",
              "yes_sub_title": "Above $4.075",
              "no_sub_title": "Above $4.075",
              "created_time": "2026-07-27T14:05:11Z",
              "updated_time": "2026-07-28T09:00:00Z",
              "open_time": "2026-07-28T14:00:00Z",
              "close_time": "2026-07-29T14:00:00Z",
              "latest_expiration_time": "2026-08-05T14:00:00Z",
              "settlement_timer_seconds": 1800,
              "status": "active",
              "response_price_units": "usd_cent",
              "yes_bid_dollars": "0.4100",
              "yes_ask_dollars": "0.4300",
              "volume_fp": "1520.00",
              "volume_24h_fp": "310.00",
              "result": "",
              "can_close_early": true,
              "fractional_trading_enabled": false,
              "notional_value_dollars": "1.0000",
              "tick_size": 1,
              "rules_primary": "If the average price is above $4.075, the market resolves to Yes.",
              "rules_secondary": "",
              "price_level_structure": "tapered_deci_cent",
              "price_ranges": [
                {"start": "0.0000", "end": "0.1000", "step": "0.0010"},
                {"start": "0.1000", "end": "0.9000", "step": "0.0100"},
                {"start": "0.9000", "end": "1.0000", "step": "0.0010"}
              ]
            }
            """;

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private final List<String> signatures = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aDocumentedMarketGivesEveryField() throws Exception {
        MarketInfo info = KalshiMarketInfo.of(JSON.readTree(DOCUMENTED_MARKET));

        assertEquals("KXAAAGASD-26JUL29-4.075", info.symbol());
        assertEquals("Will average gas prices be above $4.075 on Jul 29, 2026?", info.title());
        assertEquals("Above $4.075", info.outcome());
        assertEquals("KXAAAGASD-26JUL29", info.event());
        assertEquals("binary", info.kind());
        assertEquals(new BigDecimal("0.001"), info.tickSize(), "the finest step: dollars, as the node's books are");
        assertEquals(BigDecimal.ONE, info.lotSize(), "whole contracts unless fractional trading is enabled");
        assertEquals("active", info.status());
        assertTrue(info.active());
        assertEquals(Instant.parse("2026-07-28T14:00:00Z"), info.openTime());
        assertEquals(Instant.parse("2026-07-29T14:00:00Z"), info.closeTime());
        assertNull(info.url(), "Kalshi documents no web page URL form for a market");
        assertNull(info.volume(), "Kalshi counts volume in contracts, not in a quote asset");
        assertEquals("", info.base());
        assertEquals("", info.quote());
    }

    @Test
    void legacyTickSizeOutcomeDefaultAndClosedStatuses() throws Exception {
        ObjectNode legacy = (ObjectNode) JSON.readTree(DOCUMENTED_MARKET);
        legacy.remove("price_ranges");
        legacy.remove("yes_sub_title");
        legacy.put("fractional_trading_enabled", true);
        MarketInfo info = KalshiMarketInfo.of(legacy);
        assertEquals(new BigDecimal("0.01"), info.tickSize(), "the deprecated tick_size is in cents");
        assertEquals(new BigDecimal("0.01"), info.lotSize());
        assertEquals("Yes", info.outcome());

        for (String status : List.of("closed", "settled", "determined", "finalized", "initialized", "inactive")) {
            ObjectNode market = (ObjectNode) JSON.readTree(DOCUMENTED_MARKET);
            market.put("status", status);
            MarketInfo closed = KalshiMarketInfo.of(market);
            assertEquals(status, closed.status());
            assertFalse(closed.active(), status);
        }
    }

    @Test
    void discoverGivesTheOpenMarketsWithTheirMetadata() throws Exception {
        serve(query -> "{\"markets\":[" + DOCUMENTED_MARKET + "],\"cursor\":\"\"}");
        KalshiAdapter adapter = new KalshiAdapter();

        List<MarketInfo> discovered = adapter.discover(settings("", ""));
        assertEquals(1, discovered.size());
        assertEquals("Above $4.075", discovered.get(0).outcome());
        assertEquals("open", requests.get(0).get("status"), "discovery's own filter");
        assertEquals(List.of("KXAAAGASD-26JUL29-4.075"), adapter.discoverMarkets(settings("", "")));
    }

    @Test
    void describeAsksForExactlyTheTickersSignedAndBatchedAndLeavesADelistedOneOut() throws Exception {
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            asked.add("KXGONE-" + i);
        }
        asked.add(60, "KXAAAGASD-26JUL29-4.075");
        serve(query -> {
            ArrayNode markets = JSON.createArrayNode();
            if (Arrays.asList(query.get("tickers").split(",")).contains("KXAAAGASD-26JUL29-4.075")) {
                ObjectNode closed = (ObjectNode) read(DOCUMENTED_MARKET);
                closed.put("status", "closed");
                markets.add(closed);
            }
            return "{\"markets\":" + markets + ",\"cursor\":\"\"}";
        });
        KeyPair keys = KalshiKeys.newKeyPair();
        Path key = Files.writeString(dir.resolve("kalshi.pem"), KalshiKeys.privateKeyPem(keys.getPrivate()));

        List<MarketInfo> described = new KalshiAdapter().describe(settings("key-1", key.toString()), asked);

        assertEquals(1, described.size(), "the 120 delisted tickers are absent");
        assertEquals("closed", described.get(0).status());
        assertFalse(described.get(0).active());
        assertEquals(2, requests.size(), "121 tickers: batches of " + KalshiDiscovery.DESCRIBE_BATCH);
        assertEquals(String.join(",", asked.subList(0, 100)), requests.get(0).get("tickers"));
        assertEquals(String.join(",", asked.subList(100, 121)), requests.get(1).get("tickers"));
        assertTrue(requests.stream().noneMatch(q -> q.containsKey("status")), "no status filter: closed ones too");
        assertEquals(2, signatures.stream().filter(s -> !s.isEmpty()).count(), "every call signed");
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void serve(Function<Map<String, String>, String> answer) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/trade-api/v2/markets", exchange -> {
            Map<String, String> query = new java.util.LinkedHashMap<>();
            for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
            requests.add(query);
            signatures.add(java.util.Objects.requireNonNullElse(
                    exchange.getRequestHeaders().getFirst("KALSHI-ACCESS-SIGNATURE"), ""));
            byte[] body = answer.apply(query).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
    }

    private VenueSettings settings(String keyId, String keyFile) {
        String rest = "http://127.0.0.1:" + server.getAddress().getPort() + "/trade-api/v2";
        return new VenueSettings(Venue.KALSHI, true, "ws://x", rest, List.of(), 0, 100, 50, Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofSeconds(5),
                ConfigFactory.parseMap(Map.of("key-id", keyId, "private-key-file", keyFile)));
    }
}

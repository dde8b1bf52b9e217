package io.marketmesh.node.venue.coinbase;

import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.RECORDING;
import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.VENUE;
import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.Venue;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Discovery over HTTP against a loopback server answering with the venue's recorded products list. */
class CoinbaseDiscoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> QUOTES = List.of("USD", "USDT", "USDC", "EUR");

    private HttpServer server;
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String serve(Function<String, Answer> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(CoinbaseDiscovery.PATH, exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(exchange.getRequestURI().getRawPath() + "?" + query);
            Answer a = answer.apply(query);
            byte[] body = a.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private record Answer(int status, String body) {
    }

    /** The body Coinbase answered on 2026-08-09, as recorded beside the WebSocket frames. */
    private static String recordedProducts() throws IOException {
        for (String line : Fixtures.lines(VENUE, RECORDING)) {
            JsonNode record = JSON.readTree(line);
            if (record.path("t").asText().equals("http")) {
                return record.path("data").asText();
            }
        }
        throw new AssertionError("no http record in the recording");
    }

    @Test
    void discoversTheMostTradedFollowableSpotProductsOfTheQuoteAssets() throws Exception {
        String body = recordedProducts();
        String rest = serve(query -> new Answer(200, body));
        List<String> found = new CoinbaseAdapter().discoverMarkets(settings(rest, 5, 10, QUOTES));
        assertEquals(List.of("BTC-USD", "ETH-USD", "SOL-USD", "XRP-USD", "ZEC-USD"), found);
        assertEquals(List.of(CoinbaseDiscovery.PATH + "?product_type=SPOT"), requests);

        List<String> gbp = new CoinbaseAdapter().discoverMarkets(settings(rest + "/", 2, 10, List.of("gbp")));
        assertEquals(2, gbp.size());
        assertTrue(gbp.stream().allMatch(s -> s.endsWith("-GBP")), gbp.toString());
    }

    @Test
    void followsThePagesWhileTheVenueSaysThereAreMore() throws Exception {
        JsonNode all = JSON.readTree(recordedProducts());
        ArrayNode products = (ArrayNode) all.get("products");
        String rest = serve(query -> {
            int offset = query.contains("offset=") ? Integer.parseInt(query.replaceAll(".*offset=(\\d+).*", "$1")) : 0;
            ObjectNode page = JSON.createObjectNode();
            ArrayNode slice = page.putArray("products");
            for (int i = offset; i < Math.min(products.size(), offset + 300); i++) {
                slice.add(products.get(i));
            }
            page.putObject("pagination").put("has_next", offset + 300 < products.size());
            return new Answer(200, page.toString());
        });
        List<String> found = new CoinbaseAdapter().discoverMarkets(settings(rest, 0, 10, List.of()));
        assertEquals(516, found.size(), "every followable product of every quote asset: limit 0 means none");
        assertEquals(List.of(CoinbaseDiscovery.PATH + "?product_type=SPOT",
                CoinbaseDiscovery.PATH + "?product_type=SPOT&offset=300",
                CoinbaseDiscovery.PATH + "?product_type=SPOT&offset=600",
                CoinbaseDiscovery.PATH + "?product_type=SPOT&offset=900"), requests);
    }

    @Test
    void anAnswerThatIsNoProductListFailsWithWhatTheVenueSaid() throws Exception {
        String rest = serve(query -> new Answer(query.contains("offset") ? 200 : 503, "{\"error\":\"unavailable\"}"));
        IOException e = assertThrows(IOException.class,
                () -> new CoinbaseAdapter().discoverMarkets(settings(rest, 5, 10, QUOTES)));
        assertTrue(e.getMessage().contains("HTTP 503") && e.getMessage().contains("unavailable"), e.getMessage());
    }

    @Test
    void theStartRefusesSettingsTheVenueWouldBreak() {
        IllegalArgumentException perSocket = assertThrows(IllegalArgumentException.class, () -> NodeConfig.validate(
                NodeConfig.load(ConfigFactory.parseMap(Map.of("marketmesh.venues.coinbase.markets-per-socket", 17)))));
        assertTrue(perSocket.getMessage().contains("marketmesh.venues.coinbase.markets-per-socket"), perSocket.getMessage());

        VenueSettings tooEager = new VenueSettings(Venue.COINBASE, true, "wss://x", "https://y", List.of(), 5, 10, 10,
                Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(5), ConfigFactory.empty());
        IllegalArgumentException stale = assertThrows(IllegalArgumentException.class,
                () -> new CoinbaseAdapter().validate(tooEager));
        assertTrue(stale.getMessage().contains("marketmesh.venues.coinbase.stale-after"), stale.getMessage());

        // The shipped defaults pass.
        NodeConfig.validate(NodeConfig.load());
        VenueSettings defaults = NodeConfig.venue(NodeConfig.load(), Venue.COINBASE);
        assertEquals("wss://advanced-trade-ws.coinbase.com", defaults.wsUrl());
        assertTrue(defaults.marketsPerSocket() <= new CoinbaseAdapter().maxMarketsPerSocket());
        assertEquals(java.util.Set.of("USD", "USDT", "USDC", "EUR"), defaults.quoteAssets());
    }
}

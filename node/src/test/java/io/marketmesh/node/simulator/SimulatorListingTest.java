package io.marketmesh.node.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated Polymarket and Kalshi REST APIs answer the filters discovery and {@code describe} use, with every
 * metadata field the venues document, and markets listed or closed while the simulator runs show there at once:
 * what a node's discovery refresh sees when a venue lists or closes a market.
 */
class SimulatorListingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);

    private ActorSystem<Void> venues;
    private VenueSimulator sim;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private final List<WebSocket> sockets = new ArrayList<>();

    @BeforeEach
    void start() {
        venues = TestNode.localSystem("listing");
        // Unsigned Kalshi handshakes are accepted (no public key), so a plain socket can follow a listed ticker.
        sim = VenueSimulator.start(venues, new SimulatorSettings(0, 2, 3, 200, 11, null, null));
    }

    @AfterEach
    void stop() throws Exception {
        sockets.forEach(WebSocket::abort);
        if (sim != null) {
            sim.close();
        }
        if (venues != null) {
            venues.terminate();
            venues.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void gammaAnswersTokenIdAndClosedFiltersWithEveryMetadataField() throws Exception {
        List<String> tokens = sim.markets(Venue.POLYMARKET);
        String yes = tokens.get(2);
        String no = tokens.get(3);

        // Repeated, as the documented array parameter is sent, and comma-separated: both find the second market.
        JsonNode repeated = getJson(sim.polymarketRestUrl() + "/markets?clob_token_ids=" + no + "&clob_token_ids=" + yes);
        JsonNode commas = getJson(sim.polymarketRestUrl() + "/markets?clob_token_ids=" + yes + "," + tokens.get(0));
        assertEquals(1, repeated.size(), repeated.toString());
        assertEquals(2, commas.size(), commas.toString());
        JsonNode market = repeated.get(0);
        assertEquals("[\"" + yes + "\", \"" + no + "\"]", market.get("clobTokenIds").asText());
        assertEquals("[\"Yes\", \"No\"]", market.get("outcomes").asText(), "outcomes index-aligned with the tokens");
        assertEquals("Simulated question 2?", market.get("question").asText());
        assertTrue(market.get("conditionId").asText().matches("0x[0-9a-f]{64}"), market.toString());
        assertEquals("0.01", market.get("orderPriceMinTickSize").decimalValue().toPlainString());
        assertEquals("5", market.get("orderMinSize").decimalValue().toPlainString());
        assertEquals(SimCatalog.GENERATED_OPEN, Instant.parse(market.get("startDate").asText()));
        assertEquals(SimCatalog.GENERATED_CLOSE, Instant.parse(market.get("endDate").asText()));
        assertTrue(market.get("active").asBoolean() && !market.get("closed").asBoolean()
                && market.get("acceptingOrders").asBoolean() && market.get("enableOrderBook").asBoolean());
        assertFalse(market.path("events").path(0).path("slug").asText().isBlank(), "event slug for the page URL");

        assertEquals(2, getJson(sim.polymarketRestUrl() + "/markets?active=true&closed=false").size());
        assertEquals(0, getJson(sim.polymarketRestUrl() + "/markets?closed=true").size());
        assertEquals(0, getJson(sim.polymarketRestUrl() + "/markets?clob_token_ids=123").size(), "unknown token");
    }

    @Test
    void kalshiAnswersTickersAndStatusFiltersWithEveryMetadataField() throws Exception {
        List<String> tickers = sim.markets(Venue.KALSHI);
        JsonNode page = getJson(sim.kalshiRestUrl() + "/markets?tickers=" + tickers.get(2) + "," + tickers.get(0)
                + ",KXNOPE-1");
        JsonNode markets = page.get("markets");
        assertEquals(List.of(tickers.get(0), tickers.get(2)),
                List.of(markets.get(0).get("ticker").asText(), markets.get(1).get("ticker").asText()));
        assertEquals(2, markets.size(), "an unknown ticker is simply absent");
        assertEquals("", page.get("cursor").asText());
        JsonNode market = markets.get(0);
        assertEquals("KXSIM-26DEC31", market.get("event_ticker").asText());
        assertEquals("binary", market.get("market_type").asText());
        assertEquals("Simulated index above 100.99?", market.get("title").asText());
        assertFalse(market.get("yes_sub_title").asText().isBlank());
        assertEquals("active", market.get("status").asText(), "the venue answers status=open with 'active'");
        assertEquals(SimCatalog.GENERATED_OPEN, Instant.parse(market.get("open_time").asText()));
        assertEquals(SimCatalog.GENERATED_CLOSE, Instant.parse(market.get("close_time").asText()));
        assertEquals("linear_cent", market.get("price_level_structure").asText());
        assertEquals("0.0100", market.get("price_ranges").get(0).get("step").asText());

        assertEquals(3, getJson(sim.kalshiRestUrl() + "/markets?status=open").get("markets").size());
        assertEquals(0, getJson(sim.kalshiRestUrl() + "/markets?status=closed").get("markets").size());
        assertEquals(0, getJson(sim.kalshiRestUrl() + "/markets?status=settled").get("markets").size());
    }

    @Test
    void aPolymarketMarketListedAtRuntimeIsDiscoverableAndItsBooksAreServed() throws Exception {
        List<String> symbols = sim.listMarket(Venue.POLYMARKET, "Will it rain in Lisbon tomorrow?");
        assertEquals(2, symbols.size());
        assertTrue(sim.markets(Venue.POLYMARKET).containsAll(symbols), "its books join the simulator's markets");

        JsonNode open = getJson(sim.polymarketRestUrl() + "/markets?active=true&closed=false");
        assertEquals(3, open.size(), open.toString());
        JsonNode listed = open.get(2);
        assertEquals("Will it rain in Lisbon tomorrow?", listed.get("question").asText());
        assertEquals("[\"" + symbols.get(0) + "\", \"" + symbols.get(1) + "\"]", listed.get("clobTokenIds").asText());
        Instant start = Instant.parse(listed.get("startDate").asText());
        assertTrue(Instant.parse(listed.get("endDate").asText()).isAfter(start));

        LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket socket = connect(sim.polymarketWsUrl(), frames);
        socket.sendText("{\"assets_ids\":[\"" + symbols.get(0) + "\",\"" + symbols.get(1) + "\"],\"type\":\"market\"}",
                true).get(5, TimeUnit.SECONDS);
        String books = awaitFrame(frames, symbols.get(1));
        assertTrue(books.contains(symbols.get(0)) && books.contains("\"bids\""), books);
        assertFalse(sim.trueBook(Venue.POLYMARKET, symbols.get(0)).bids().isEmpty());
    }

    @Test
    void aKalshiMarketListedOverTheControlApiIsDiscoverableAndItsBookIsServed() throws Exception {
        JsonNode answer = post(sim.controlUrl() + "/sim/kalshi/list?title="
                + URLEncoder.encode("Will the index close above 200?", StandardCharsets.UTF_8), 200);
        assertEquals("kalshi", answer.get("venue").asText());
        String ticker = answer.get("markets").get(0).asText();

        JsonNode open = getJson(sim.kalshiRestUrl() + "/markets?status=open").get("markets");
        assertEquals(4, open.size(), open.toString());
        assertEquals(ticker, open.get(3).get("ticker").asText());
        assertEquals("Will the index close above 200?", open.get(3).get("title").asText());

        LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket socket = connect(sim.kalshiWsUrl(), frames);
        socket.sendText("{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],"
                + "\"market_tickers\":[\"" + ticker + "\"]}}", true).get(5, TimeUnit.SECONDS);
        String snapshot = awaitFrame(frames, "orderbook_snapshot");
        assertTrue(snapshot.contains(ticker), snapshot);
    }

    @Test
    void aClosedMarketReadsClosedOverRestAndDropsOutOfTheOpenFilters() throws Exception {
        String token = sim.markets(Venue.POLYMARKET).get(1);
        assertEquals(sim.markets(Venue.POLYMARKET).subList(0, 2), sim.closeMarket(Venue.POLYMARKET, token),
                "closing either token closes the market");
        JsonNode closed = getJson(sim.polymarketRestUrl() + "/markets?clob_token_ids=" + token);
        assertTrue(closed.get(0).get("closed").asBoolean(), closed.toString());
        assertFalse(closed.get(0).get("acceptingOrders").asBoolean(), closed.toString());
        assertEquals(1, getJson(sim.polymarketRestUrl() + "/markets?active=true&closed=false").size());
        assertEquals(1, getJson(sim.polymarketRestUrl() + "/markets?closed=true").size());

        String ticker = sim.markets(Venue.KALSHI).get(1);
        JsonNode answer = post(sim.controlUrl() + "/sim/kalshi/close?symbol=" + ticker, 200);
        assertEquals(ticker, answer.get("closed").get(0).asText());
        JsonNode described = getJson(sim.kalshiRestUrl() + "/markets?tickers=" + ticker).get("markets");
        assertEquals("closed", described.get(0).get("status").asText());
        JsonNode open = getJson(sim.kalshiRestUrl() + "/markets?status=open").get("markets");
        assertEquals(2, open.size());
        open.forEach(m -> assertFalse(m.get("ticker").asText().equals(ticker)));

        post(sim.controlUrl() + "/sim/kalshi/close?symbol=KXNOPE-1", 404);
    }

    @Test
    void onlyThePredictionVenuesListMarketsAtRuntime() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> sim.listMarket(Venue.BINANCE, "BTC-EUR"));
        assertThrows(IllegalArgumentException.class, () -> sim.listMarket(Venue.POLYMARKET, " "));
        post(sim.controlUrl() + "/sim/binance/list?title=x", 400);
    }

    private JsonNode getJson(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private JsonNode post(String url, int expectedStatus) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(expectedStatus, response.statusCode(), url + ": " + response.body());
        return expectedStatus == 200 ? JSON.readTree(response.body()) : null;
    }

    private WebSocket connect(String url, LinkedBlockingQueue<String> frames) throws Exception {
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(URI.create(url),
                new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            frames.add(partial.toString());
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        sockets.add(socket);
        return socket;
    }

    /** The first frame containing {@code text}; frames before it are skipped. */
    private static String awaitFrame(LinkedBlockingQueue<String> frames, String text) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (frame != null && frame.contains(text)) {
                return frame;
            }
        }
        throw new AssertionError("no frame containing " + text + " within " + WAIT);
    }
}

package io.marketmesh.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.HeldBooks;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.StreamClient;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real WebSocket clients over loopback against a node following the simulated venues: what they hold, rebuilt from
 * the snapshots and deltas they are sent, must equal the venue's true books once the feed pauses.
 */
class StreamEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private TestNode node;
    private final List<StreamClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        venues = SimulatedVenues.startUnsigned(4, 5, 300, 11);
        simulator = venues.simulator();
    }

    @AfterEach
    void stop() {
        clients.forEach(StreamClient::close);
        if (node != null) {
            node.close();
        }
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void clientsHoldTheVenuesTrueBooksFromSnapshotsAndDeltas() {
        node = TestNode.start(venues.unsignedNodeSettings());
        List<String> poly = simulator.markets(Venue.POLYMARKET);
        List<String> kalshi = simulator.markets(Venue.KALSHI);
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == poly.size() + kalshi.size(), WAIT);

        StreamClient whole = connect();
        whole.subscribe("w", null, "book:polymarket:*", "book:kalshi:*");
        JsonNode subscribed = whole.await(0, m -> m.path("type").asText().equals("subscribed"), WAIT, "subscribed");
        assertEquals("w", subscribed.path("id").asText());
        assertEquals(2, subscribed.path("channels").size());

        String kalshiMarket = kalshi.get(0);
        StreamClient top = connect();
        top.subscribe(7, 3, "book:kalshi:" + kalshiMarket, "trades:kalshi:*");

        // A Kalshi sequence gap on the way: the books go stale, and their resync arrives as fresh snapshots.
        TestNode.await(() -> whole.count() > 200, WAIT, "the feed flows to the client");
        assertTrue(simulator.injectSequenceGap() >= 1);
        whole.await(0, m -> m.path("payload").path("kind").asText().equals("book_stale"), WAIT,
                "the gap's book_stale reaches the book subscription");
        TestNode.await(() -> whole.count() > 600, WAIT, "more of the feed");

        simulator.pause();
        for (String symbol : poly) {
            awaitHeldEqualsTruth(whole, "book:polymarket:*", Venue.POLYMARKET, symbol, 0);
        }
        for (String symbol : kalshi) {
            awaitHeldEqualsTruth(whole, "book:kalshi:*", Venue.KALSHI, symbol, 0);
        }
        awaitHeldEqualsTruth(top, "book:kalshi:" + kalshiMarket, Venue.KALSHI, kalshiMarket, 3);
        assertTrue(top.messages().stream().anyMatch(m -> m.path("payload").path("type").asText().equals("trade")),
                "trades flow on trades:kalshi:*");
        assertEquals(List.of(), whole.violations());
        assertEquals(List.of(), top.violations());
    }

    @Test
    void badRequestsAreAnsweredWithErrorsAndTheSocketLivesOn() {
        node = TestNode.start(Map.of(
                "marketmesh.venues.polymarket.ws-url", simulator.polymarketWsUrl(),
                "marketmesh.venues.polymarket.rest-url", simulator.polymarketRestUrl(),
                "marketmesh.stream.max-subscriptions", 3,
                "marketmesh.stream.max-message-bytes", 500));
        String symbol = simulator.markets(Venue.POLYMARKET).get(0);
        node.awaitJson("/api/v1/markets/polymarket/" + symbol, r -> r.status() == 200, WAIT);
        StreamClient client = connect();

        assertError(client, "{not json", "bad_json", null);
        assertError(client, "[1,2]", "bad_json", null);
        assertError(client, "{\"op\":\"fly\",\"id\":1}", "unknown_op", "1");
        assertError(client, "{\"op\":\"subscribe\",\"id\":2,\"channels\":[\"book:polymarket\"]}", "bad_channel", "2");
        assertError(client, "{\"op\":\"subscribe\",\"id\":3,\"channels\":[\"quotes:polymarket:*\"]}", "bad_channel", "3");
        assertError(client, "{\"op\":\"subscribe\",\"id\":4,\"channels\":[\"book:nasdaq:AAPL\"]}", "bad_channel", "4");
        assertError(client, "{\"op\":\"subscribe\",\"id\":5,\"channels\":[\"book:polymarket:123\"]}", "unknown_market", "5");
        assertError(client, "{\"op\":\"subscribe\",\"id\":6,\"channels\":[\"book:polymarket:*\"],\"depth\":0}", "bad_depth", "6");
        assertError(client, "{\"op\":\"subscribe\",\"id\":7,\"channels\":[\"book:polymarket:*\"],\"depth\":100000}", "bad_depth", "7");
        assertError(client, "{\"op\":\"subscribe\",\"id\":8,\"channels\":[\"a:b:c\",\"b:c:d\",\"c:d:e\",\"d:e:f\"]}",
                "too_many_subscriptions", "8");
        assertError(client, "{\"op\":\"unsubscribe\",\"id\":9,\"channels\":[\"book:polymarket:*\"]}", "not_subscribed", "9");
        assertError(client, "{\"op\":\"ping\",\"id\":\"" + "x".repeat(600) + "\"}", "message_too_large", null);

        client.subscribe("ok", null, "book:polymarket:" + symbol);
        client.await(0, m -> m.path("type").asText().equals("subscribed") && m.path("id").asText().equals("ok"), WAIT,
                "a good subscribe after all the bad ones");
        assertError(client, "{\"op\":\"subscribe\",\"id\":10,\"channels\":[\"book:polymarket:" + symbol + "\"]}",
                "already_subscribed", "10");
        int before = client.count();
        client.ping(Map.of("n", 1));
        JsonNode pong = client.await(before, m -> m.path("type").asText().equals("pong"), WAIT, "pong");
        assertEquals(1, pong.path("id").path("n").asInt());
        assertTrue(pong.path("time").asLong() > 0);
        assertFalse(client.closed().isDone(), "the socket is still open");
        assertEquals(List.of(), client.violations());
    }

    @Test
    void unsubscribeStopsTheFlow() {
        node = TestNode.start(venues.unsignedNodeSettings());
        List<String> kalshi = simulator.markets(Venue.KALSHI);
        int all = simulator.markets(Venue.POLYMARKET).size() + kalshi.size();
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == all, WAIT);
        StreamClient client = connect();
        client.subscribe(1, null, "book:kalshi:*", "ticker:kalshi:*");
        TestNode.await(() -> client.messages().stream().filter(m -> m.path("subscription").asText().equals("ticker:kalshi:*"))
                .count() > 5, WAIT, "tickers flow");
        client.unsubscribe(2, "ticker:kalshi:*");
        JsonNode unsubscribed = client.await(0, m -> m.path("type").asText().equals("unsubscribed"), WAIT, "unsubscribed");
        int at = client.messages().indexOf(unsubscribed);
        long framesThen = simulator.stats(Venue.KALSHI).framesSent();
        TestNode.await(() -> simulator.stats(Venue.KALSHI).framesSent() > framesThen + 300, WAIT, "the feed goes on");
        int before = client.count();
        client.ping(3);
        client.await(before, m -> m.path("type").asText().equals("pong"), WAIT, "pong");
        List<JsonNode> received = List.copyOf(client.messages());
        List<JsonNode> after = received.subList(at + 1, received.size());
        assertTrue(after.stream().anyMatch(m -> m.path("subscription").asText().equals("book:kalshi:*")),
                "the book subscription goes on");
        assertTrue(after.stream().noneMatch(m -> m.path("subscription").asText().equals("ticker:kalshi:*")),
                "nothing for the channel after its unsubscribed");
        assertEquals(kalshi.size(), kalshi.stream().filter(s -> client.book("book:kalshi:*", "kalshi:" + s) != null).count());
        assertEquals(List.of(), client.violations());
    }

    private void assertError(StreamClient client, String request, String code, String id) {
        int before = client.count();
        client.send(request);
        JsonNode error = client.await(before, m -> m.path("type").asText().equals("error"), WAIT, "error for " + request);
        assertEquals(code, error.path("error").asText(), error.toString());
        assertFalse(error.path("message").asText().isEmpty());
        if (id != null) {
            assertEquals(id, error.path("id").asText());
        }
    }

    private StreamClient connect() {
        StreamClient client = StreamClient.connect(node.httpPort());
        clients.add(client);
        return client;
    }

    private void awaitHeldEqualsTruth(StreamClient client, String subscription, Venue venue, String symbol, int depth) {
        BookSnapshot truth = simulator.trueBook(venue, symbol);
        List<PriceLevel> bids = depth == 0 ? truth.bids() : truth.bids().subList(0, Math.min(depth, truth.bids().size()));
        List<PriceLevel> asks = depth == 0 ? truth.asks() : truth.asks().subList(0, Math.min(depth, truth.asks().size()));
        String market = venue.id() + ":" + symbol;
        TestNode.await(() -> {
            HeldBooks.HeldBook held = client.book(subscription, market);
            return held != null && !held.stale && held.bidLevels().equals(bids) && held.askLevels().equals(asks);
        }, WAIT, subscription + " " + market + " equals the truth");
        assertNotNull(client.book(subscription, market));
    }
}

package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real node following the simulated Bitstamp over a loopback WebSocket and its REST API: books seeded from REST
 * snapshots spliced into the diff stream, every fault the venue can throw at it (a diff lost on the way, which only
 * the REST recheck can expose; a REST book older than what was buffered; a truncated frame; an unknown event; a
 * server-side close; {@code bts:request_reconnect}); once the feed goes quiet every book served over HTTP equals the
 * venue's true book level by level, none stale.
 */
class BitstampEndToEndTest {

    private static final Duration HEAL = Duration.ofSeconds(40);
    private static final Venue BITSTAMP = Venue.BITSTAMP;
    private static final double RATE = 60;

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private TestNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void discoveredBooksEqualTheVenuesTrueBooksAfterEveryFault() {
        venues = SimulatedVenues.startUnsigned(0, 0, 4, RATE, 11);
        simulator = venues.simulator();
        node = TestNode.start(settings(List.of()));
        List<String> markets = simulator.markets(BITSTAMP);
        assertEquals(List.of("btcusdt", "ethusdt", "pepeusdt", "solusdc"), markets);

        // Discovered over REST (the disabled pair left out), every book seeded from a REST snapshot.
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == 4, HEAL);
        markets.forEach(this::awaitBook);
        // Trades from live_trades, tickers from the REST tickers.
        for (String symbol : markets) {
            node.awaitJson(market(symbol), r -> !r.body().path("lastTrade").isNull()
                    && !r.body().path("lastTrade").isMissingNode() && !r.body().path("ticker").isNull()
                    && !r.body().path("ticker").isMissingNode(), HEAL);
        }
        // Several rechecks of moving books (every 2 s): each rebuilt book matched the node's, so nothing went stale.
        long published = simulator.stats(BITSTAMP).updatesPublished();
        TestNode.await(() -> simulator.stats(BITSTAMP).updatesPublished() > published + 6 * RATE, HEAL, "6 s of changes");
        assertEquals(0, sumOverMarkets(markets, m -> m.path("counters").path("staleEvents").asLong()),
                "no recheck of an intact book fails");
        JsonNode integrity = integrity();
        assertTrue(integrity.path("sequenceChecks").asLong() > 0, "every diff's microtimestamp checked: " + integrity);
        assertTrue(integrity.path("checksumChecks").asLong() >= 4, "each book rechecked against REST: " + integrity);
        assertEquals(0, integrity.path("sequenceFailures").asLong());
        assertEquals(0, integrity.path("checksumFailures").asLong());

        // A truncated frame (nobody's, as far as anyone can tell: every book is rechecked) and an unknown event.
        long badBefore = sumOverSockets(c -> c.path("badFrames").asLong());
        assertEquals(1, simulator.sendMalformedFrame(BITSTAMP));
        assertEquals(1, simulator.sendUnknownEvent(BITSTAMP));
        node.awaitJson("/api/v1/venues", r -> sumOverSockets(r.body(), c -> c.path("badFrames").asLong()) >= badBefore + 2, HEAL);
        assertEquals(0, sumOverSockets(c -> c.path("reconnects").asLong()), "bad frames must not cost the socket");

        // One diff never sent, and nothing else moving: the book is wrong and no frame says so. The next recheck
        // rebuilds the venue's book from REST, the claim fails, the book goes stale and is resynchronised.
        dropOneDiff();
        TestNode.await(() -> sumOverMarkets(markets, m -> m.path("counters").path("staleEvents").asLong()) == 1, HEAL,
                "the recheck exposes the lost diff on exactly one book");
        TestNode.await(() -> integrity().path("checksumFailures").asLong() == 1, HEAL, "the failed recheck counted");
        markets.forEach(this::awaitBookEqualsTruth);
        simulator.setUpdatesPerSecond(RATE);
        simulator.resume();

        // A server-side close, the next REST books older than what the new socket buffered: fetched again.
        assertEquals(4, simulator.serveStaleSnapshots(BITSTAMP));
        long reconnects = sumOverSockets(c -> c.path("reconnects").asLong());
        assertEquals(1, simulator.dropConnections(BITSTAMP));
        TestNode.await(() -> sumOverSockets(c -> c.path("reconnects").asLong()) > reconnects, HEAL, "the socket reopened");
        markets.forEach(this::awaitBook);

        // bts:request_reconnect: the node goes to a new socket (before the venue's 3 s are up).
        long accepted = simulator.stats(BITSTAMP).connectionsAccepted();
        assertEquals(1, simulator.requestReconnect(BITSTAMP));
        TestNode.await(() -> simulator.stats(BITSTAMP).connectionsAccepted() > accepted, HEAL, "a new socket");
        TestNode.await(() -> connections().stream().anyMatch(c -> c.path("lastError").asText("").contains("bts:request_reconnect")),
                HEAL, "the reconnect request named as the reason");

        // Quiet: every book is the venue's, level by level, none stale.
        simulator.pause();
        markets.forEach(this::awaitBookEqualsTruth);
    }

    @Test
    void configuredNativeSymbolsFollowTheirBooksExactly() {
        venues = SimulatedVenues.startUnsigned(0, 0, 4, RATE, 12);
        simulator = venues.simulator();
        List<String> markets = List.of("pepeusdt", "solusdc");
        node = TestNode.start(settings(markets));
        markets.forEach(this::awaitBook);
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == 2, HEAL);
        long reconnects = sumOverSockets(c -> c.path("reconnects").asLong());
        simulator.dropConnections(BITSTAMP);
        TestNode.await(() -> sumOverSockets(c -> c.path("reconnects").asLong()) > reconnects, HEAL, "the socket reopened");
        simulator.pause();
        // PEPE: prices of ten decimals, sizes of up to twelve digits, held exactly.
        markets.forEach(this::awaitBookEqualsTruth);
    }

    /** With the feed paused: the next change on the socket is not sent; exactly one change is then made. */
    private void dropOneDiff() {
        simulator.pause();
        assertEquals(1, simulator.injectSequenceGap(BITSTAMP));
        simulator.setUpdatesPerSecond(1);
        long before = simulator.stats(BITSTAMP).updatesPublished();
        simulator.resume();
        TestNode.await(() -> simulator.stats(BITSTAMP).updatesPublished() > before, HEAL, "one change made");
        simulator.pause();
        assertEquals(before + 1, simulator.stats(BITSTAMP).updatesPublished(), "exactly one change while the diff was lost");
    }

    private Map<String, Object> settings(List<String> markets) {
        Map<String, Object> settings = new HashMap<>(venues.cryptoNodeSettings(BITSTAMP, markets));
        String prefix = "marketmesh.venues.bitstamp.";
        settings.put("marketmesh.connection.workers-per-venue", 1);
        settings.put(prefix + "snapshot-delay", "300ms");
        settings.put(prefix + "snapshot-retry-delay", "300ms");
        settings.put(prefix + "recheck-interval", "2s");
        settings.put(prefix + "ticker-interval", "1s");
        settings.put(prefix + "stale-after", "5s");
        return settings;
    }

    private JsonNode integrity() {
        for (JsonNode v : node.get("/api/v1/venues").body().path("venues")) {
            if (v.path("venue").asText().equals(BITSTAMP.id())) {
                return v.path("integrity");
            }
        }
        throw new AssertionError("no bitstamp in /api/v1/venues");
    }

    private static String market(String symbol) {
        return "/api/v1/markets/bitstamp/" + symbol;
    }

    private void awaitBook(String symbol) {
        node.awaitJson(market(symbol), r -> r.status() == 200 && r.body().path("hasBook").asBoolean()
                && !r.body().path("stale").asBoolean(true), HEAL);
    }

    private void awaitBookEqualsTruth(String symbol) {
        BookTruth.awaitBookEqualsTruth(node, simulator, BITSTAMP, symbol, HEAL);
    }

    private long sumOverMarkets(List<String> markets, ToLongFunction<JsonNode> field) {
        return markets.stream().mapToLong(symbol -> field.applyAsLong(node.get(market(symbol)).body())).sum();
    }

    private List<JsonNode> connections() {
        List<JsonNode> list = new ArrayList<>();
        for (JsonNode v : node.get("/api/v1/venues").body().path("venues")) {
            if (v.path("venue").asText().equals(BITSTAMP.id())) {
                v.path("connections").forEach(list::add);
            }
        }
        return list;
    }

    private long sumOverSockets(ToLongFunction<JsonNode> field) {
        return connections().stream().mapToLong(field).sum();
    }

    private static long sumOverSockets(JsonNode venuesBody, ToLongFunction<JsonNode> field) {
        long sum = 0;
        for (JsonNode v : venuesBody.path("venues")) {
            if (v.path("venue").asText().equals(BITSTAMP.id())) {
                for (JsonNode c : v.path("connections")) {
                    sum += field.applyAsLong(c);
                }
            }
        }
        return sum;
    }
}

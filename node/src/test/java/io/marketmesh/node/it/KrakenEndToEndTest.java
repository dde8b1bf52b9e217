package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Venue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real node following the simulated Kraken (WebSocket v2 and REST, loopback) through every fault the simulator
 * throws at it: a malformed frame, an undocumented channel, a dropped book update that only the checksum exposes, the
 * venue's maintenance notice, server-side closes. Once the feed is quiet, every book served at
 * {@code /api/v1/markets/kraken/<BASE%2FQUOTE>/book?depth=1000} must equal the venue's true book (at the subscribed
 * depth) level by level, none stale.
 */
class KrakenEndToEndTest {

    private static final Duration HEAL = Duration.ofSeconds(40);

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private TestNode node;

    @BeforeEach
    void startVenues() {
        venues = SimulatedVenues.startUnsigned(0, 0, 8, 400, 11);
        simulator = venues.simulator();
    }

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
    void discoveredMarketsSurviveEveryFaultAndEqualTheTruth() {
        Map<String, Object> settings = settings(List.of());
        settings.put("marketmesh.venues.kraken.discovery-limit", 20);
        node = TestNode.start(settings);
        List<String> markets = simulator.markets(Venue.KRAKEN);
        assertEquals(8, markets.size());

        // Discovery over AssetPairs (v1 names XBT/..., XDG/...) finds every pair under its v2 symbol.
        node.awaitJson("/api/v1/markets?venue=kraken", r -> r.body().path("total").asInt() == 8, HEAL);
        List<String> followed = new ArrayList<>();
        node.get("/api/v1/markets?venue=kraken").body().path("markets").forEach(m -> followed.add(m.path("symbol").asText()));
        assertEquals(markets.stream().sorted().toList(), followed.stream().sorted().toList());
        assertTrue(followed.contains("BTC/USD") && followed.contains("DOGE/USD"), followed.toString());
        awaitBooks(markets);

        throwEveryFault();

        simulator.pause();
        for (String symbol : markets) {
            awaitBookEqualsTruth(symbol);
        }
        assertEquals(0, integrity("sequenceChecks"), "Kraken has no sequence numbers: only checksums are checked");
    }

    /** The simulated books hold about a dozen levels a side: at depth 25 the node holds all of them, deeper than 10. */
    @Test
    void configuredSymbolsAtDepth25EqualTheTruthAfterEveryFault() {
        List<String> markets = List.of("BTC/USD", "PEPE/USDT", "ETH/EUR");
        Map<String, Object> settings = settings(markets);
        settings.put("marketmesh.venues.kraken.book-depth", 25);
        node = TestNode.start(settings);
        awaitBooks(markets);

        throwEveryFault();

        simulator.pause();
        for (String symbol : markets) {
            awaitBookEqualsTruth(symbol);
        }
    }

    private void throwEveryFault() {
        // Malformed frame (a book update cut short) and an unknown channel: counted, the sockets live on.
        long badBefore = sum(c -> c.path("badFrames").asLong());
        int sockets = simulator.sendMalformedFrame(Venue.KRAKEN);
        assertTrue(sockets >= 1);
        simulator.sendUnknownEvent(Venue.KRAKEN);
        node.awaitJson("/api/v1/venues", r -> sum(r.body(), c -> c.path("badFrames").asLong()) >= badBefore + 2L * sockets,
                HEAL);
        assertEquals(0, sum(c -> c.path("reconnects").asLong()), "bad frames must not cost a socket");

        // A dropped book update: the next checksum of that book fails, the book is refetched. (A later change of the
        // same level can make the book right again before any checksum disagrees: then the drop is thrown again.)
        long failuresBefore = integrity("checksumFailures");
        assertTrue(integrity("checksumChecks") > 0);
        for (int attempt = 1; integrity("checksumFailures") == failuresBefore; attempt++) {
            assertTrue(attempt <= 5, "no dropped update was exposed by a checksum in 5 attempts");
            assertTrue(simulator.injectSequenceGap(Venue.KRAKEN) >= 1);
            awaitQuietly(() -> integrity("checksumFailures") > failuresBefore, Duration.ofSeconds(5));
        }

        // Maintenance: markets paused, then every book refetched when the venue is back online.
        assertTrue(simulator.requestReconnect(Venue.KRAKEN) >= 1);
        TestNode.await(() -> allStatuses("active") && allFresh(), HEAL, "back online, every book fresh");

        // Server-side close: reconnected, resubscribed, rebuilt.
        long accepted = simulator.stats(Venue.KRAKEN).connectionsAccepted();
        simulator.dropConnections(Venue.KRAKEN);
        TestNode.await(() -> simulator.stats(Venue.KRAKEN).connectionsAccepted() > accepted
                && sum(c -> c.path("reconnects").asLong()) >= 1 && allFresh(), HEAL,
                "the closed socket reopened, every book fresh");
    }

    private static void awaitQuietly(java.util.function.BooleanSupplier condition, Duration timeout) {
        try {
            TestNode.await(condition, timeout, "");
        } catch (AssertionError notYet) {
            // the caller looks again
        }
    }

    private Map<String, Object> settings(List<String> markets) {
        Map<String, Object> settings = venues.cryptoNodeSettings(Venue.KRAKEN, markets);
        settings.put("marketmesh.connection.workers-per-venue", 1);
        settings.put("marketmesh.venues.kraken.markets-per-socket", 5);
        settings.put("marketmesh.venues.kraken.subscribe-batch-size", 2);
        return settings;
    }

    private void awaitBooks(List<String> markets) {
        for (String symbol : markets) {
            node.awaitJson(marketPath(symbol), r -> r.status() == 200 && r.body().path("hasBook").asBoolean(), HEAL);
        }
    }

    /** As {@link BookTruth#awaitBookEqualsTruth}, with the symbol's slash URL-encoded in the path. */
    private void awaitBookEqualsTruth(String symbol) {
        BookSnapshot truth = simulator.trueBook(Venue.KRAKEN, symbol);
        TestNode.Reply reply;
        try {
            reply = node.awaitJson(bookPath(symbol), r -> r.status() == 200
                    && !r.body().path("stale").asBoolean(true) && levels(r, "bids").equals(truth.bids())
                    && levels(r, "asks").equals(truth.asks()), HEAL);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the venue's true book: " + truth, e);
        }
        assertEquals(truth.bids(), levels(reply, "bids"), symbol + " bids");
        assertEquals(truth.asks(), levels(reply, "asks"), symbol + " asks");
    }

    private static List<PriceLevel> levels(TestNode.Reply reply, String side) {
        return BookTruth.levels(reply.body().path(side));
    }

    private boolean allStatuses(String status) {
        for (String symbol : simulator.markets(Venue.KRAKEN)) {
            TestNode.Reply state = node.get(marketPath(symbol));
            if (state.status() == 200 && !status.equals(state.body().path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    private boolean allFresh() {
        for (JsonNode market : node.get("/api/v1/markets?venue=kraken").body().path("markets")) {
            if (node.get(bookPath(market.path("symbol").asText())).body().path("stale").asBoolean(true)) {
                return false;
            }
        }
        return true;
    }

    private static String marketPath(String symbol) {
        return "/api/v1/markets/kraken/" + URLEncoder.encode(symbol, StandardCharsets.UTF_8);
    }

    private static String bookPath(String symbol) {
        return marketPath(symbol) + "/book?depth=1000";
    }

    private long integrity(String field) {
        return kraken(node.get("/api/v1/venues").body()).path("integrity").path(field).asLong();
    }

    private long sum(ToLongFunction<JsonNode> field) {
        return sum(node.get("/api/v1/venues").body(), field);
    }

    private static long sum(JsonNode venuesBody, ToLongFunction<JsonNode> field) {
        long total = 0;
        for (JsonNode connection : kraken(venuesBody).path("connections")) {
            total += field.applyAsLong(connection);
        }
        return total;
    }

    private static JsonNode kraken(JsonNode venuesBody) {
        for (JsonNode v : venuesBody.path("venues")) {
            if (v.path("venue").asText().equals("kraken")) {
                return v;
            }
        }
        throw new AssertionError("no kraken in " + venuesBody);
    }
}

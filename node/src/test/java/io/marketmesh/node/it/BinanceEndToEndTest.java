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
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real node following the simulated Binance over loopback (its {@code /ws} socket and its REST API), through every
 * fault the venue can throw: a truncated frame, an unknown event, a diff never sent (the next diff's {@code U} then
 * does not follow), snapshots older than the diffs buffered, the {@code serverShutdown} notice (the node reopens its
 * sockets), and sockets the venue closes. Afterwards every book served over HTTP equals the venue's true book, none stale.
 */
class BinanceEndToEndTest {

    private static final Duration HEAL = Duration.ofSeconds(40);

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private TestNode node;

    @BeforeEach
    void startVenues() {
        venues = SimulatedVenues.startUnsigned(0, 0, 4, 200, 11);
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
    void discoveredBooksEqualTheVenuesTrueBooksAfterEveryFault() {
        node = TestNode.start(settings(List.of()));
        List<String> symbols = simulator.markets(Venue.BINANCE);
        assertEquals(List.of("BTCUSDT", "ETHUSDT", "PEPEUSDT", "SOLUSDC"), symbols);

        // Discovery over the venue's REST API (exchangeInfo, ticker/24hr) finds every market; every book syncs.
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == 4, HEAL);
        awaitLiveBooks(symbols);
        awaitCondition(() -> connections().size() == 2, "4 markets at 2 a socket need 2 sockets");

        // A truncated frame and an unknown event on every socket: counted, skipped, the sockets live on.
        long badBefore = sum(c -> c.path("badFrames").asLong());
        int sockets = simulator.sendMalformedFrame(Venue.BINANCE);
        assertEquals(2, sockets);
        simulator.sendUnknownEvent(Venue.BINANCE);
        awaitCondition(() -> sum(c -> c.path("badFrames").asLong()) >= badBefore + 2L * sockets, "bad frames counted");
        assertEquals(0, sum(c -> c.path("reconnects").asLong()), "bad frames must not cost a socket");

        // A diff never sent on each socket: the next one's U does not follow, the book goes stale and is spliced anew.
        long staleBefore = total(symbols, "staleEvents");
        long snapshotsBefore = total(symbols, "snapshots");
        assertEquals(2, simulator.injectSequenceGap(Venue.BINANCE));
        awaitCondition(() -> total(symbols, "staleEvents") >= staleBefore + 2
                && total(symbols, "snapshots") >= snapshotsBefore + 2, "the two gapped books re-synced");
        awaitLiveBooks(symbols);
        // Every diff's update ids were checked, and the two that did not follow are counted for the venue.
        awaitCondition(() -> integrity().path("sequenceFailures").asLong() >= 2
                && integrity().path("sequenceChecks").asLong() > 100, "integrity counts in /api/v1/venues");

        // Every book's next snapshot is older than what a client buffered; closed sockets make every book fetch one.
        assertEquals(4, simulator.serveStaleSnapshots(Venue.BINANCE));
        simulator.dropConnections(Venue.BINANCE);
        awaitCondition(() -> sum(c -> c.path("reconnects").asLong()) >= 2, "every socket reconnected");
        awaitLiveBooks(symbols);

        // serverShutdown: the sockets reopen before the venue closes them.
        long reconnects = sum(c -> c.path("reconnects").asLong());
        assertEquals(2, simulator.requestReconnect(Venue.BINANCE));
        awaitCondition(() -> sum(c -> c.path("reconnects").asLong()) >= reconnects + 2, "reconnected after the shutdown");
        awaitLiveBooks(symbols);

        JsonNode btc = node.get("/api/v1/markets/binance/BTCUSDT").body();
        assertTrue(btc.path("ticker").path("bestBid").isTextual(), "bookTicker arrives as the ticker: " + btc);

        simulator.pause();
        for (String symbol : symbols) {
            BookTruth.awaitBookEqualsTruth(node, simulator, Venue.BINANCE, symbol, HEAL);
        }
    }

    @Test
    void configuredNativeSymbolsAreFollowedExactlyWithAggregatedTrades() {
        Map<String, Object> settings = settings(List.of("PEPEUSDT", "BTCUSDT"));
        settings.put("marketmesh.venues.binance.trade-stream", "aggTrade");
        node = TestNode.start(settings);
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == 2, HEAL);
        List<String> symbols = List.of("PEPEUSDT", "BTCUSDT");
        awaitLiveBooks(symbols);
        node.awaitJson("/api/v1/markets/binance/PEPEUSDT", r -> r.body().path("lastTrade").isObject(), HEAL);

        assertEquals(1, simulator.injectSequenceGap(Venue.BINANCE));
        awaitCondition(() -> total(symbols, "staleEvents") >= 1, "the gap exposed");
        awaitLiveBooks(symbols);

        simulator.pause();
        for (String symbol : symbols) {
            BookTruth.awaitBookEqualsTruth(node, simulator, Venue.BINANCE, symbol, HEAL);
        }
        // A micro-priced book: ten decimals and twelve-digit sizes, exact.
        String bestBid = simulator.trueBook(Venue.BINANCE, "PEPEUSDT").bids().get(0).toString();
        JsonNode pepe = node.get("/api/v1/markets/binance/PEPEUSDT/book?depth=1").body();
        assertEquals(bestBid, "[" + pepe.path("bids").path(0).path(0).asText() + ", "
                + pepe.path("bids").path(0).path(1).asText() + "]");
        assertTrue(pepe.path("bids").path(0).path(0).asText().startsWith("0.0000"), pepe.toString());
    }

    private Map<String, Object> settings(List<String> markets) {
        Map<String, Object> settings = venues.cryptoNodeSettings(Venue.BINANCE, markets);
        // One connection worker, so the socket counts follow from markets-per-socket alone.
        settings.put("marketmesh.connection.workers-per-venue", 1);
        settings.put("marketmesh.venues.binance.markets-per-socket", 2);
        settings.put("marketmesh.venues.binance.quiet-snapshot-after", "1s");
        settings.put("marketmesh.venues.binance.snapshot-retry-delay", "200ms");
        return settings;
    }

    private void awaitLiveBooks(List<String> symbols) {
        for (String symbol : symbols) {
            node.awaitJson("/api/v1/markets/binance/" + symbol, r -> r.status() == 200
                    && r.body().path("hasBook").asBoolean() && !r.body().path("stale").asBoolean(true), HEAL);
        }
    }

    private JsonNode integrity() {
        for (JsonNode v : node.get("/api/v1/venues").body().path("venues")) {
            if (v.path("venue").asText().equals(Venue.BINANCE.id())) {
                return v.path("integrity");
            }
        }
        throw new AssertionError("binance is not in /api/v1/venues");
    }

    private long total(List<String> symbols, String counter) {
        long total = 0;
        for (String symbol : symbols) {
            total += node.get("/api/v1/markets/binance/" + symbol).body().path("counters").path(counter).asLong();
        }
        return total;
    }

    private List<JsonNode> connections() {
        List<JsonNode> list = new ArrayList<>();
        for (JsonNode v : node.get("/api/v1/venues").body().path("venues")) {
            if (v.path("venue").asText().equals(Venue.BINANCE.id())) {
                v.path("connections").forEach(list::add);
            }
        }
        return list;
    }

    private long sum(ToLongFunction<JsonNode> field) {
        return connections().stream().mapToLong(field).sum();
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition, String what) {
        TestNode.await(condition, HEAL, what);
    }
}

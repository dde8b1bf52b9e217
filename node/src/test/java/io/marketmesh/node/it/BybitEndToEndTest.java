package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Venue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real node following the simulated Bybit over loopback: spot markets on {@code /bybit/v5/public/spot}, linear
 * perpetuals ({@code linear:} symbols) on the socket derived from it, {@code /bybit/v5/public/linear}. Every fault the
 * simulated Bybit has is thrown; once the feed is paused, every book served at
 * {@code /api/v1/markets/bybit/<url-encoded symbol>/book?depth=1000} must equal the simulator's true book level by
 * level, none stale.
 */
class BybitEndToEndTest {

    private static final Duration HEAL = Duration.ofSeconds(40);

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private TestNode node;

    @BeforeEach
    void startVenues() {
        // 4 spot pairs (BTC, ETH and PEPE in USDT, SOL in USDC), each also a linear perpetual (SOL's is SOLPERP).
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

    private Map<String, Object> settings(List<String> markets) {
        Map<String, Object> settings = venues.cryptoNodeSettings(Venue.BYBIT, markets);
        settings.put("marketmesh.connection.workers-per-venue", 1);
        settings.put("marketmesh.venues.bybit.markets-per-socket", 3);
        settings.put("marketmesh.venues.bybit.stale-after", "3s");
        return settings;
    }

    @Test
    void discoveredSpotAndLinearBooksEqualTheTruthAfterEveryFault() {
        Map<String, Object> settings = settings(List.of());
        settings.put("marketmesh.venues.bybit.categories", List.of("spot", "linear"));
        settings.put("marketmesh.venues.bybit.discovery-limit", 20);
        node = TestNode.start(settings);
        List<String> symbols = simulator.markets(Venue.BYBIT);
        assertEquals(List.of("BTCUSDT", "ETHUSDT", "PEPEUSDT", "SOLUSDC", "linear:BTCUSDT", "linear:ETHUSDT",
                "linear:PEPEUSDT", "linear:SOLPERP"), symbols);

        // Discovery over REST finds every spot pair and perpetual (not the dated future), and every book arrives.
        JsonNode markets = node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == 8, HEAL).body();
        Set<String> followed = new TreeSet<>();
        markets.path("markets").forEach(m -> followed.add(m.path("symbol").asText()));
        assertEquals(new TreeSet<>(symbols), followed);
        awaitAllBooks(symbols);
        // 4 spot and 4 linear markets at 3 per socket, never mixed: 2 + 2 sockets.
        awaitCondition(() -> connections().size() == 4, "two sockets per category");
        awaitCondition(() -> integrity("sequenceChecks") > 50, "deltas checked against their u chain");

        // A malformed frame and an unknown topic on every socket: counted, skipped, the sockets live on.
        long badBefore = sum(c -> c.path("badFrames").asLong());
        int sockets = simulator.sendMalformedFrame(Venue.BYBIT);
        assertEquals(4, sockets);
        assertEquals(4, simulator.sendUnknownEvent(Venue.BYBIT));
        awaitCondition(() -> sum(c -> c.path("badFrames").asLong()) >= badBefore + 2L * sockets, "bad frames counted");
        assertEquals(0, sum(c -> c.path("reconnects").asLong()), "bad frames must not cost a socket");

        // A dropped delta on one book of every socket: the u chain exposes it, the book is resubscribed.
        long snapshotsBefore = snapshots(symbols);
        assertEquals(4, simulator.injectSequenceGap(Venue.BYBIT));
        awaitCondition(() -> integrity("sequenceFailures") >= 4, "every dropped delta detected");
        awaitCondition(() -> snapshots(symbols) >= snapshotsBefore + 4, "the gapped books re-snapshotted");

        // A service restart: every book gets a snapshot with u = 1 mid-stream, which replaces it; the chain restarts.
        long failuresBefore = integrity("sequenceFailures");
        long snapshotsBeforeRestart = snapshots(symbols);
        assertEquals(8, simulator.requestReconnect(Venue.BYBIT));
        awaitCondition(() -> snapshots(symbols) >= snapshotsBeforeRestart + 8, "every book replaced by its restart snapshot");
        long checks = integrity("sequenceChecks");
        awaitCondition(() -> integrity("sequenceChecks") > checks + 20, "deltas flow on the restarted chains");
        assertEquals(failuresBefore, integrity("sequenceFailures"), "u = 1 after a restart is no gap");

        // Server-side closes: every socket reopens, resubscribes, rebuilds.
        simulator.dropConnections(Venue.BYBIT);
        awaitCondition(() -> sum(c -> c.path("reconnects").asLong()) >= 4, "every socket reconnected");

        // Stalled feeds: silent sockets are replaced (the node's pings get no pong either).
        long accepted = simulator.stats(Venue.BYBIT).connectionsAccepted();
        simulator.stallFeeds(Venue.BYBIT);
        awaitCondition(() -> simulator.stats(Venue.BYBIT).connectionsAccepted() >= accepted + 4, "stalled sockets replaced");

        simulator.pause();
        for (String symbol : symbols) {
            awaitBookEqualsTruth(symbol);
        }
        JsonNode ticker = node.get("/api/v1/markets/bybit/" + encoded("linear:BTCUSDT")).body();
        assertTrue(ticker.toString().contains("bestBid"), "the linear ticker reached the market: " + ticker);
    }

    @Test
    void configuredNativeSymbolsAtDepthOneFollowTheVenuesTopOfBook() {
        Map<String, Object> settings = settings(List.of("BTCUSDT", "linear:ETHUSDT", "PEPEUSDT"));
        settings.put("marketmesh.venues.bybit.depth", 1);
        node = TestNode.start(settings);
        List<String> symbols = List.of("BTCUSDT", "linear:ETHUSDT", "PEPEUSDT");
        awaitAllBooks(symbols);
        // Level 1 is pushed as snapshots only: nothing to chain, each replaces the book.
        assertEquals(2, simulator.sendMalformedFrame(Venue.BYBIT), "one spot and one linear socket");
        awaitCondition(() -> snapshots(symbols) > 30, "top-of-book snapshots keep coming");
        assertEquals(0, integrity("sequenceChecks"));
        simulator.pause();
        for (String symbol : symbols) {
            BookSnapshot truth = simulator.trueBook(Venue.BYBIT, symbol);
            assertEquals(1, truth.bids().size(), "depth 1 serves the top level only");
            awaitBookEqualsTruth(symbol);
        }
        assertEquals(3, node.get("/api/v1/markets").body().path("total").asInt());
    }

    // ---------------------------------------------------------------- helpers

    private static String encoded(String symbol) {
        return URLEncoder.encode(symbol, StandardCharsets.UTF_8);
    }

    private void awaitAllBooks(List<String> symbols) {
        for (String symbol : symbols) {
            node.awaitJson("/api/v1/markets/bybit/" + encoded(symbol),
                    r -> r.status() == 200 && r.body().path("hasBook").asBoolean(), HEAL);
        }
    }

    /** As {@link BookTruth#awaitBookEqualsTruth}, with the symbol URL-encoded ({@code linear%3ABTCUSDT}). */
    private void awaitBookEqualsTruth(String symbol) {
        BookSnapshot truth = simulator.trueBook(Venue.BYBIT, symbol);
        TestNode.Reply reply = node.awaitJson("/api/v1/markets/bybit/" + encoded(symbol) + "/book?depth=1000",
                r -> r.status() == 200 && !r.body().path("stale").asBoolean(true)
                        && BookTruth.levels(r.body().path("bids")).equals(truth.bids())
                        && BookTruth.levels(r.body().path("asks")).equals(truth.asks()), HEAL);
        assertEquals(truth.bids(), BookTruth.levels(reply.body().path("bids")), symbol + " bids");
        assertEquals(truth.asks(), BookTruth.levels(reply.body().path("asks")), symbol + " asks");
        assertEquals(symbol, reply.body().path("symbol").asText(symbol), "served under its own symbol");
    }

    private long snapshots(List<String> symbols) {
        long snapshots = 0;
        for (String symbol : symbols) {
            snapshots += node.get("/api/v1/markets/bybit/" + encoded(symbol)).body().path("counters")
                    .path("snapshots").asLong();
        }
        return snapshots;
    }

    private JsonNode bybit() {
        for (JsonNode v : node.get("/api/v1/venues").body().path("venues")) {
            if (v.path("venue").asText().equals("bybit")) {
                return v;
            }
        }
        throw new AssertionError("no bybit in /api/v1/venues");
    }

    private long integrity(String field) {
        return bybit().path("integrity").path(field).asLong();
    }

    private List<JsonNode> connections() {
        List<JsonNode> list = new ArrayList<>();
        bybit().path("connections").forEach(list::add);
        return list;
    }

    private long sum(ToLongFunction<JsonNode> field) {
        return connections().stream().mapToLong(field).sum();
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition, String what) {
        TestNode.await(condition, HEAL, what);
    }
}

package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
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
 * A real node following the simulated Crypto.com Exchange v1 over loopback (WebSocket and REST), through every fault
 * the simulator throws; once the feed goes quiet every book served over HTTP equals the venue's true book (its top-10
 * window: the node subscribes depth 10 here, so levels enter and leave the window all the time), none stale.
 */
class CryptocomEndToEndTest {

    private static final Duration HEAL = Duration.ofSeconds(40);
    private static final Venue CDC = Venue.CRYPTOCOM;

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private TestNode node;

    @BeforeEach
    void startVenues() {
        venues = SimulatedVenues.startUnsigned(0, 0, 6, 60, 11);
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
    void discoveredMarketsEqualTheVenuesTrueBooksAfterEveryFault() {
        node = TestNode.start(nodeSettings(List.of()));
        long started = System.currentTimeMillis();
        // Discovery over REST: tradable spot pairs in the quote assets, top 4 by value; the perpetual stays out.
        JsonNode page = node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == 4, HEAL).body();
        List<String> followed = new ArrayList<>();
        page.path("markets").forEach(m -> followed.add(m.path("symbol").asText()));
        assertTrue(followed.stream().allMatch(s -> s.contains("_")), "spot pairs only: " + followed);
        assertTrue(simulator.markets(CDC).containsAll(followed));
        awaitBooks(followed);
        awaitCondition(() -> connections().size() == 2, "4 markets at 2 per socket need 2 sockets");

        // A truncated frame and a channel never subscribed, on every socket: counted, skipped, the sockets live on.
        long badBefore = sum(c -> c.path("badFrames").asLong());
        int sockets = simulator.sendMalformedFrame(CDC);
        assertEquals(2, sockets);
        simulator.sendUnknownEvent(CDC);
        awaitCondition(() -> sum(c -> c.path("badFrames").asLong()) >= badBefore + 2L * sockets, "bad frames counted");
        assertEquals(0, sum(c -> c.path("reconnects").asLong()), "bad frames must not cost a socket");

        // A dropped delta on one book of each socket: the pu chain exposes it, the book is resubscribed and rebuilt.
        assertEquals(2, simulator.injectSequenceGap(CDC));
        awaitCondition(() -> integrity().path("sequenceFailures").asLong() >= 2, "both gaps seen");
        assertTrue(integrity().path("sequenceChecks").asLong() > 10, "every delta is checked: " + integrity());
        assertEquals(0, integrity().path("checksumChecks").asLong(), "the venue's cs algorithm is unpublished");

        // The venue's heartbeats (2 s after a socket opens) were answered: an unanswered one closes the socket in 5 s.
        awaitCondition(() -> System.currentTimeMillis() - started > 10_000, "past the first heartbeat's deadline");
        assertEquals(0, sum(c -> c.path("reconnects").asLong()), "no socket closed for a missed heartbeat");

        // Trades and tickers reach the markets.
        String first = followed.get(0);
        node.awaitJson(market(first), r -> !r.body().path("lastTrade").isNull() && !r.body().path("ticker").isNull(), HEAL);

        // Server-side closes, then the venue's restart close: reconnected, resubscribed after the pause, rebuilt.
        assertEquals(2, simulator.dropConnections(CDC));
        awaitCondition(() -> sum(c -> c.path("reconnects").asLong()) >= 2, "every socket reconnected");
        awaitCondition(() -> simulator.stats(CDC).openConnections() == 2, "both sockets open again");
        awaitBooks(followed);
        assertEquals(2, simulator.requestReconnect(CDC));
        awaitCondition(() -> sum(c -> c.path("reconnects").asLong()) >= 4, "every socket reconnected again");
        awaitCondition(() -> simulator.stats(CDC).openConnections() == 2, "both sockets open again");
        awaitBooks(followed);

        // Silent sockets are found by the watchdog and replaced.
        long accepted = simulator.stats(CDC).connectionsAccepted();
        simulator.stallFeeds(CDC);
        awaitCondition(() -> simulator.stats(CDC).connectionsAccepted() >= accepted + 2, "stalled sockets replaced");

        // Quiet: every book equals the truth (idle deltas and heartbeats keep the sockets alive), none stale.
        simulator.pause();
        for (String symbol : followed) {
            BookTruth.awaitBookEqualsTruth(node, simulator, CDC, symbol, HEAL);
        }
    }

    @Test
    void configuredNativeSymbolsIncludingAPerpetualFollowAndHeal() {
        List<String> markets = List.of("BTC_USDT", "PEPE_USDT", "BTCUSD-PERP");
        node = TestNode.start(nodeSettings(markets));
        awaitBooks(markets);
        assertEquals(2, simulator.injectSequenceGap(CDC), "3 markets at 2 per socket: 2 sockets, a gap on each");
        awaitCondition(() -> integrity().path("sequenceFailures").asLong() >= 2, "the gaps seen");
        simulator.pause();
        for (String symbol : markets) {
            BookTruth.awaitBookEqualsTruth(node, simulator, CDC, symbol, HEAL);
        }
        JsonNode pepe = node.get(market("PEPE_USDT")).body();
        assertFalse(pepe.path("stale").asBoolean(true));
        assertTrue(pepe.path("bestBid").asText().startsWith("0.0000"), "micro prices served exactly: " + pepe);
    }

    private Map<String, Object> nodeSettings(List<String> markets) {
        Map<String, Object> settings = venues.cryptoNodeSettings(CDC, markets);
        String prefix = "marketmesh.venues.cryptocom.";
        settings.put("marketmesh.connection.workers-per-venue", 1);
        settings.put(prefix + "discovery-limit", 4);
        settings.put(prefix + "markets-per-socket", 2);
        settings.put(prefix + "subscribe-batch-size", 1);
        settings.put(prefix + "book-depth", 10);
        settings.put(prefix + "book-update-frequency", 10);
        // Above the simulator's 5 s idle deltas, well below the default, so stalled sockets are found soon.
        settings.put(prefix + "stale-after", "8s");
        return settings;
    }

    private void awaitBooks(List<String> symbols) {
        for (String symbol : symbols) {
            node.awaitJson(market(symbol), r -> r.status() == 200 && r.body().path("hasBook").asBoolean()
                    && !r.body().path("stale").asBoolean(true), HEAL);
        }
    }

    private static String market(String symbol) {
        return "/api/v1/markets/cryptocom/" + URLEncoder.encode(symbol, StandardCharsets.UTF_8);
    }

    private JsonNode venue() {
        for (JsonNode v : node.get("/api/v1/venues").body().path("venues")) {
            if (v.path("venue").asText().equals(CDC.id())) {
                return v;
            }
        }
        throw new AssertionError("no cryptocom venue");
    }

    private JsonNode integrity() {
        return venue().path("integrity");
    }

    private List<JsonNode> connections() {
        List<JsonNode> list = new ArrayList<>();
        venue().path("connections").forEach(list::add);
        return list;
    }

    private long sum(ToLongFunction<JsonNode> field) {
        return connections().stream().mapToLong(field).sum();
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition, String what) {
        TestNode.await(condition, HEAL, what);
    }
}

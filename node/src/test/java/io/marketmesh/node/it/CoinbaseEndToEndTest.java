package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real node following the simulated Coinbase Advanced Trade venue over loopback (WebSocket and the public products
 * endpoint), with every fault the venue can have: a level2 update that never arrives (only sequence_num shows it), a
 * truncated frame, an undocumented event, server-side closes, silent sockets, a socket that ignores resubscription.
 * Once the feed goes quiet every book served over HTTP equals the simulator's true book, none stale.
 */
class CoinbaseEndToEndTest {

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
        List<String> markets = simulator.markets(Venue.COINBASE);
        assertEquals(List.of("BTC-USDT", "ETH-USDT", "PEPE-USDT", "SOL-USDC"), markets);

        // Discovery over REST follows every listed product, and neither the alias nor the delisted one.
        node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == 4, HEAL);
        Set<String> followed = new HashSet<>();
        node.get("/api/v1/markets").body().path("markets").forEach(m -> followed.add(m.path("symbol").asText()));
        assertEquals(Set.copyOf(markets), followed);
        awaitFresh(markets);
        awaitCondition(() -> connections().size() == 2, "4 products at 2 per socket need 2 sockets");

        // A truncated frame and an undocumented level2 event on every socket: counted, skipped, books healed.
        long bad = sum(c -> c.path("badFrames").asLong());
        assertEquals(2, simulator.sendMalformedFrame(Venue.COINBASE));
        assertEquals(2, simulator.sendUnknownEvent(Venue.COINBASE));
        awaitCondition(() -> sum(c -> c.path("badFrames").asLong()) >= bad + 4, "4 bad frames counted");
        assertEquals(0, sum(c -> c.path("reconnects").asLong()), "bad frames must not cost a socket");

        // A level2 update never sent, its sequence_num spent: only the sequence check can see it.
        long failures = integrity().path("sequenceFailures").asLong();
        assertEquals(2, simulator.injectSequenceGap(Venue.COINBASE));
        awaitCondition(() -> integrity().path("sequenceFailures").asLong() >= failures + 2,
                "both sockets saw the jump in sequence_num");
        assertTrue(integrity().path("sequenceChecks").asLong() > 100, integrity().toString());
        assertEquals(0, integrity().path("checksumChecks").asLong(), "Coinbase sends no checksum");
        assertEquals(0, simulator.serveStaleSnapshots(Venue.COINBASE), "no REST snapshot to splice on this venue");
        assertEquals(0, simulator.requestReconnect(Venue.COINBASE), "and no reconnect request");
        awaitFresh(markets);

        // The venue closes every socket: reconnected, resubscribed, rebuilt.
        simulator.dropConnections(Venue.COINBASE);
        awaitCondition(() -> sum(c -> c.path("reconnects").asLong()) >= 2, "every socket reconnected");
        awaitFresh(markets);

        // Sockets that stay open and go silent (no heartbeats either) are replaced.
        long accepted = simulator.stats(Venue.COINBASE).connectionsAccepted();
        simulator.stallFeeds(Venue.COINBASE);
        awaitCondition(() -> simulator.stats(Venue.COINBASE).connectionsAccepted() >= accepted + 2,
                "every silent socket replaced");
        awaitFresh(markets);

        // Sockets that ignore resubscription, then a gap: resubscribing brings no snapshot, so the socket reopens.
        long reconnects = sum(c -> c.path("reconnects").asLong());
        simulator.ignoreResubscriptions(Venue.COINBASE);
        simulator.injectSequenceGap(Venue.COINBASE);
        awaitCondition(() -> sum(c -> c.path("reconnects").asLong()) >= reconnects + 2,
                "the sockets that would not resubscribe were reopened");

        // Quiet: every book equals the truth, none stale (heartbeats keep the sockets alive meanwhile).
        simulator.pause();
        for (String symbol : markets) {
            BookTruth.awaitBookEqualsTruth(node, simulator, Venue.COINBASE, symbol, HEAL);
        }
    }

    @Test
    void configuredProductsIncludingAMicroPricedTokenAreFollowedExactly() {
        node = TestNode.start(settings(List.of("PEPE-USDT", "SOL-USDC")));
        awaitFresh(List.of("PEPE-USDT", "SOL-USDC"));
        JsonNode pepe = node.get("/api/v1/markets/coinbase/PEPE-USDT").body();
        assertTrue(pepe.path("bestBid").asText().startsWith("0.0000"), pepe.toString());
        node.awaitJson("/api/v1/markets/coinbase/PEPE-USDT", r -> !r.body().path("ticker").isMissingNode()
                && !r.body().path("ticker").isNull(), HEAL);
        assertEquals(2, node.get("/api/v1/markets").body().path("total").asInt(), "nothing discovered beside them");
        simulator.injectSequenceGap(Venue.COINBASE);
        simulator.pause();
        BookTruth.awaitBookEqualsTruth(node, simulator, Venue.COINBASE, "PEPE-USDT", HEAL);
        BookTruth.awaitBookEqualsTruth(node, simulator, Venue.COINBASE, "SOL-USDC", HEAL);
    }

    private Map<String, Object> settings(List<String> markets) {
        Map<String, Object> settings = venues.cryptoNodeSettings(Venue.COINBASE, markets);
        // One connection worker, so the socket count follows from markets-per-socket alone.
        settings.put("marketmesh.connection.workers-per-venue", 1);
        settings.put("marketmesh.venues.coinbase.markets-per-socket", 2);
        settings.put("marketmesh.venues.coinbase.discovery-limit", 10);
        settings.put("marketmesh.venues.coinbase.stale-after", "3s");
        return settings;
    }

    private void awaitFresh(List<String> symbols) {
        for (String symbol : symbols) {
            node.awaitJson("/api/v1/markets/coinbase/" + URLEncoder.encode(symbol, StandardCharsets.UTF_8),
                    r -> r.status() == 200 && r.body().path("hasBook").asBoolean() && !r.body().path("stale").asBoolean(true),
                    HEAL);
        }
    }

    private JsonNode venue() {
        for (JsonNode v : node.get("/api/v1/venues").body().path("venues")) {
            if (v.path("venue").asText().equals(Venue.COINBASE.id())) {
                return v;
            }
        }
        throw new AssertionError("coinbase missing from /api/v1/venues");
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

package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.InstrumentTruth;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Instruments over a real two-node cluster (two ActorSystems, Artery over loopback): the member markets' actors run
 * where their connection workers run, spread over both nodes, and the instrument's actor wherever sharding puts it. An
 * instrument added at runtime on one node is known to the other, and both nodes answer every instrument's summary,
 * consolidated book and opportunities as the true books imply; after one node crashes, the survivor serves them again,
 * exact, from the markets' new actors.
 */
class InstrumentClusterTest {

    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final int DEPTH = 5;
    private static final MarketKey BINANCE = MarketKey.of(Venue.BINANCE, "BTCUSDT");
    private static final MarketKey OKX = MarketKey.of(Venue.OKX, "BTC-USDT");
    private static final MarketKey COINBASE = MarketKey.of(Venue.COINBASE, "BTC-USDT");
    private static final List<MarketKey> MEMBERS = List.of(BINANCE, OKX, COINBASE);

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        TestNode.closeAll(nodes);
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void everyNodeAnswersForInstrumentsWhoseMarketsLiveOnBothAndAfterOneCrashes() {
        venues = SimulatedVenues.startUnsigned(0, 0, 1, 60, 31);
        simulator = venues.simulator();
        int seedPort = TestNode.freePort();
        String seed = "pekko://marketmesh@127.0.0.1:" + seedPort;
        TestNode a = start(seed, seedPort);
        TestNode b = start(seed, TestNode.freePort());
        a.awaitJson("/api/v1/cluster", r -> r.body().path("members").size() == 2
                && r.body().path("totals").path("markets").asInt() == 3
                && r.body().path("members").path(0).path("markets").asInt() > 0
                && r.body().path("members").path(1).path("markets").asInt() > 0, SETTLE);

        // Added at runtime on B: A knows it too (replicated), and both answer for it.
        String body = "{\"id\":\"btc-runtime\",\"legs\":[{\"market\":\"binance:BTCUSDT\"},{\"market\":\"okx:BTC-USDT\"},"
                + "{\"market\":\"coinbase:BTC-USDT\",\"yes\":true}]}";
        assertEquals(201, b.post("/api/v1/instruments", body).status());
        a.awaitJson("/api/v1/instruments", r -> ids(r.body()).contains("btc-runtime"), SETTLE);
        assertEquals(409, a.post("/api/v1/instruments", "{\"id\":\"btc\",\"legs\":[{\"market\":\"okx:BTC-USDT\"}]}")
                .status(), "a configured id is not taken over");
        assertEquals(400, a.post("/api/v1/instruments", "{\"id\":\"x/y\",\"legs\":[{\"market\":\"okx:BTC-USDT\"}]}")
                .status());
        assertEquals(400, a.post("/api/v1/instruments", "{\"id\":\"eth\",\"legs\":[{\"market\":\"okx:ETH-USDT\"}]}")
                .status(), "a leg must be a followed market");
        a.awaitJson("/api/v1/markets?instrument=BTC-USDT", r -> r.body().path("total").asInt() == 3, SETTLE);
        assertEquals(400, a.post("/api/v1/instruments", "{\"id\":\"upside-down\",\"legs\":[{\"market\":\"okx:BTC-USDT\","
                + "\"yes\":false}]}").status(), "a spot pair has no NO side to turn over");

        simulator.pause();
        simulator.shiftBook(Venue.COINBASE, COINBASE.symbol(), 30);
        List<InstrumentTruth.Leg> legs = MEMBERS.stream().map(InstrumentTruth.Leg::of).toList();
        for (TestNode node : List.of(a, b)) {
            awaitBooks(node);
            for (String id : List.of("btc", "btc-runtime")) {
                InstrumentTruth truth = awaitEqualsTruth(node, id, legs);
                assertTrue(!truth.opportunities().isEmpty(), "Coinbase 30 ticks up crosses the others");
            }
        }

        // B crashes: its markets start again on A, and A serves the instruments exact again.
        b.crash();
        nodes.remove(b);
        a.awaitJson("/api/v1/cluster", r -> r.body().path("members").size() == 1
                && r.body().path("totals").path("markets").asInt() == 3, SETTLE);
        awaitBooks(a);
        for (String id : List.of("btc", "btc-runtime")) {
            awaitEqualsTruth(a, id, legs);
        }
    }

    private InstrumentTruth awaitEqualsTruth(TestNode node, String id, List<InstrumentTruth.Leg> legs) {
        return InstrumentTruth.awaitNodeAgrees(node, simulator, id, legs, DEPTH, SETTLE);
    }

    private void awaitBooks(TestNode node) {
        for (MarketKey market : MEMBERS) {
            BookTruth.awaitBookEqualsTruth(node, simulator, market.venue(), market.symbol(), SETTLE);
        }
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("instruments").forEach(i -> ids.add(i.path("id").asText()));
        return ids;
    }

    private TestNode start(String seed, int arteryPort) {
        Map<String, Object> settings = new HashMap<>();
        for (MarketKey market : MEMBERS) {
            settings.putAll(venues.cryptoNodeSettings(market.venue(), List.of(market.symbol())));
        }
        settings.put("pekko.cluster.seed-nodes", List.of(seed));
        settings.put("pekko.remote.artery.canonical.port", arteryPort);
        settings.put("pekko.coordinated-shutdown.run-by-actor-system-terminate", "off");
        settings.put("pekko.cluster.split-brain-resolver.stable-after", "3s");
        // Two nodes: keep-majority would keep the side of the lower address, which may be the crashed one.
        settings.put("pekko.cluster.split-brain-resolver.active-strategy", "keep-oldest");
        settings.put("pekko.cluster.sharding.rebalance-interval", "2s");
        settings.put("marketmesh.connection.workers-per-venue", 1);
        settings.put("marketmesh.instruments.depth", DEPTH);
        settings.put("marketmesh.instruments.links", List.of(Map.of("id", "btc", "legs", List.of(
                Map.of("market", BINANCE.id()), Map.of("market", OKX.id()), Map.of("market", COINBASE.id())))));
        TestNode node = TestNode.start(settings);
        nodes.add(node);
        return node;
    }
}

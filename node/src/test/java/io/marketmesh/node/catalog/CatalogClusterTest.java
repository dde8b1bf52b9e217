package io.marketmesh.node.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The catalogue across a cluster of two nodes: configured markets, and a market a user adds on either node, are
 * described over the venue's REST API by the venue's worker 0 (on one of the nodes), and every node shows the same
 * metadata (replicated in Distributed Data, so it also crosses the nodes' serialization).
 */
class CatalogClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(40);

    private final List<TestNode> nodes = new ArrayList<>();
    private SimulatedVenues venues;

    @AfterEach
    void stop() {
        TestNode.closeAll(nodes);
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void configuredAndAddedMarketsAreDescribedAndEveryNodeShowsTheSameCatalogue() {
        venues = SimulatedVenues.startUnsigned(0, 3, 5, 3);
        List<String> tickers = venues.simulator().markets(Venue.KALSHI);
        int seedPort = TestNode.freePort();
        TestNode first = start(seedPort, seedPort, tickers.subList(0, 2));
        TestNode second = start(seedPort, 0, tickers.subList(0, 2));
        first.awaitJson("/api/v1/cluster", r -> r.body().path("totals").path("members").asInt() == 2, WAIT);

        // Added on the second node: followed, then described like the configured ones.
        assertEquals(200, second.post("/api/v1/subscriptions",
                "{\"venue\":\"kalshi\",\"symbol\":\"" + tickers.get(2) + "\"}").status());
        for (TestNode node : nodes) {
            JsonNode page = node.awaitJson("/api/v1/markets?venue=kalshi", r -> r.body().path("total").asInt() == 3
                    && titled(r.body()) == 3, WAIT).body();
            for (JsonNode row : page.path("markets")) {
                assertEquals("binary", row.path("kind").asText(), row.toString());
                assertEquals(true, row.path("active").asBoolean(), row.toString());
            }
        }
        TestNode.await(() -> first.get("/api/v1/markets").body().equals(second.get("/api/v1/markets").body()), WAIT,
                "both nodes show the same catalogue");
        String title = first.get("/api/v1/markets?venue=kalshi").body().path("markets").get(2).path("title").asText();
        JsonNode found = second.get("/api/v1/markets?q=" + title.replaceAll("[^A-Za-z0-9.]+", "%20")).body();
        assertEquals(1, found.path("total").asInt(), found.toString());
    }

    private static int titled(JsonNode page) {
        int n = 0;
        for (JsonNode row : page.path("markets")) {
            if (row.path("title").isTextual()) {
                n++;
            }
        }
        return n;
    }

    private TestNode start(int seedPort, int arteryPort, List<String> markets) {
        Map<String, Object> settings = new HashMap<>(venues.unsignedNodeSettings());
        settings.put("pekko.cluster.seed-nodes", List.of("pekko://marketmesh@127.0.0.1:" + seedPort));
        settings.put("pekko.remote.artery.canonical.port", arteryPort);
        settings.put("marketmesh.connection.workers-per-venue", 2);
        settings.put("marketmesh.venues.polymarket.enabled", false);
        settings.put("marketmesh.venues.kalshi.markets", markets);
        settings.put("marketmesh.catalog.describe-debounce", "100ms");
        TestNode node = TestNode.start(settings);
        nodes.add(node);
        return node;
    }
}

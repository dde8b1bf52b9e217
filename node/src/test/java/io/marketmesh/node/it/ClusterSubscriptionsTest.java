package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.testkit.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster's followed markets survive nodes joining, and a node that would split them, or shard their actors,
 * differently is refused.
 */
class ClusterSubscriptionsTest {

    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        TestNode.closeAll(nodes);
    }

    @Test
    void aMarketRemovedAtRuntimeStaysRemovedWhenNodesWithItsConfigurationJoin() throws Exception {
        int seedPort = TestNode.freePort();
        TestNode first = start(seedPort, seedPort, 4, true);
        assertEquals(List.of("AAA", "BBB", "CCC"), kalshiSymbols(first));
        assertEquals(200, first.delete("/api/v1/subscriptions/kalshi/BBB").status());
        assertEquals(List.of("AAA", "CCC"), kalshiSymbols(first));

        // Same configuration (AAA, BBB, CCC) on the joining node: the cluster's set wins, on every node.
        TestNode second = start(seedPort, 0, 4, true);
        first.awaitJson("/api/v1/cluster", r -> r.body().path("totals").path("members").asInt() == 2, Duration.ofSeconds(20));
        // Whatever could bring BBB back has run: the joiner reports ready only after its start-up seeding (of the
        // configured markets, were it the oldest node; see Subscriptions), and worker 0's seeding from discovery has
        // settled (off here: the markets are configured). A write of the joiner's is in its own view at once, so
        // once both views are equal, a market brought back shows on both.
        second.awaitJson("/api/v1/venues", r -> seedingSettled(r.body(), "kalshi"), Duration.ofSeconds(20));
        TestNode.await(() -> kalshiSymbols(second).equals(kalshiSymbols(first)), Duration.ofSeconds(20),
                "the joining node's view of the followed markets equals the first node's");
        assertEquals(List.of("AAA", "CCC"), kalshiSymbols(second));
        assertEquals(List.of("AAA", "CCC"), kalshiSymbols(first));
    }

    @Test
    void aNodeWithAnotherWorkerCountIsRefused() throws Exception {
        int seedPort = TestNode.freePort();
        TestNode first = start(seedPort, seedPort, 4, true);
        TestNode odd = start(seedPort, 0, 3, false);
        // enforce-on-join: the joining node is told its configuration is incompatible and shuts itself down.
        odd.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(1, first.get("/api/v1/cluster").body().path("totals").path("members").asInt());
    }

    @Test
    void aNodeThatShardsMarketsAnotherWayIsRefused() throws Exception {
        int seedPort = TestNode.freePort();
        TestNode first = start(seedPort, seedPort, 4, true);
        // As a node of a release that sharded markets by a hash of the market would: each market would get two actors.
        TestNode other = start(seedPort, 0, 4, false, Map.of("marketmesh.cluster.market-shards", "by-market-hash"));
        other.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(1, first.get("/api/v1/cluster").body().path("totals").path("members").asInt());
    }

    private TestNode start(int seedPort, int arteryPort, int workers, boolean awaitReady) {
        return start(seedPort, arteryPort, workers, awaitReady, Map.of());
    }

    private TestNode start(int seedPort, int arteryPort, int workers, boolean awaitReady, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("pekko.cluster.seed-nodes", List.of("pekko://marketmesh@127.0.0.1:" + seedPort));
        settings.put("pekko.remote.artery.canonical.port", arteryPort);
        settings.put("marketmesh.connection.workers-per-venue", workers);
        settings.put("marketmesh.venues.polymarket.enabled", false);
        // Nobody listens there: the sockets retry, which is beside the point here.
        settings.put("marketmesh.venues.kalshi.ws-url", "ws://127.0.0.1:" + TestNode.freePort() + "/trade-api/ws/v2");
        settings.put("marketmesh.venues.kalshi.markets", "AAA,BBB,CCC");
        settings.putAll(extra);
        TestNode node = awaitReady ? TestNode.start(settings) : TestNode.startWithoutWaiting(settings);
        nodes.add(node);
        return node;
    }

    /** Worker 0 of the venue has done what it does about seeding: nothing (markets configured), or seeded, or skipped. */
    private static boolean seedingSettled(JsonNode venues, String venue) {
        for (JsonNode v : venues.path("venues")) {
            if (v.path("venue").asText().equals(venue)) {
                String discovery = v.path("discovery").asText("");
                return discovery.startsWith("off:") || discovery.startsWith("done:") || discovery.startsWith("skipped:");
            }
        }
        return false;
    }

    private static List<String> kalshiSymbols(TestNode node) {
        for (JsonNode venue : node.get("/api/v1/subscriptions").body().path("subscriptions")) {
            if (venue.path("venue").asText().equals("kalshi")) {
                List<String> symbols = new ArrayList<>();
                venue.path("symbols").forEach(s -> symbols.add(s.asText()));
                return symbols;
            }
        }
        return List.of();
    }
}

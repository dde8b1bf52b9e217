package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real nodes (three ActorSystems in this JVM, real Artery over loopback) following the simulated venues:
 * markets and connection workers spread over all of them, every node answers for every market with the venue's
 * true book, a node that crashes costs no market, and a fourth node takes shards over. Whenever the cluster has
 * settled, every member runs its share of the connection workers (give or take one), and every market's actor runs on
 * the node of the worker that feeds it (its shard is named after the worker).
 */
class MultiNodeClusterTest {

    private static final Duration SETTLE = Duration.ofSeconds(60);
    @TempDir
    Path tmp;

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private Path keyFile;
    private final List<TestNode> nodes = new ArrayList<>();
    private List<String> poly;
    private List<String> kalshi;

    @BeforeEach
    void startVenues() {
        venues = SimulatedVenues.start(5, 6, 200, 11);
        simulator = venues.simulator();
        keyFile = SimulatedVenues.writeKey(tmp, venues.keys());
        poly = simulator.markets(Venue.POLYMARKET);
        kalshi = simulator.markets(Venue.KALSHI);
    }

    @AfterEach
    void stop() {
        TestNode.closeAll(nodes);
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void marketsSpreadOverTheNodesSurviveACrashAndMoveToANewNode() {
        int seedPort = TestNode.freePort();
        String seed = "pekko://marketmesh@127.0.0.1:" + seedPort;
        TestNode first = start(seed, seedPort);
        TestNode second = start(seed, 0);
        TestNode third = start(seed, 0);
        int markets = poly.size() + kalshi.size();
        assertEquals(16, markets);

        // Three members up; markets (MarketActor entities) and connection workers on every one of them.
        first.awaitJson("/api/v1/cluster", r -> upMembers(r.body()) == 3 && everyMember(r.body(), m ->
                m.path("markets").asInt() > 0 && m.path("connectionWorkers").size() > 0)
                && r.body().path("totals").path("markets").asInt() == markets
                && r.body().path("totals").path("connectionWorkers").asInt() == 8, SETTLE);

        awaitMarketsBesideTheirWorkers(first, 3, markets);

        // Any node lists every market of the cluster and serves its true book.
        for (TestNode node : nodes) {
            node.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == markets, SETTLE);
        }
        assertEveryNodeServesTheTrueBooks(List.of(first, second, third));

        // One node crashes (no leave, no hand-off): the others take its markets and workers over.
        simulator.resume();
        Set<String> before = memberAddresses(first.get("/api/v1/cluster").body());
        String crashed = second.get("/api/v1/cluster").body().path("self").asText();
        assertTrue(before.contains(crashed));
        second.crash();
        nodes.remove(second);
        // Until the crashed node is downed and its shards start elsewhere, a market it held cannot answer: the API
        // says so with a 504 after its ask timeout instead of hanging (the others answer at once).
        assertTrue(firstTimeout(first) != null, "a market of the crashed node answers 504 while the node is unreachable");
        first.awaitJson("/api/v1/cluster", r -> upMembers(r.body()) == 2
                && !memberAddresses(r.body()).contains(crashed)
                && r.body().path("totals").path("connectionWorkers").asInt() == 8, SETTLE);
        awaitMarketsBesideTheirWorkers(first, 2, markets);
        assertEveryNodeServesTheTrueBooks(List.of(first, third));

        // A fourth node joins: shards move to it, and still every node serves every true book.
        simulator.resume();
        TestNode fourth = start(seed, 0, true);
        String fourthAddress = fourth.get("/api/v1/cluster").body().path("self").asText();
        first.awaitJson("/api/v1/cluster", r -> upMembers(r.body()) == 3 && member(r.body(), fourthAddress)
                .path("shards").asInt() > 0, SETTLE);
        awaitMarketsBesideTheirWorkers(first, 3, markets);
        assertEveryNodeServesTheTrueBooks(List.of(first, third, fourth));

        // A graceful stop (what SIGTERM runs): the node leaves and hands its shards and workers over, no downing
        // needed; the rest serve every true book.
        simulator.resume();
        fourth.close();
        nodes.remove(fourth);
        first.awaitJson("/api/v1/cluster", r -> r.body().path("members").size() == 2 && upMembers(r.body()) == 2
                && r.body().path("totals").path("connectionWorkers").asInt() == 8, SETTLE);
        awaitMarketsBesideTheirWorkers(first, 2, markets);
        assertEveryNodeServesTheTrueBooks(List.of(first, third));
    }

    /**
     * Until the cluster has settled: {@code members} members Up, each running its share of the 8 connection workers
     * give or take one, every market's actor started, and each in the shard of its worker on that worker's node.
     */
    private static void awaitMarketsBesideTheirWorkers(TestNode node, int members, int markets) {
        node.awaitJson("/api/v1/cluster", r -> {
            JsonNode cluster = r.body();
            if (upMembers(cluster) != members || cluster.path("members").size() != members
                    || cluster.path("totals").path("markets").asInt() != markets
                    || cluster.path("totals").path("connectionWorkers").asInt() != 8) {
                return false;
            }
            for (JsonNode member : cluster.path("members")) {
                Set<String> workers = new HashSet<>();
                member.path("connectionWorkers").forEach(worker -> workers.add(worker.asText()));
                if (Math.abs(workers.size() - 8.0 / members) >= 1) {
                    return false;
                }
                for (JsonNode shard : member.path("shardIds")) {
                    if (!workers.contains(shard.asText())) {
                        return false; // a market whose worker runs on another node
                    }
                }
            }
            return true;
        }, SETTLE);
    }

    private TestNode start(String seed, int arteryPort) {
        return start(seed, arteryPort, false);
    }

    /** @param graceful whether closing the node leaves the cluster (coordinated shutdown) or looks like a crash */
    private TestNode start(String seed, int arteryPort, boolean graceful) {
        Map<String, Object> settings = venues.nodeSettings(keyFile);
        settings.put("pekko.cluster.seed-nodes", List.of(seed));
        settings.put("pekko.remote.artery.canonical.port", arteryPort);
        // A crash is a system that stops without leaving the cluster (see TestNode.crash).
        settings.put("pekko.coordinated-shutdown.run-by-actor-system-terminate", graceful ? "on" : "off");
        settings.put("pekko.cluster.split-brain-resolver.stable-after", "3s");
        settings.put("pekko.cluster.sharding.rebalance-interval", "2s");
        settings.put("marketmesh.connection.workers-per-venue", 4);
        TestNode node = TestNode.start(settings);
        nodes.add(node);
        return node;
    }

    /** With the feeds quiet, every node serves every market's true book, none stale. */
    private void assertEveryNodeServesTheTrueBooks(List<TestNode> live) {
        simulator.pause();
        for (TestNode node : live) {
            for (String symbol : poly) {
                BookTruth.awaitBookEqualsTruth(node, simulator, Venue.POLYMARKET, symbol, SETTLE);
            }
            for (String symbol : kalshi) {
                BookTruth.awaitBookEqualsTruth(node, simulator, Venue.KALSHI, symbol, SETTLE);
            }
        }
    }

    /** The first market whose state request times out (504) on this node, or null when all answer. */
    private String firstTimeout(TestNode node) {
        List<String> all = new ArrayList<>();
        poly.forEach(symbol -> all.add("polymarket/" + symbol));
        kalshi.forEach(symbol -> all.add("kalshi/" + symbol));
        for (String market : all) {
            TestNode.Reply reply = node.get("/api/v1/markets/" + market);
            if (reply.status() == 504) {
                assertEquals("timeout", reply.body().path("error").asText(), reply.body().toString());
                return market;
            }
        }
        return null;
    }

    private static int upMembers(JsonNode cluster) {
        int up = 0;
        for (JsonNode member : cluster.path("members")) {
            if (member.path("status").asText().equals("Up") && member.path("reachable").asBoolean()) {
                up++;
            }
        }
        return up;
    }

    private static boolean everyMember(JsonNode cluster, java.util.function.Predicate<JsonNode> condition) {
        for (JsonNode member : cluster.path("members")) {
            if (!condition.test(member)) {
                return false;
            }
        }
        return cluster.path("members").size() > 0;
    }

    private static Set<String> memberAddresses(JsonNode cluster) {
        Set<String> addresses = new HashSet<>();
        cluster.path("members").forEach(m -> addresses.add(m.path("address").asText()));
        return addresses;
    }

    private static JsonNode member(JsonNode cluster, String address) {
        for (JsonNode member : cluster.path("members")) {
            if (member.path("address").asText().equals(address)) {
                return member;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}

package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.BookTruth;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What users changed survives a restart of every node at once (each node keeps it in a directory of its own): a
 * configured market a user removed stays removed although the configuration still lists it, a market a user added is
 * followed again and serves the venue's book, and an instrument added at runtime is back, on every node.
 */
class DurableStateTest {

    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final String CONFIGURED_KEPT = "BTCUSDT";
    private static final String CONFIGURED_REMOVED = "ETHUSDT";
    private static final String ADDED = "PEPEUSDT";
    private static final String INSTRUMENT = "durable-runtime";

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private final List<TestNode> nodes = new ArrayList<>();
    private final Path root = Path.of("target", "durable-state-test", UUID.randomUUID().toString());

    @AfterEach
    void stop() {
        TestNode.closeAll(nodes);
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void aClusterOfThreeRestartedAllAtOnceKeepsWhatUsersChanged() {
        venues = SimulatedVenues.startUnsigned(0, 0, 3, 2, 14);
        simulator = venues.simulator();
        List<Path> dirs = List.of(root.resolve("node-1"), root.resolve("node-2"), root.resolve("node-3"));

        List<TestNode> first = startCluster(dirs);
        changeAsAUser(first.get(1));
        // Every node has the changes (the write reached a majority; gossip brings it to the third).
        for (TestNode node : first) {
            node.awaitJson("/api/v1/subscriptions", r -> symbols(r.body()).equals(List.of(CONFIGURED_KEPT, ADDED)), SETTLE);
            node.awaitJson("/api/v1/instruments", r -> runtimeIds(r.body()).contains(INSTRUMENT), SETTLE);
        }
        stopAllAtOnce(first);
        for (Path dir : dirs) {
            assertTrue(Files.isRegularFile(dir.resolve("data.mdb")), "each node wrote its own store in " + dir);
        }

        // The same directories, new ports: a new cluster, with nothing in memory from the first.
        List<TestNode> second = startCluster(dirs);
        assertKeptOnEveryNode(second);
    }

    @Test
    void aSingleNodeRestartedKeepsWhatUsersChanged() {
        venues = SimulatedVenues.startUnsigned(0, 0, 3, 2, 15);
        simulator = venues.simulator();
        List<Path> dirs = List.of(root.resolve("node-1"));

        List<TestNode> first = startCluster(dirs);
        changeAsAUser(first.get(0));
        stopAllAtOnce(first);

        assertKeptOnEveryNode(startCluster(dirs));
    }

    /** Adds a market, removes a configured one and defines an instrument, each answered once a majority has it. */
    private void changeAsAUser(TestNode node) {
        TestNode.Reply added = node.post("/api/v1/subscriptions",
                "{\"venue\":\"binance\",\"symbols\":[\"" + ADDED + "\"]}");
        assertEquals(200, added.status(), added.toString());
        assertEquals(200, node.delete("/api/v1/subscriptions/binance/" + CONFIGURED_REMOVED).status());
        TestNode.Reply instrument = node.post("/api/v1/instruments", "{\"id\":\"" + INSTRUMENT + "\",\"legs\":["
                + "{\"market\":\"binance:" + CONFIGURED_KEPT + "\"},{\"market\":\"binance:" + ADDED + "\"}]}");
        assertEquals(201, instrument.status(), instrument.toString());
    }

    private void assertKeptOnEveryNode(List<TestNode> cluster) {
        // Every node is ready: the oldest has decided at start whether to seed the configured markets (it must not:
        // the cluster was seeded before), and each has read the followed markets from a majority.
        for (TestNode node : cluster) {
            node.awaitJson("/api/v1/subscriptions", r -> symbols(r.body()).equals(List.of(CONFIGURED_KEPT, ADDED)), SETTLE);
            node.awaitJson("/api/v1/instruments", r -> runtimeIds(r.body()).contains(INSTRUMENT), SETTLE);
        }
        simulator.pause();
        for (TestNode node : cluster) {
            BookTruth.awaitBookEqualsTruth(node, simulator, Venue.BINANCE, ADDED, SETTLE);
            assertEquals(404, node.get("/api/v1/markets/binance/" + CONFIGURED_REMOVED + "/book").status(),
                    "a removed market stays removed although the configuration lists it");
            assertEquals(List.of(CONFIGURED_KEPT, ADDED), symbols(node.get("/api/v1/subscriptions").body()));
        }
    }

    /** Starts one node per directory, the first the seed; returns once every node is ready. */
    private List<TestNode> startCluster(List<Path> dirs) {
        int seedPort = TestNode.freePort();
        List<TestNode> cluster = new ArrayList<>();
        for (int i = 0; i < dirs.size(); i++) {
            Map<String, Object> settings = new HashMap<>(venues.cryptoNodeSettings(Venue.BINANCE,
                    List.of(CONFIGURED_KEPT, CONFIGURED_REMOVED)));
            settings.putAll(TestNode.durable(dirs.get(i)));
            settings.put("pekko.cluster.seed-nodes", List.of("pekko://marketmesh@127.0.0.1:" + seedPort));
            settings.put("pekko.remote.artery.canonical.port", i == 0 ? seedPort : 0);
            settings.put("marketmesh.connection.workers-per-venue", 2);
            // The first node must be the oldest (it decides about seeding): the others join once it is ready.
            TestNode node = i == 0 ? TestNode.start(settings) : TestNode.startWithoutWaiting(settings);
            nodes.add(node);
            cluster.add(node);
        }
        for (TestNode node : cluster) {
            node.awaitJson("/health/ready", r -> r.status() == 200, SETTLE);
        }
        cluster.get(0).awaitJson("/api/v1/cluster",
                r -> r.body().path("totals").path("members").asInt() == dirs.size(), SETTLE);
        return cluster;
    }

    /** Stops every node at the same time (each leaves the cluster as on SIGTERM). */
    private void stopAllAtOnce(List<TestNode> cluster) {
        CompletableFuture.allOf(cluster.stream().map(node -> CompletableFuture.runAsync(node::close))
                .toArray(CompletableFuture[]::new)).join();
        nodes.removeAll(cluster);
    }

    private static List<String> symbols(JsonNode subscriptions) {
        List<String> symbols = new ArrayList<>();
        for (JsonNode venue : subscriptions.path("subscriptions")) {
            if (venue.path("venue").asText().equals("binance")) {
                venue.path("symbols").forEach(s -> symbols.add(s.asText()));
            }
        }
        return symbols;
    }

    private static List<String> runtimeIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("instruments").forEach(i -> {
            if (i.path("origin").asText().equals("runtime")) {
                ids.add(i.path("id").asText());
            }
        });
        return ids;
    }
}

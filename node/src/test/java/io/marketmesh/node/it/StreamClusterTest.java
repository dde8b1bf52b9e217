package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.connection.ConnectionWorkers;
import io.marketmesh.node.connection.MarketPlacement;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.StreamClient;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Venue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three real nodes (three ActorSystems in this JVM, real Artery over loopback) following the simulated venues, and
 * WebSocket clients on one of them (A) following every market, most of which live on the other two (B and C). B
 * crashes: for every market it held, each subscription covering it is told ({@code continuity}, {@code book_stale})
 * and then sent a fresh {@code book_snapshot} from the market's new node, {@code seq} never skips, and once the feed
 * pauses every book the clients hold equals the venue's truth and is not stale. Before that, the fan-out: a market held
 * on B streams once to each node whose clients follow it (two clients on A and one on C: A and C), and stops streaming
 * to a node whose last client for it left.
 */
class StreamClusterTest {

    private static final Duration SETTLE = Duration.ofSeconds(60);
    /** 4 workers a venue, so 8 shards over 3 nodes: each node runs 2 or 3 of them once the cluster has settled. */
    private static final int WORKERS_PER_VENUE = 4;
    private static final int TOP_DEPTH = 3;

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private final List<TestNode> nodes = new ArrayList<>();
    private final List<StreamClient> clients = new ArrayList<>();
    /** {@code venue:symbol} of every simulated market. */
    private final List<String> markets = new ArrayList<>();

    @BeforeEach
    void startVenues() {
        // 6 Polymarket markets (12 tokens) and 7 Kalshi markets: every one of the 8 shards holds some (checked below),
        // so every node holds markets whatever workers it runs.
        venues = SimulatedVenues.startUnsigned(6, 7, 200, 11);
        simulator = venues.simulator();
        simulator.markets(Venue.POLYMARKET).forEach(symbol -> markets.add(Venue.POLYMARKET.id() + ":" + symbol));
        simulator.markets(Venue.KALSHI).forEach(symbol -> markets.add(Venue.KALSHI.id() + ":" + symbol));
    }

    @AfterEach
    void stop() {
        clients.forEach(StreamClient::close);
        TestNode.closeAll(nodes);
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void clientsOnOneNodeKeepTheBooksOfAnotherNodeThatCrashes() {
        Set<String> shardsWithMarkets = new HashSet<>();
        markets.forEach(market -> shardsWithMarkets.add(shardOf(market)));
        assertEquals(2 * WORKERS_PER_VENUE, shardsWithMarkets.size(), "every shard holds markets: " + shardsWithMarkets);

        int seedPort = TestNode.freePort();
        String seed = "pekko://marketmesh@127.0.0.1:" + seedPort;
        TestNode a = start(seed, seedPort);
        TestNode b = start(seed, 0);
        TestNode c = start(seed, 0);
        JsonNode cluster = awaitMarketsBesideTheirWorkers(a, 3);
        String addressOfB = b.get("/api/v1/cluster").body().path("self").asText();
        String addressOfC = c.get("/api/v1/cluster").body().path("self").asText();

        // Where each market lives, from the cluster API: its shard (named after its worker) is on one member.
        Map<String, String> nodeOf = nodeOfEachMarket(cluster);
        List<String> onB = marketsOn(nodeOf, addressOfB);
        List<String> onC = marketsOn(nodeOf, addressOfC);
        assertFalse(onB.isEmpty(), "node B holds markets: " + nodeOf);
        assertFalse(onC.isEmpty(), "node C holds markets: " + nodeOf);
        a.awaitJson("/api/v1/markets", r -> r.body().path("total").asInt() == markets.size(), SETTLE);

        // Fan-out: B sends a market's changes once to each node with clients following it, not once per client.
        eachNodeFollowsAMarketOnceWhateverItsClients(a, b, c, onB.get(1 % onB.size()));

        // Two clients on A following every market of both venues; the first also holds the top of one of B's books.
        String topMarket = onB.get(0);
        String topChannel = "book:" + topMarket;
        StreamClient first = connect(a);
        first.subscribe("venues", null, "book:polymarket:*", "book:kalshi:*");
        first.subscribe("top", TOP_DEPTH, topChannel);
        StreamClient second = connect(a);
        second.subscribe("venues", null, "book:polymarket:*", "book:kalshi:*");

        // Each subscription gets each market's snapshot from the node that holds the market, then its changes.
        Map<StreamClient, Map<String, List<String>>> followed = Map.of(
                first, subscriptionsOf(List.of(topMarket), topChannel),
                second, subscriptionsOf(List.of(), null));
        followed.forEach((client, subscriptions) -> subscriptions.forEach((subscription, covered) -> {
            for (String market : covered) {
                JsonNode snapshot = awaitMessage(client, 0, subscription, market, m -> isSnapshot(m), "its snapshot");
                assertEquals(nodeOf.get(market), snapshot.path("source").asText(),
                        subscription + " " + market + ": the snapshot comes from the node that holds the market");
            }
        }));
        for (String market : List.of(onB.get(0), onC.get(0))) {
            awaitMessage(first, 0, "book:" + venueOf(market) + ":*", market, m -> payloadType(m).equals("book_delta"),
                    "a change of a market held on another node");
        }

        // B crashes (no leave, no hand-off): the cluster downs it, and its markets start again on A or C.
        Map<StreamClient, Integer> crashedAt = Map.of(first, first.count(), second, second.count());
        b.crash();
        nodes.remove(b);
        followed.forEach((client, subscriptions) -> subscriptions.forEach((subscription, covered) -> {
            for (String market : covered) {
                if (!onB.contains(market)) {
                    continue;
                }
                int stale = indexOf(client, crashedAt.get(client), subscription, market,
                        m -> m.path("payload").path("kind").asText().equals("book_stale"), "continuity book_stale");
                int fresh = indexOf(client, stale + 1, subscription, market,
                        m -> isSnapshot(m) && !m.path("stale").asBoolean(true), "a fresh snapshot after book_stale");
                String source = client.messages().get(fresh).path("source").asText();
                assertNotEquals(addressOfB, source, subscription + " " + market + ": the fresh snapshot comes from a "
                        + "live node");
            }
        }));

        // Once the cluster has settled on two nodes and the feed pauses, every book held equals the venue's truth.
        awaitMarketsBesideTheirWorkers(a, 2);
        simulator.pause();
        followed.forEach((client, subscriptions) -> subscriptions.forEach((subscription, covered) -> {
            for (String market : covered) {
                awaitHeldEqualsTruth(client, subscription, market, subscription.equals(topChannel) ? TOP_DEPTH : 0);
            }
        }));
        for (StreamClient client : List.of(first, second)) {
            assertEquals(List.of(), client.violations());
            assertFalse(client.closed().isDone(), "the client's socket stays open through the crash");
        }
    }

    /**
     * Two clients on A (its book and its trades) and one on C follow a market held on B: the market's actor streams to
     * A and C, each once ({@code streamedTo}); B, with no client, takes no update. One A client unsubscribes: still A
     * and C (the other still follows it there). The other A client disconnects: only C.
     */
    private void eachNodeFollowsAMarketOnceWhateverItsClients(TestNode a, TestNode b, TestNode c, String market) {
        String addressOfA = a.get("/api/v1/cluster").body().path("self").asText();
        String addressOfC = c.get("/api/v1/cluster").body().path("self").asText();
        String statePath = "/api/v1/markets/" + venueOf(market) + "/"
                + URLEncoder.encode(market.substring(market.indexOf(':') + 1), StandardCharsets.UTF_8);
        StreamClient bookOnA = connect(a);
        StreamClient tradesOnA = connect(a);
        StreamClient bookOnC = connect(c);
        bookOnA.subscribe("book", null, "book:" + market);
        tradesOnA.subscribe("trades", null, "trades:" + market);
        bookOnC.subscribe("book", null, "book:" + market);
        for (StreamClient client : List.of(bookOnA, bookOnC)) {
            awaitMessage(client, 0, "book:" + market, market, m -> payloadType(m).equals("book_delta"),
                    "a change of a market held on B");
        }
        tradesOnA.await(0, m -> m.path("type").asText().equals("subscribed"), SETTLE, "subscribed to trades");

        List<String> bothNodes = new ArrayList<>(List.of(addressOfA, addressOfC));
        bothNodes.sort(null);
        a.awaitJson(statePath, r -> streamedTo(r.body()).equals(bothNodes), SETTLE);
        assertEquals(bothNodes, streamedTo(b.get(statePath).body()), "A once for its two clients, and C");
        assertTrue(a.get("/api/v1/stream/clients").body().path("feedUpdatesReceived").asLong() > 0);
        assertTrue(c.get("/api/v1/stream/clients").body().path("feedUpdatesReceived").asLong() > 0);
        assertEquals(0, b.get("/api/v1/stream/clients").body().path("feedUpdatesReceived").asLong(),
                "the market's own node has no client: its changes go only to the nodes that have some");

        int before = bookOnA.count();
        bookOnA.unsubscribe("leave", "book:" + market);
        bookOnA.await(before, m -> m.path("type").asText().equals("unsubscribed"), SETTLE, "unsubscribed");
        assertEquals(bothNodes, streamedTo(a.get(statePath).body()), "A still has a client following the market");

        tradesOnA.close();
        a.awaitJson(statePath, r -> streamedTo(r.body()).equals(List.of(addressOfC)), SETTLE);
        a.awaitJson("/api/v1/stream/clients", r -> r.body().path("marketsStreamed").asInt() == 0, SETTLE);
    }

    private static List<String> streamedTo(JsonNode state) {
        List<String> nodes = new ArrayList<>();
        state.path("streamedTo").forEach(node -> nodes.add(node.asText()));
        return nodes;
    }

    /** Subscription → the markets it covers: the two venue wildcards cover every market, {@code top} its one. */
    private Map<String, List<String>> subscriptionsOf(List<String> topMarkets, String topChannel) {
        Map<String, List<String>> subscriptions = new HashMap<>();
        for (String market : markets) {
            subscriptions.computeIfAbsent("book:" + venueOf(market) + ":*", s -> new ArrayList<>()).add(market);
        }
        if (topChannel != null) {
            subscriptions.put(topChannel, topMarkets);
        }
        return subscriptions;
    }

    private StreamClient connect(TestNode node) {
        StreamClient client = StreamClient.connect(node.httpPort());
        clients.add(client);
        return client;
    }

    private TestNode start(String seed, int arteryPort) {
        Map<String, Object> settings = venues.unsignedNodeSettings();
        settings.put("pekko.cluster.seed-nodes", List.of(seed));
        settings.put("pekko.remote.artery.canonical.port", arteryPort);
        // A crash is a system that stops without leaving the cluster (see TestNode.crash).
        settings.put("pekko.coordinated-shutdown.run-by-actor-system-terminate", "off");
        settings.put("pekko.cluster.split-brain-resolver.stable-after", "3s");
        settings.put("pekko.cluster.sharding.rebalance-interval", "2s");
        settings.put("marketmesh.connection.workers-per-venue", WORKERS_PER_VENUE);
        TestNode node = TestNode.start(settings);
        nodes.add(node);
        return node;
    }

    /**
     * Until the cluster has settled: {@code members} members Up, each running its share of the connection workers
     * (give or take one), every market's actor started, each in the shard of its worker on that worker's node.
     *
     * @return the cluster as it answered then
     */
    private JsonNode awaitMarketsBesideTheirWorkers(TestNode node, int members) {
        int workers = 2 * WORKERS_PER_VENUE;
        return node.awaitJson("/api/v1/cluster", r -> {
            JsonNode cluster = r.body();
            if (cluster.path("members").size() != members || cluster.path("totals").path("unreachable").asInt() != 0
                    || cluster.path("totals").path("markets").asInt() != markets.size()
                    || cluster.path("totals").path("connectionWorkers").asInt() != workers) {
                return false;
            }
            for (JsonNode member : cluster.path("members")) {
                Set<String> running = new HashSet<>();
                member.path("connectionWorkers").forEach(worker -> running.add(worker.asText()));
                if (!member.path("status").asText().equals("Up")
                        || Math.abs(running.size() - (double) workers / members) >= 1) {
                    return false;
                }
                for (JsonNode shard : member.path("shardIds")) {
                    if (!running.contains(shard.asText())) {
                        return false;
                    }
                }
            }
            return true;
        }, SETTLE).body();
    }

    /** {@code venue:symbol} → {@code host:port} of the member whose shard region holds the market's shard. */
    private Map<String, String> nodeOfEachMarket(JsonNode cluster) {
        Map<String, String> nodeOfShard = new HashMap<>();
        for (JsonNode member : cluster.path("members")) {
            member.path("shardIds").forEach(shard -> nodeOfShard.put(shard.asText(), member.path("address").asText()));
        }
        Map<String, String> nodeOf = new HashMap<>();
        for (String market : markets) {
            String node = nodeOfShard.get(shardOf(market));
            assertTrue(node != null, market + "'s shard " + shardOf(market) + " is on a member: " + cluster);
            nodeOf.put(market, node);
        }
        return nodeOf;
    }

    private List<String> marketsOn(Map<String, String> nodeOf, String address) {
        return markets.stream().filter(market -> nodeOf.get(market).equals(address)).toList();
    }

    private static String shardOf(String market) {
        int colon = market.indexOf(':');
        Venue venue = Venue.fromId(market.substring(0, colon));
        return MarketPlacement.shardId(venue, ConnectionWorkers.owner(market.substring(colon + 1), WORKERS_PER_VENUE));
    }

    private static String venueOf(String market) {
        return market.substring(0, market.indexOf(':'));
    }

    private static boolean isSnapshot(JsonNode message) {
        return payloadType(message).equals("book_snapshot");
    }

    private static String payloadType(JsonNode message) {
        return message.path("payload").path("type").asText();
    }

    private static JsonNode awaitMessage(StreamClient client, int from, String subscription, String market,
                                         Predicate<JsonNode> match, String what) {
        return client.messages().get(indexOf(client, from, subscription, market, match, what));
    }

    /** The index of the first message at or after {@code from} for that subscription and market that matches. */
    private static int indexOf(StreamClient client, int from, String subscription, String market,
                               Predicate<JsonNode> match, String what) {
        int[] found = {-1};
        TestNode.await(() -> {
            List<JsonNode> messages = client.messages();
            for (int i = from; i < messages.size(); i++) {
                JsonNode m = messages.get(i);
                if (m.path("subscription").asText().equals(subscription) && m.path("market").asText().equals(market)
                        && match.test(m)) {
                    found[0] = i;
                    return true;
                }
            }
            return false;
        }, SETTLE, subscription + " " + market + ": " + what);
        return found[0];
    }

    private void awaitHeldEqualsTruth(StreamClient client, String subscription, String market, int depth) {
        Venue venue = Venue.fromId(venueOf(market));
        BookSnapshot truth = simulator.trueBook(venue, market.substring(market.indexOf(':') + 1));
        List<PriceLevel> bids = depth == 0 ? truth.bids() : truth.bids().subList(0, Math.min(depth, truth.bids().size()));
        List<PriceLevel> asks = depth == 0 ? truth.asks() : truth.asks().subList(0, Math.min(depth, truth.asks().size()));
        try {
            TestNode.await(() -> {
                io.marketmesh.node.testkit.HeldBooks.HeldBook held = client.book(subscription, market);
                return held != null && !held.stale && held.bidLevels().equals(bids) && held.askLevels().equals(asks);
            }, SETTLE, subscription + " " + market + " equals the truth and is not stale");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; held: " + describe(client.book(subscription, market))
                    + "; truth: " + truth, e);
        }
    }

    private static String describe(io.marketmesh.node.testkit.HeldBooks.HeldBook held) {
        return held == null ? "nothing" : "stale=" + held.stale + " bids=" + held.bidLevels() + " asks="
                + held.askLevels();
    }
}

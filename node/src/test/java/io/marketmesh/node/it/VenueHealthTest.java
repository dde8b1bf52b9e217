package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.node.testkit.SimulatedVenues;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.protocol.Venue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each venue's {@code health} in {@code GET /api/v1/venues}, against the simulated venues: healthy while all is well;
 * a dropped socket, a stalled feed and a failed book check each make the venue unhealthy, saying why and what went
 * wrong last, until the node has healed; a two-node cluster counts each stale book once.
 */
class VenueHealthTest {

    private static final Duration HEAL = Duration.ofSeconds(40);

    private SimulatedVenues venues;
    private VenueSimulator simulator;
    private final List<TestNode> nodes = new ArrayList<>();

    @BeforeEach
    void startVenues() {
        venues = SimulatedVenues.startUnsigned(4, 5, 300, 7);
        simulator = venues.simulator();
    }

    @AfterEach
    void stop() {
        TestNode.closeAll(nodes);
        if (venues != null) {
            venues.close();
        }
    }

    @Test
    void aVenueSaysWhyItIsUnhealthyAfterEachFaultUntilItHeals() {
        Map<String, Object> settings = settings();
        settings.put("marketmesh.venues.kalshi.stale-after", "3s");
        TestNode node = start(settings);

        // All is well: every worker running, every socket open and fed, every book fresh, nothing went wrong yet.
        for (Venue venue : List.of(Venue.POLYMARKET, Venue.KALSHI)) {
            JsonNode health = awaitHealth(node, venue, h -> h.path("healthy").asBoolean());
            assertEquals(0, health.path("booksStale").asLong(), health.toString());
            assertEquals(0, health.path("reasons").size(), health.toString());
            assertTrue(health.path("lastUpdate").asLong() > 0, health.toString());
            assertTrue(health.path("lastError").isNull(), "no error since start: " + health);
        }

        // A frame that cannot be read is skipped and recorded; the venue stays healthy.
        assertTrue(simulator.sendMalformedFrame(Venue.KALSHI) > 0);
        JsonNode badFrame = awaitHealth(node, Venue.KALSHI, h -> h.path("lastError").path("kind").asText().equals("bad_frame"));
        assertTrue(badFrame.path("healthy").asBoolean(), badFrame.toString());
        assertTrue(badFrame.path("lastError").path("message").asText().startsWith("bad frame skipped: "), badFrame.toString());

        // The venue drops every socket: unhealthy while they are down (the backoff keeps them down for 2 s or more).
        long dropped = System.currentTimeMillis();
        assertTrue(simulator.dropConnections(Venue.POLYMARKET) > 0);
        JsonNode down = awaitHealth(node, Venue.POLYMARKET, h -> !h.path("healthy").asBoolean()
                && anyReason(h, reason -> reason.matches("socket \\d+ down: .*"))
                && h.path("lastError").path("at").asLong() >= dropped);
        assertEquals("socket", down.path("lastError").path("kind").asText(), down.toString());
        assertTrue(down.path("lastError").path("socket").isInt(), down.toString());
        // Reconnected and resnapshotted: healthy again; the last error stays on record.
        // (lastUpdate comes with the sockets' status reports, a second apart.)
        JsonNode healed = awaitHealth(node, Venue.POLYMARKET, h -> h.path("healthy").asBoolean()
                && h.path("lastUpdate").asLong() >= dropped);
        assertEquals(down.path("lastError").path("kind"), healed.path("lastError").path("kind"), healed.toString());

        // Kalshi's feed goes silent: past stale-after its sockets are replaced, and until the new ones have every
        // book again the venue says what happened.
        assertTrue(simulator.stallFeeds(Venue.KALSHI) > 0);
        JsonNode stalled = awaitHealth(node, Venue.KALSHI, h -> !h.path("healthy").asBoolean()
                && h.path("lastError").path("message").asText().startsWith("feed silent for"));
        assertEquals("socket", stalled.path("lastError").path("kind").asText(), stalled.toString());
        assertTrue(stalled.path("reasons").size() > 0, stalled.toString());
        awaitHealth(node, Venue.KALSHI, h -> h.path("healthy").asBoolean());

        // A book fails the venue's top-of-book check, and the venue ignores resyncs on the live sockets: one book stays
        // stale (this node does not reopen the socket for it), and the venue is unhealthy for it.
        JsonNode check = staleOnePolymarketBook(node);
        assertEquals(1, check.path("booksStale").asLong(), check.toString());
        assertTrue(!check.path("healthy").asBoolean() && anyReason(check, "1 book stale"::equals), check.toString());
        assertEquals(1, staleMarkets(node, Venue.POLYMARKET), "the count is the books the API serves stale");
        // New sockets bring fresh snapshots: no book stale, healthy.
        simulator.dropConnections(Venue.POLYMARKET);
        JsonNode fresh = awaitHealth(node, Venue.POLYMARKET, h -> h.path("healthy").asBoolean());
        assertEquals(0, fresh.path("booksStale").asLong(), fresh.toString());
        assertEquals(0, staleMarkets(node, Venue.POLYMARKET));
    }

    @Test
    void aTwoNodeClusterCountsEachStaleBookOnceFromEitherNode() {
        int seedPort = TestNode.freePort();
        String seed = "pekko://marketmesh@127.0.0.1:" + seedPort;
        TestNode first = start(clusterSettings(seed, seedPort));
        TestNode second = start(clusterSettings(seed, 0));
        // Settled: two members, each running two of Polymarket's four workers with their markets beside them.
        first.awaitJson("/api/v1/cluster", r -> settled(r.body()), Duration.ofSeconds(60));
        for (TestNode node : nodes) {
            JsonNode health = awaitHealth(node, Venue.POLYMARKET, h -> h.path("healthy").asBoolean());
            assertEquals(0, health.path("booksStale").asLong(), health.toString());
        }

        // One stale book, on a node where two of the venue's workers report that node's tally: counted once.
        staleOnePolymarketBook(first);
        for (TestNode node : nodes) {
            JsonNode health = awaitHealth(node, Venue.POLYMARKET, h -> h.path("booksStale").asLong() > 0);
            assertEquals(1, health.path("booksStale").asLong(), health.toString());
            assertTrue(anyReason(health, "1 book stale"::equals), health.toString());
        }
        assertEquals(1, staleMarkets(second, Venue.POLYMARKET));
        assertEquals(1, awaitHealth(first, Venue.POLYMARKET, h -> true).path("booksStale").asLong(),
                "still one: the count is not a passing state");

        simulator.dropConnections(Venue.POLYMARKET);
        for (TestNode node : nodes) {
            JsonNode health = awaitHealth(node, Venue.POLYMARKET, h -> h.path("healthy").asBoolean());
            assertEquals(0, health.path("booksStale").asLong(), health.toString());
        }
    }

    @Test
    void aFailedDiscoveryIsTheVenuesLastErrorAndAReason() {
        Map<String, Object> settings = settings();
        settings.keySet().removeIf(key -> key.startsWith("marketmesh.venues.kalshi."));
        // Nothing listens there: the venue's REST API cannot be asked for its markets.
        settings.put("marketmesh.venues.polymarket.rest-url", "http://127.0.0.1:" + TestNode.freePort());
        TestNode node = start(settings);
        JsonNode health = awaitHealth(node, Venue.POLYMARKET, h -> h.path("lastError").path("kind").asText().equals("discovery"));
        assertTrue(!health.path("healthy").asBoolean() && anyReason(health, reason -> reason.startsWith("discovery failed: "))
                && anyReason(health, "no market followed"::equals), health.toString());
        assertTrue(health.path("lastError").path("socket").isNull(), health.toString());
    }

    /**
     * Both venues, with backoffs long enough that a socket down is seen down, a short silence watchdog for Polymarket,
     * and no socket reopened for a book the venue will not resync (so a stale book stays stale until the test heals it).
     */
    private Map<String, Object> settings() {
        Map<String, Object> settings = venues.unsignedNodeSettings();
        settings.put("marketmesh.venues.polymarket.markets-per-socket", 3);
        settings.put("marketmesh.venues.polymarket.stale-after", "5s");
        settings.put("marketmesh.connection.min-backoff", "2s");
        settings.put("marketmesh.connection.max-backoff", "3s");
        settings.put("marketmesh.connection.resync-escalate-after", 0);
        return settings;
    }

    /** Polymarket only (fewer sockets to settle), four workers, on a two-node cluster. */
    private Map<String, Object> clusterSettings(String seed, int arteryPort) {
        Map<String, Object> settings = settings();
        settings.keySet().removeIf(key -> key.startsWith("marketmesh.venues.kalshi."));
        settings.put("pekko.cluster.seed-nodes", List.of(seed));
        settings.put("pekko.remote.artery.canonical.port", arteryPort);
        settings.put("pekko.cluster.sharding.rebalance-interval", "2s");
        settings.put("marketmesh.connection.workers-per-venue", 4);
        return settings;
    }

    private TestNode start(Map<String, Object> settings) {
        TestNode node = TestNode.start(settings);
        nodes.add(node);
        return node;
    }

    /** Two members Up, two Polymarket workers each, every market's actor on its worker's node. */
    private boolean settled(JsonNode cluster) {
        if (cluster.path("members").size() != 2
                || cluster.path("totals").path("markets").asInt() != simulator.markets(Venue.POLYMARKET).size()) {
            return false;
        }
        for (JsonNode member : cluster.path("members")) {
            Set<String> workers = new HashSet<>();
            member.path("connectionWorkers").forEach(worker -> workers.add(worker.asText()));
            if (!member.path("status").asText().equals("Up") || workers.size() != 2) {
                return false;
            }
            for (JsonNode shard : member.path("shardIds")) {
                if (!workers.contains(shard.asText())) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The venue ignores resyncs on its open sockets and hides a change of one book's best level; the node's book fails
     * the venue's next top-of-book claim and stays stale. The claim comes with the book's next change, which may take
     * a while on a loaded machine, so each poll that sees no stale book yet hides one more best level (each is caught
     * the same way). Returns the health that shows the stale book.
     */
    private JsonNode staleOnePolymarketBook(TestNode node) {
        simulator.ignoreResubscriptions(Venue.POLYMARKET);
        return awaitHealth(node, Venue.POLYMARKET, h -> {
            if (h.path("booksStale").asLong() > 0) {
                return true;
            }
            assertEquals(1, simulator.hideTopOfBookChange(Venue.POLYMARKET));
            return false;
        });
    }

    /** Polls the venue's health until {@code condition} holds; returns it. */
    private static JsonNode awaitHealth(TestNode node, Venue venue, Predicate<JsonNode> condition) {
        JsonNode[] health = new JsonNode[1];
        node.awaitJson("/api/v1/venues", r -> {
            health[0] = venue(r.body(), venue).path("health");
            return condition.test(health[0]);
        }, HEAL);
        return health[0];
    }

    private static boolean anyReason(JsonNode health, Predicate<String> condition) {
        for (JsonNode reason : health.path("reasons")) {
            if (condition.test(reason.asText())) {
                return true;
            }
        }
        return false;
    }

    /** How many of the venue's markets the API serves stale now, asking each. */
    private long staleMarkets(TestNode node, Venue venue) {
        long stale = 0;
        for (String symbol : simulator.markets(venue)) {
            if (node.get("/api/v1/markets/" + venue.id() + "/" + symbol).body().path("stale").asBoolean()) {
                stale++;
            }
        }
        return stale;
    }

    private static JsonNode venue(JsonNode venuesBody, Venue venue) {
        for (JsonNode v : venuesBody.path("venues")) {
            if (v.path("venue").asText().equals(venue.id())) {
                return v;
            }
        }
        throw new AssertionError("no venue " + venue.id() + " in " + venuesBody);
    }
}

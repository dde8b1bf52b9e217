package io.marketmesh.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.testkit.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster following as many markets as Polymarket's long tail has: tens of thousands of 77-digit token ids, megabytes
 * of replicated subscription set. Every node must see all of them, the ones seeded at start and the ones followed at
 * runtime, though no single cluster message may carry them all.
 */
class LargeSubscriptionSetTest {

    private static final int MARKETS = 30_000;

    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        TestNode.closeAll(nodes);
    }

    @Test
    void everyNodeSeesTensOfThousandsOfFollowedMarkets() {
        List<String> tokens = tokens(MARKETS, 11);
        int seedPort = TestNode.freePort();
        TestNode first = start(seedPort, seedPort, tokens);
        awaitFollowed(first, MARKETS);
        TestNode second = start(seedPort, 0, tokens);
        first.awaitJson("/api/v1/cluster", r -> r.body().path("totals").path("members").asInt() == 2, Duration.ofSeconds(30));
        awaitFollowed(second, MARKETS);

        // Followed at runtime on the second node: the first sees them too.
        List<String> more = tokens(2_000, 12);
        for (int i = 0; i < more.size(); i += 500) {
            String body = "{\"venue\":\"polymarket\",\"symbols\":[\"" + String.join("\",\"", more.subList(i, i + 500))
                    + "\"]}";
            // A write a loaded machine did not confirm in time (503/504) is sent again, as a client would: following is
            // idempotent.
            TestNode.Reply reply = second.post("/api/v1/subscriptions", body);
            for (int attempt = 1; attempt < 5 && reply.status() >= 503; attempt++) {
                reply = second.post("/api/v1/subscriptions", body);
            }
            assertEquals(200, reply.status(), String.valueOf(reply.body()));
        }
        awaitFollowed(first, MARKETS + more.size());
        awaitFollowed(second, MARKETS + more.size());
    }

    private TestNode start(int seedPort, int arteryPort, List<String> tokens) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("pekko.cluster.seed-nodes", List.of("pekko://marketmesh@127.0.0.1:" + seedPort));
        settings.put("pekko.remote.artery.canonical.port", arteryPort);
        settings.put("marketmesh.venues.kalshi.enabled", false);
        // Nobody listens there: the sockets retry, which is beside the point here.
        settings.put("marketmesh.venues.polymarket.ws-url", "ws://127.0.0.1:" + TestNode.freePort() + "/ws/market");
        settings.put("marketmesh.venues.polymarket.markets", tokens);
        settings.put("marketmesh.connection.min-backoff", "10s");
        settings.put("marketmesh.connection.max-backoff", "30s");
        TestNode node = TestNode.start(settings);
        nodes.add(node);
        return node;
    }

    private static void awaitFollowed(TestNode node, int count) {
        node.awaitJson("/api/v1/venues", r -> followed(r.body()) == count, Duration.ofSeconds(60));
    }

    private static long followed(JsonNode venues) {
        for (JsonNode v : venues.path("venues")) {
            if (v.path("venue").asText().equals("polymarket")) {
                return v.path("followed").asLong();
            }
        }
        return -1;
    }

    /** Token ids as Polymarket writes them: 77 decimal digits. */
    private static List<String> tokens(int count, long seed) {
        Random random = new Random(seed);
        List<String> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder(77).append((char) ('1' + random.nextInt(9)));
            while (sb.length() < 77) {
                sb.append((char) ('0' + random.nextInt(10)));
            }
            tokens.add(sb.toString());
        }
        return tokens;
    }
}

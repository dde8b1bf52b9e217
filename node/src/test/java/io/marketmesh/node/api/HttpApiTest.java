package io.marketmesh.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.testkit.TestNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP contract on a real node whose Polymarket socket points at a port where nothing listens: the
 * API must stay correct (errors, subscriptions, venue status) while the venue is unreachable.
 */
class HttpApiTest {

    private static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(Map.of(
                "marketmesh.venues.polymarket.ws-url", "ws://127.0.0.1:" + TestNode.freePort() + "/ws/market",
                "marketmesh.venues.polymarket.markets", List.of("111", "222"),
                "marketmesh.venues.kalshi.enabled", false,
                "marketmesh.connection.min-backoff", "200ms",
                "marketmesh.connection.max-backoff", "1s"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static void assertError(TestNode.Reply reply, int status, String code) {
        assertEquals(status, reply.status(), String.valueOf(reply.body()));
        assertEquals(code, reply.body().get("error").asText(), String.valueOf(reply.body()));
        assertFalse(reply.body().get("message").asText().isBlank());
    }

    @Test
    void healthEndpointsAnswer() {
        assertEquals(200, node.get("/health/alive").status());
        assertEquals("ready", node.get("/health/ready").body().get("status").asText());
    }

    @Test
    void listsFollowedMarketsWithPaging() {
        TestNode.Reply all = node.get("/api/v1/markets");
        assertEquals(200, all.status());
        assertTrue(all.body().get("total").asInt() >= 2);
        TestNode.Reply page = node.get("/api/v1/markets?venue=polymarket&limit=1&offset=1");
        assertEquals(1, page.body().get("markets").size());
        assertEquals("polymarket", page.body().get("markets").get(0).get("venue").asText());
    }

    @Test
    void badInputIs400() {
        assertError(node.get("/api/v1/markets?limit=abc"), 400, "bad_request");
        assertError(node.get("/api/v1/markets?limit=0"), 400, "bad_request");
        assertError(node.get("/api/v1/markets?offset=-3"), 400, "bad_request");
        assertError(node.get("/api/v1/markets/polymarket/111/book?depth=zero"), 400, "bad_request");
        assertError(node.post("/api/v1/subscriptions", "{not json"), 400, "bad_request");
        assertError(node.post("/api/v1/subscriptions", "{\"venue\":\"nasdaq\",\"symbol\":\"X\"}"), 400, "bad_request");
        assertError(node.post("/api/v1/subscriptions", "{\"venue\":\"kalshi\",\"symbol\":\"X\"}"), 400, "bad_request");
        assertError(node.post("/api/v1/subscriptions", "{\"venue\":\"polymarket\"}"), 400, "bad_request");
        assertError(node.post("/api/v1/subscriptions", "{\"venue\":\"polymarket\",\"symbols\":[\"a b\"]}"), 400, "bad_request");
    }

    @Test
    void aSymbolWithASlashWorksInEveryPathUrlEncoded() {
        // Kraken names its pairs BTC/USD: the symbol travels in paths as BTC%2FUSD and stays one segment.
        assertError(node.get("/api/v1/markets/polymarket/A%2FB/book"), 404, "unknown_market");
        assertTrue(node.get("/api/v1/markets/polymarket/A%2FB/book").body().get("message").asText()
                .contains("polymarket:A/B"));
        TestNode.Reply followed = node.post("/api/v1/subscriptions", "{\"venue\":\"polymarket\",\"symbol\":\"A/B\"}");
        assertTrue(followed.status() / 100 == 2, String.valueOf(followed.body()));
        node.awaitJson("/api/v1/markets/polymarket/A%2FB", r -> r.status() == 200, java.time.Duration.ofSeconds(10));
        assertEquals("polymarket:A/B", node.get("/api/v1/markets/polymarket/A%2FB").body().path("market").asText());
        TestNode.Reply removed = node.delete("/api/v1/subscriptions/polymarket/A%2FB");
        assertEquals(200, removed.status(), String.valueOf(removed.body()));
        assertEquals("polymarket:A/B", removed.body().get("removed").asText());
    }

    @Test
    void unknownThingsAre404() {
        assertError(node.get("/api/v1/markets/polymarket/999"), 404, "unknown_market");
        assertError(node.get("/api/v1/markets/polymarket/999/book"), 404, "unknown_market");
        assertError(node.get("/api/v1/markets/nasdaq/AAPL"), 404, "unknown_venue");
        assertError(node.get("/api/v1/markets/kalshi/ANY"), 404, "unknown_market");
        assertError(node.get("/api/v1/nothing-here"), 404, "not_found");
        assertError(node.delete("/api/v1/subscriptions/polymarket/999"), 404, "unknown_market");
    }

    @Test
    void aFollowedMarketWithoutAFeedIsServedAsStale() {
        TestNode.Reply state = node.get("/api/v1/markets/polymarket/111");
        assertEquals(200, state.status());
        assertTrue(state.body().get("stale").asBoolean());
        assertFalse(state.body().get("hasBook").asBoolean());
        assertEquals("polymarket:111", state.body().get("market").asText());
        assertTrue(state.body().get("streamedTo").isArray(), "no stream client follows it: " + state.body());
        assertEquals(0, state.body().get("streamedTo").size());
        TestNode.Reply book = node.get("/api/v1/markets/polymarket/111/book?depth=5");
        assertEquals(200, book.status());
        assertTrue(book.body().get("stale").asBoolean());
        assertEquals(0, book.body().get("bids").size());
    }

    @Test
    void subscriptionsCanBeAddedAndRemovedAtRuntime() {
        TestNode.Reply added = node.post("/api/v1/subscriptions", "{\"venue\":\"polymarket\",\"symbols\":[\"333\",\"111\"]}");
        assertEquals(200, added.status(), String.valueOf(added.body()));
        assertEquals("333", added.body().get("added").get(0).asText());
        assertEquals("111", added.body().get("alreadyFollowed").get(0).asText());
        assertEquals(200, node.get("/api/v1/markets/polymarket/333").status());
        JsonNode subs = node.get("/api/v1/subscriptions").body().get("subscriptions");
        assertTrue(subs.toString().contains("333"));
        assertEquals(200, node.delete("/api/v1/subscriptions/polymarket/333").status());
        assertError(node.get("/api/v1/markets/polymarket/333"), 404, "unknown_market");
    }

    @Test
    void venuesShowTheFailingConnectionAndItsRetries() {
        TestNode.Reply venues = node.awaitJson("/api/v1/venues", r -> {
            for (JsonNode v : r.body().get("venues")) {
                if (v.get("venue").asText().equals("polymarket")) {
                    JsonNode socket = v.get("connections").get(0);
                    return socket != null && socket.get("reconnects").asLong() >= 1 && !socket.get("lastError").isNull();
                }
            }
            return false;
        }, Duration.ofSeconds(20));
        boolean sawKalshiDisabled = false;
        for (JsonNode v : venues.body().get("venues")) {
            if (v.get("venue").asText().equals("kalshi")) {
                sawKalshiDisabled = !v.get("enabled").asBoolean();
            }
        }
        assertTrue(sawKalshiDisabled, venues.body().toString());
    }
}

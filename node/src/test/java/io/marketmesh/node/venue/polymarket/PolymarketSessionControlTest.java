package io.marketmesh.node.venue.polymarket;

import io.marketmesh.node.testkit.RecordingOutput;
import static io.marketmesh.node.venue.polymarket.PolymarketTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.venue.ConnectRequest;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a Polymarket session sends: subscription frames, batching, resync, heartbeat. */
class PolymarketSessionControlTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordingOutput out = new RecordingOutput();

    private static JsonNode json(String frame) throws Exception {
        return JSON.readTree(frame);
    }

    private static List<String> ids(JsonNode frame) {
        List<String> ids = new ArrayList<>();
        frame.get("assets_ids").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    @Test
    void firstSubscribeIsTheMarketTypeFrameAndLaterOnesAreOperations() throws Exception {
        PolymarketSession session = new PolymarketSession(settings(100));
        session.subscribe(List.of(BOOK_ASSET, V2_ASSET), out);
        session.subscribe(List.of(TRADE_ASSET), out);

        assertEquals(2, out.sent.size());
        assertEquals(json("{\"assets_ids\":[\"" + BOOK_ASSET + "\",\"" + V2_ASSET
                + "\"],\"type\":\"market\",\"initial_dump\":true,\"custom_feature_enabled\":true}"), json(out.sent.get(0)));
        assertEquals(json("{\"assets_ids\":[\"" + TRADE_ASSET
                + "\"],\"operation\":\"subscribe\",\"initial_dump\":true,\"custom_feature_enabled\":true}"), json(out.sent.get(1)));
    }

    @Test
    void subscribeIsSplitIntoFramesOfAtMostTheBatchSize() throws Exception {
        PolymarketSession session = new PolymarketSession(settings(2));
        List<String> five = List.of("1", "2", "3", "4", "5");
        session.subscribe(five, out);

        assertEquals(3, out.sent.size());
        assertEquals(List.of("1", "2"), ids(json(out.sent.get(0))));
        assertEquals(List.of("3", "4"), ids(json(out.sent.get(1))));
        assertEquals(List.of("5"), ids(json(out.sent.get(2))));
        assertEquals("market", json(out.sent.get(0)).get("type").asText());
        for (String later : out.sent.subList(1, 3)) {
            assertEquals("subscribe", json(later).get("operation").asText());
            assertTrue(json(later).get("type") == null, "the market-type frame is sent once per socket");
        }
    }

    @Test
    void subscribingAgainSendsOnlyNewTokensAndNeverAnEmptyList() throws Exception {
        PolymarketSession session = new PolymarketSession(settings(100));
        session.subscribe(List.of("1", "2"), out);
        out.clear();
        session.subscribe(List.of("2", "2", "3", " "), out);
        assertEquals(1, out.sent.size());
        assertEquals(List.of("3"), ids(json(out.sent.get(0))));

        out.clear();
        session.subscribe(List.of("1", "3"), out);
        session.subscribe(List.of(), out);
        assertTrue(out.sent.isEmpty(), "an empty assets_ids would subscribe every market");
    }

    @Test
    void unsubscribeSendsTheOperationForSubscribedTokensInBatches() throws Exception {
        PolymarketSession session = new PolymarketSession(settings(2));
        session.subscribe(List.of("1", "2", "3"), out);
        out.clear();
        session.unsubscribe(List.of("1", "2", "3", "9"), out);

        assertEquals(2, out.sent.size());
        assertEquals(json("{\"assets_ids\":[\"1\",\"2\"],\"operation\":\"unsubscribe\"}"), json(out.sent.get(0)));
        assertEquals(json("{\"assets_ids\":[\"3\"],\"operation\":\"unsubscribe\"}"), json(out.sent.get(1)));

        // The tokens' data is no longer passed on.
        session.onText(emptyBook("1"), RECEIVED_AT, out);
        assertTrue(out.events.isEmpty());
    }

    @Test
    void resyncResubscribesAndDropsPriceChangesUntilTheFreshBook() throws Exception {
        PolymarketSession session = new PolymarketSession(settings(100));
        session.subscribe(List.of(V2_ASSET), out);
        session.onText(emptyBook(V2_ASSET), RECEIVED_AT, out);
        session.onText(fixture(PRICE_CHANGE_V2), RECEIVED_AT, out);
        assertEquals(1, out.events(BookDelta.class).size());
        out.clear();

        session.resync(V2_ASSET, out);
        assertEquals(2, out.sent.size());
        assertEquals(json("{\"assets_ids\":[\"" + V2_ASSET + "\"],\"operation\":\"unsubscribe\"}"), json(out.sent.get(0)));
        assertEquals(json("{\"assets_ids\":[\"" + V2_ASSET
                + "\"],\"operation\":\"subscribe\",\"initial_dump\":true,\"custom_feature_enabled\":true}"), json(out.sent.get(1)));

        session.onText(fixture(PRICE_CHANGE_V2), RECEIVED_AT, out); // in flight before the resync took effect
        assertTrue(out.events.isEmpty());

        session.onText(emptyBook(V2_ASSET), RECEIVED_AT, out);
        session.onText(fixture(PRICE_CHANGE_V2), RECEIVED_AT, out);
        assertEquals(1, out.events(BookSnapshot.class).size());
        assertEquals(1, out.events(BookDelta.class).size());
    }

    @Test
    void manyTokensOnOneSocketAreAllRecognised() {
        PolymarketSession session = new PolymarketSession(settings(500));
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            tokens.add(BOOK_ASSET.substring(0, 70) + (1_000_000 + i));
        }
        session.subscribe(tokens, out);
        for (String t : tokens) {
            session.onText(emptyBook(t), RECEIVED_AT, out);
        }
        session.onText(emptyBook(BOOK_ASSET), RECEIVED_AT, out); // same prefix, not subscribed
        assertEquals(tokens, out.events(BookSnapshot.class).stream().map(b -> b.market().symbol()).toList());
    }

    @Test
    void resyncOfATokenNotOnThisSocketSendsNothing() {
        PolymarketSession session = new PolymarketSession(settings(100));
        session.subscribe(List.of("1"), out);
        out.clear();
        session.resync("2", out);
        assertTrue(out.sent.isEmpty());
    }

    @Test
    void heartbeatIsTextPingOnlyOnceSubscribed() {
        PolymarketSession session = new PolymarketSession(settings(100));
        assertEquals(Duration.ofSeconds(10), session.heartbeatInterval());
        session.heartbeat(out);
        assertTrue(out.sent.isEmpty(), "the venue closes a socket whose first message is not a subscription");

        session.subscribe(List.of("1"), out);
        out.clear();
        session.heartbeat(out);
        assertEquals(List.of("PING"), out.sent);
    }

    @Test
    void adapterConnectsToTheConfiguredUrlWithoutHeaders() {
        PolymarketAdapter adapter = new PolymarketAdapter();
        ConnectRequest request = adapter.connectRequest(settings(100));
        assertEquals("wss://ws-subscriptions-clob.polymarket.com/ws/market", request.url());
        assertTrue(request.headers().isEmpty());
        assertTrue(adapter.newSession(settings(100)) instanceof PolymarketSession);
    }
}

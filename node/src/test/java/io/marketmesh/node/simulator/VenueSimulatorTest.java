package io.marketmesh.node.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.TestNode;
import io.marketmesh.node.venue.kalshi.KalshiKeys;
import io.marketmesh.node.venue.kalshi.KalshiSigner;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Venue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The venue simulator seen from outside, as a connector sees it: plain JDK HTTP and WebSocket clients over
 * loopback. Every frame's shape is checked against a real captured frame of the same kind (shared/fixtures), and
 * the books a client rebuilds from the wire must equal the simulator's true books.
 */
class VenueSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String KEY_ID = "key-id";
    private static final Pattern KALSHI_PRICE = Pattern.compile("\\d\\.\\d{4}");
    private static final Pattern KALSHI_COUNT = Pattern.compile("-?\\d+\\.\\d{2}");
    private static final Pattern EPOCH_MS = Pattern.compile("\\d{13}");

    private static KeyPair keys;

    private ActorSystem<Void> venues;
    private VenueSimulator sim;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
    private final List<Client> clients = new ArrayList<>();

    @BeforeAll
    static void generateKeys() throws Exception {
        keys = KalshiKeys.newKeyPair();
    }

    @BeforeEach
    void start() {
        venues = TestNode.localSystem("venues");
        sim = VenueSimulator.start(venues, new SimulatorSettings(0, 2, 3, 200, 7, keys.getPublic(), KEY_ID));
    }

    @AfterEach
    void stop() {
        clients.forEach(Client::abort);
        if (sim != null) {
            sim.close();
        }
        if (venues != null) {
            venues.terminate();
            try {
                venues.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // best effort
            }
        }
    }

    // ================================================================ Polymarket

    @Test
    void polymarketInitialDumpAndPriceChangesMatchRealCapturesAndRebuildTheTrueBooks() throws Exception {
        JsonNode realBook = JSON.readTree(Fixtures.read("polymarket", "nautilus__ws_book.json"));
        JsonNode realChange = JSON.readTree(Fixtures.read("polymarket", "nautilus__ws_price_change_v2_price_changes_array.json"));
        List<String> tokens = sim.markets(Venue.POLYMARKET).subList(0, 2);

        sim.pause();
        Client client = connect(sim.polymarketWsUrl(), Map.of());
        ObjectNode subscribe = JSON.createObjectNode();
        subscribe.set("assets_ids", JSON.valueToTree(tokens));
        subscribe.put("type", "market").put("initial_dump", true).put("custom_feature_enabled", true);
        client.send(subscribe.toString());

        // The initial dump: one array of full books, one per token, shaped like the real capture.
        JsonNode dump = JSON.readTree(client.next(WAIT));
        assertTrue(dump.isArray(), "the initial dump is a JSON array: " + dump);
        assertEquals(tokens.size(), dump.size());
        Map<String, TreeMap<Long, Long>[]> books = new HashMap<>();
        Set<String> markets = new HashSet<>();
        for (JsonNode book : dump) {
            assertBookShape(realBook, book);
            String token = book.get("asset_id").asText();
            assertTrue(tokens.contains(token), token);
            assertFalse(books.containsKey(token), "one book per token");
            markets.add(book.get("market").asText());
            assertWorstToBest(book);
            books.put(token, polymarketBook(book));
        }
        assertEquals(1, markets.size(), "the YES and NO tokens of one market share its condition id");
        for (String token : tokens) {
            assertEquals(normalized(sim.trueBook(Venue.POLYMARKET, token)), levels(books.get(token)), token);
        }

        // Heartbeat: text PING, text PONG.
        client.send("PING");
        assertEquals("PONG", client.next(WAIT));

        // Moving: current-format price_change, absolute sizes, best_bid/best_ask after each item.
        Set<String> itemKeys = keys(realChange.get("price_changes").get(0));
        sim.resume();
        int items = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (items < 30) {
            assertTrue(System.nanoTime() < deadline, "30 price changes within " + WAIT + ", got " + items);
            items += applyPolymarket(client.next(WAIT), realBook, realChange, itemKeys, books);
        }

        // Quiet again: what the client rebuilt equals the venue's true books.
        sim.pause();
        Map<String, BookSnapshot> truth = new HashMap<>();
        tokens.forEach(t -> truth.put(t, sim.trueBook(Venue.POLYMARKET, t)));
        awaitEqual(client, () -> tokens.stream().allMatch(t -> normalized(truth.get(t)).equals(levels(books.get(t)))),
                frame -> applyPolymarket(frame, realBook, realChange, itemKeys, books),
                () -> "rebuilt " + tokens.stream().map(t -> levels(books.get(t))).toList() + " vs truth "
                        + tokens.stream().map(t -> normalized(truth.get(t))).toList());
    }

    /** Applies one frame of the market channel; returns how many price_change items it carried. */
    private static int applyPolymarket(String text, JsonNode realBook, JsonNode realChange, Set<String> itemKeys,
                                       Map<String, TreeMap<Long, Long>[]> books) throws Exception {
        assertNotEquals("PONG", text, "no PONG without a PING");
        JsonNode frame = JSON.readTree(text);
        List<JsonNode> events = new ArrayList<>();
        if (frame.isArray()) {
            frame.forEach(events::add);
        } else {
            events.add(frame);
        }
        int items = 0;
        for (JsonNode event : events) {
            String type = event.path("event_type").asText(event.has("bids") ? "book" : "");
            switch (type) {
                case "book" -> {
                    assertBookShape(realBook, event);
                    assertWorstToBest(event);
                    String token = event.get("asset_id").asText();
                    if (books.containsKey(token)) {
                        books.put(token, polymarketBook(event));
                    }
                }
                case "price_change" -> {
                    assertEquals(keys(realChange), keys(event), "price_change top-level keys: " + event);
                    assertSameKinds(realChange, event);
                    for (JsonNode item : event.get("price_changes")) {
                        assertEquals(itemKeys, keys(item), "price_changes[] item keys: " + item);
                        assertSameKinds(realChange.get("price_changes").get(0), item);
                        TreeMap<Long, Long>[] book = books.get(item.get("asset_id").asText());
                        if (book == null) {
                            continue; // the sibling token of a followed one
                        }
                        String side = item.get("side").asText();
                        assertTrue(side.equals("BUY") || side.equals("SELL"), side);
                        TreeMap<Long, Long> levels = book[side.equals("BUY") ? 0 : 1];
                        long price = Decimals.parse(item.get("price").asText());
                        long size = Decimals.parse(item.get("size").asText());
                        if (size == 0) {
                            levels.remove(price);
                        } else {
                            levels.put(price, size);
                        }
                        assertEquals(book[0].lastKey(), Decimals.parse(item.get("best_bid").asText()), "best_bid: " + item);
                        assertEquals(book[1].firstKey(), Decimals.parse(item.get("best_ask").asText()), "best_ask: " + item);
                        items++;
                    }
                }
                case "last_trade_price" -> assertTrue(event.has("price") && event.has("asset_id"), event.toString());
                default -> fail("unexpected Polymarket event: " + event);
            }
        }
        return items;
    }

    /** Key set equal to the real capture's, except that a snapshot may come without event_type. */
    private static void assertBookShape(JsonNode real, JsonNode book) {
        Set<String> expected = keys(real);
        if (!book.has("event_type")) {
            expected.remove("event_type");
        } else {
            assertEquals("book", book.get("event_type").asText());
        }
        assertEquals(expected, keys(book), "book keys: " + book);
        assertSameKinds(real, book);
        assertEquals(keys(real.get("bids").get(0)), keys(book.get("bids").get(0)), "level keys");
        assertSameKinds(real.get("bids").get(0), book.get("bids").get(0));
        assertTrue(EPOCH_MS.matcher(book.get("timestamp").asText()).matches(), "epoch-ms timestamp: " + book);
    }

    private static void assertWorstToBest(JsonNode book) {
        long previous = Long.MIN_VALUE;
        for (JsonNode level : book.get("bids")) {
            long price = Decimals.parse(level.get("price").asText());
            assertTrue(price > previous, "bids ascend (best last): " + book.get("bids"));
            previous = price;
        }
        previous = Long.MAX_VALUE;
        for (JsonNode level : book.get("asks")) {
            long price = Decimals.parse(level.get("price").asText());
            assertTrue(price < previous, "asks descend (best last): " + book.get("asks"));
            previous = price;
        }
    }

    @SuppressWarnings("unchecked")
    private static TreeMap<Long, Long>[] polymarketBook(JsonNode book) {
        TreeMap<Long, Long>[] sides = new TreeMap[] {new TreeMap<Long, Long>(), new TreeMap<Long, Long>()};
        String[] names = {"bids", "asks"};
        for (int s = 0; s < 2; s++) {
            for (JsonNode level : book.get(names[s])) {
                assertNull(sides[s].put(Decimals.parse(level.get("price").asText()),
                        Decimals.parse(level.get("size").asText())), "one level per price");
            }
        }
        return sides;
    }

    // ================================================================ Kalshi

    @Test
    void kalshiRefusesAnUnsignedHandshakeAndAcceptsASignedOne() throws Exception {
        long failures = sim.kalshiAuthFailures();
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> connect(sim.kalshiWsUrl(), Map.of()));
        assertTrue(refused.getCause() instanceof WebSocketHandshakeException, refused.toString());
        assertEquals(401, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
        assertEquals(failures + 1, sim.kalshiAuthFailures());

        Client client = connect(sim.kalshiWsUrl(), signedHeaders());
        assertNotNull(client.socket);
        assertEquals(failures + 1, sim.kalshiAuthFailures());
    }

    @Test
    void kalshiOrderbookChannelMatchesRealCapturesAndRebuildsTheTrueBooks() throws Exception {
        List<String> frames = Fixtures.lines("kalshi", "testcode-embedded__demo_capture_2026-08-27_frames.jsonl");
        JsonNode realSnapshot = JSON.readTree(frames.get(1));
        JsonNode realDelta = JSON.readTree(frames.get(2));
        JsonNode realOk = JSON.readTree(frames.get(4));
        assertEquals("orderbook_snapshot", realSnapshot.get("type").asText());
        assertEquals("orderbook_delta", realDelta.get("type").asText());
        assertEquals("ok", realOk.get("type").asText());
        List<String> tickers = sim.markets(Venue.KALSHI);
        String t1 = tickers.get(0);
        String t2 = tickers.get(1);
        String t3 = tickers.get(2);

        Client client = connect(sim.kalshiWsUrl(), signedHeaders());
        client.send("{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],"
                + "\"market_tickers\":[\"" + t1 + "\",\"" + t2 + "\"]}}");
        assertEquals(JSON.readTree("{\"type\":\"subscribed\",\"id\":1,\"msg\":{\"channel\":\"orderbook_delta\",\"sid\":1}}"),
                JSON.readTree(client.next(WAIT)));

        KalshiFollower follower = new KalshiFollower(realSnapshot, realDelta, realOk);
        for (int seq = 1; seq <= 2; seq++) {
            JsonNode snapshot = JSON.readTree(client.next(WAIT));
            assertEquals("orderbook_snapshot", snapshot.path("type").asText(), snapshot.toString());
            assertEquals(seq, snapshot.get("seq").asLong());
            follower.apply(snapshot);
        }
        assertEquals(Set.of(t1, t2), follower.books.keySet());

        // Deltas continue the same counter, no gaps.
        follower.until(client, f -> follower.deltas >= 40, "40 deltas");

        // Quiet: snapshot + deltas, normalized, equal the true books.
        sim.pause();
        Map<String, BookSnapshot> truth = new HashMap<>();
        for (String t : List.of(t1, t2)) {
            truth.put(t, sim.trueBook(Venue.KALSHI, t));
        }
        awaitEqual(client, () -> truth.entrySet().stream()
                        .allMatch(e -> normalized(e.getValue()).equals(follower.normalized(e.getKey()))),
                frame -> {
                    follower.apply(JSON.readTree(frame));
                    return 0;
                }, () -> "rebuilt " + truth.keySet().stream().map(follower::normalized).toList() + " vs truth "
                        + truth.keySet().stream().map(t -> normalized(truth.get(t))).toList());
        sim.resume();

        // add_markets: an ok that spends a seq, then a snapshot of the added market, on the same sid.
        client.send("{\"id\":2,\"cmd\":\"update_subscription\",\"params\":{\"sids\":[1],\"action\":\"add_markets\","
                + "\"market_tickers\":[\"" + t3 + "\"]}}");
        JsonNode ok = follower.until(client, f -> f.path("type").asText().equals("ok"), "ok for update_subscription");
        assertEquals(2, ok.get("id").asLong());
        assertEquals(1, ok.get("sid").asLong());
        List<String> listed = new ArrayList<>();
        ok.get("msg").get("market_tickers").forEach(t -> listed.add(t.asText()));
        assertTrue(listed.contains(t3), ok.toString());
        JsonNode added = JSON.readTree(client.next(WAIT));
        assertEquals("orderbook_snapshot", added.path("type").asText(), added.toString());
        assertEquals(t3, added.get("msg").get("market_ticker").asText());
        assertEquals(ok.get("seq").asLong() + 1, added.get("seq").asLong(), "the snapshot follows the ok's seq");
        follower.apply(added);
        long deltas = follower.deltas;
        follower.until(client, f -> follower.deltas >= deltas + 10, "deltas after add_markets");

        // A sequence gap: the next delta's seq skips exactly one.
        assertEquals(1, sim.injectSequenceGap());
        follower.expectGap = true;
        follower.until(client, f -> !follower.expectGap, "a delta whose seq skips one");
        follower.until(client, f -> f.has("seq"), "the counter continuing after the gap");

        // Unsubscribe: answered, and sid 1 goes quiet.
        client.send("{\"id\":3,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[1]}}");
        JsonNode unsubscribed = follower.until(client, f -> f.path("type").asText().equals("unsubscribed"), "unsubscribed");
        assertEquals(3, unsubscribed.get("id").asLong());
        assertEquals(1, unsubscribed.get("sid").asLong());
        assertNull(client.poll(Duration.ofMillis(1000)), "nothing on sid 1 after unsubscribed");
    }

    /** Follows one orderbook_delta subscription (sid 1): checks shapes and seq, keeps the books. */
    private static final class KalshiFollower {
        final JsonNode realSnapshot;
        final JsonNode realDelta;
        final JsonNode realOk;
        final Map<String, TreeMap<Long, Long>[]> books = new HashMap<>();
        long lastSeq;
        long deltas;
        boolean expectGap;
        boolean booksMissChanges;

        KalshiFollower(JsonNode realSnapshot, JsonNode realDelta, JsonNode realOk) {
            this.realSnapshot = realSnapshot;
            this.realDelta = realDelta;
            this.realOk = realOk;
        }

        JsonNode until(Client client, Predicate<JsonNode> done, String what) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String text = client.poll(Duration.ofNanos(Math.max(0, left)));
                assertNotNull(text, what + " within " + WAIT);
                JsonNode frame = JSON.readTree(text);
                apply(frame);
                if (done.test(frame)) {
                    return frame;
                }
            }
        }

        @SuppressWarnings("unchecked")
        void apply(JsonNode frame) {
            String type = frame.path("type").asText();
            if (frame.has("seq")) {
                assertEquals(1, frame.get("sid").asLong(), frame.toString());
                long seq = frame.get("seq").asLong();
                if (expectGap && seq == lastSeq + 2) {
                    assertEquals("orderbook_delta", type, "the gap is a delta never sent: " + frame);
                    expectGap = false;
                    // The skipped change is missing from these books now, as from any real client's after a gap.
                    booksMissChanges = true;
                } else {
                    assertEquals(lastSeq + 1, seq, "seq continues by one: " + frame);
                }
                lastSeq = seq;
            }
            switch (type) {
                case "orderbook_snapshot" -> {
                    assertEquals(keys(realSnapshot), keys(frame), "snapshot keys: " + frame);
                    assertEquals(keys(realSnapshot.get("msg")), keys(frame.get("msg")), "snapshot msg keys: " + frame);
                    assertSameKinds(realSnapshot, frame);
                    assertSameKinds(realSnapshot.get("msg"), frame.get("msg"));
                    TreeMap<Long, Long>[] book = new TreeMap[] {new TreeMap<Long, Long>(), new TreeMap<Long, Long>()};
                    String[] sides = {"yes_dollars_fp", "no_dollars_fp"};
                    for (int s = 0; s < 2; s++) {
                        long previous = Long.MIN_VALUE;
                        for (JsonNode level : frame.get("msg").get(sides[s])) {
                            assertEquals(2, level.size(), level.toString());
                            assertTrue(KALSHI_PRICE.matcher(level.get(0).asText()).matches(), level.toString());
                            assertTrue(KALSHI_COUNT.matcher(level.get(1).asText()).matches(), level.toString());
                            long price = Decimals.parse(level.get(0).asText());
                            assertTrue(price > previous, "prices ascend: " + frame);
                            previous = price;
                            long size = Decimals.parse(level.get(1).asText());
                            assertTrue(size > 0, level.toString());
                            book[s].put(price, size);
                        }
                    }
                    books.put(frame.get("msg").get("market_ticker").asText(), book);
                }
                case "orderbook_delta" -> {
                    assertEquals(keys(realDelta), keys(frame), "delta keys: " + frame);
                    assertSameKinds(realDelta, frame);
                    Set<String> expected = keys(realDelta.get("msg"));
                    expected.remove("client_order_id");
                    Set<String> actual = keys(frame.get("msg"));
                    actual.remove("client_order_id");
                    assertEquals(expected, actual, "delta msg keys: " + frame);
                    assertSameKinds(realDelta.get("msg"), frame.get("msg"));
                    JsonNode msg = frame.get("msg");
                    assertTrue(KALSHI_PRICE.matcher(msg.get("price_dollars").asText()).matches(), msg.toString());
                    assertTrue(KALSHI_COUNT.matcher(msg.get("delta_fp").asText()).matches(), msg.toString());
                    TreeMap<Long, Long>[] book = books.get(msg.get("market_ticker").asText());
                    assertNotNull(book, "a delta only for a snapshotted market: " + frame);
                    String side = msg.get("side").asText();
                    assertTrue(side.equals("yes") || side.equals("no"), side);
                    TreeMap<Long, Long> levels = book[side.equals("yes") ? 0 : 1];
                    long price = Decimals.parse(msg.get("price_dollars").asText());
                    long size = Decimals.add(levels.getOrDefault(price, 0L), Decimals.parse(msg.get("delta_fp").asText()));
                    assertTrue(size >= 0 || booksMissChanges, "a delta never takes a level below zero: " + frame);
                    if (size == 0) {
                        levels.remove(price);
                    } else {
                        levels.put(price, size);
                    }
                    deltas++;
                }
                case "ok" -> {
                    assertEquals(keys(realOk), keys(frame), "ok keys: " + frame);
                    assertSameKinds(realOk, frame);
                }
                case "unsubscribed" -> {
                }
                default -> fail("unexpected Kalshi frame on an orderbook_delta subscription: " + frame);
            }
        }

        /** YES bids as bids; NO bids at p as asks at 1 - p; both best first. */
        List<List<PriceLevel>> normalized(String ticker) {
            TreeMap<Long, Long>[] book = books.get(ticker);
            TreeMap<Long, Long>[] sides = new TreeMap[] {book[0], new TreeMap<Long, Long>()};
            book[1].forEach((price, size) -> sides[1].put(Decimals.subtract(Decimals.ONE, price), size));
            return levels(sides);
        }
    }

    // ================================================================ REST

    @Test
    void polymarketGammaPagesThroughEveryMarketWithTokenIdsAsAJsonString() throws Exception {
        List<String> tokens = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int offset = 0; offset < 2; offset++) {
            JsonNode page = getJson(sim.polymarketRestUrl() + "/markets?active=true&closed=false&limit=1&offset=" + offset);
            assertTrue(page.isArray(), page.toString());
            assertEquals(1, page.size(), page.toString());
            JsonNode market = page.get(0);
            assertTrue(ids.add(market.get("id").asText()), "each market once");
            assertTrue(market.get("clobTokenIds").isTextual(), "clobTokenIds is a JSON-encoded string: " + market);
            JsonNode ids2 = JSON.readTree(market.get("clobTokenIds").asText());
            assertEquals(2, ids2.size());
            ids2.forEach(id -> tokens.add(id.asText()));
        }
        assertEquals(sim.markets(Venue.POLYMARKET), tokens);
        JsonNode past = getJson(sim.polymarketRestUrl() + "/markets?active=true&closed=false&limit=1&offset=2");
        assertTrue(past.isArray() && past.isEmpty(), past.toString());
    }

    @Test
    void kalshiMarketsPageWithACursorUntilItIsEmpty() throws Exception {
        List<String> tickers = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = getJson(sim.kalshiRestUrl() + "/markets?status=open&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("markets").forEach(m -> tickers.add(m.get("ticker").asText()));
            assertTrue(page.get("markets").size() <= 2, page.toString());
            cursor = page.get("cursor").asText();
            pages++;
            assertTrue(pages <= 3, "paging ends");
        } while (!cursor.isEmpty());
        assertEquals(2, pages);
        assertEquals(sim.markets(Venue.KALSHI), tickers, "every ticker once");
    }

    // ================================================================ Binance

    @Test
    void binanceCombinedStreamUrlSubscribesTheStreamsItNamesEachPayloadWrappedUnderTheNameAsked() throws Exception {
        String base = sim.wsUrl(Venue.BINANCE); // ws://host:port/binance/ws
        String url = base.substring(0, base.length() - "ws".length())
                + "stream?streams=btcusdt@depth/ethusdt@depth@100ms/btcusdt@bookTicker";
        Client client = connect(url, Map.of());
        Set<String> streams = new TreeSet<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (streams.size() < 3 && System.nanoTime() < deadline) {
            String frame = client.poll(Duration.ofMillis(100));
            if (frame == null) {
                continue;
            }
            JsonNode wrapped = JSON.readTree(frame);
            String stream = wrapped.path("stream").asText();
            JsonNode data = wrapped.path("data");
            streams.add(stream);
            switch (stream) {
                case "btcusdt@depth", "ethusdt@depth@100ms" -> {
                    assertEquals("depthUpdate", data.path("e").asText(), frame);
                    assertEquals(stream.startsWith("btc") ? "BTCUSDT" : "ETHUSDT", data.path("s").asText(), frame);
                }
                case "btcusdt@bookTicker" -> assertEquals("BTCUSDT", data.path("s").asText(), frame);
                default -> fail("a stream the URL did not name: " + frame);
            }
        }
        assertEquals(Set.of("btcusdt@bookTicker", "btcusdt@depth", "ethusdt@depth@100ms"), streams);
    }

    // ================================================================ faults

    @Test
    void droppedConnectionsAreClosedOnTheClient() throws Exception {
        Client poly = connect(sim.polymarketWsUrl(), Map.of());
        Client kalshi = connect(sim.kalshiWsUrl(), signedHeaders());
        poly.send("PING");
        assertEquals("PONG", poly.next(WAIT));
        assertEquals(1, sim.dropConnections(Venue.POLYMARKET));
        assertEquals(1, sim.dropConnections(Venue.KALSHI));
        poly.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        kalshi.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void stalledFeedsSendNothingMoreNotEvenAnswersWhileTheSocketStaysOpen() throws Exception {
        String token = sim.markets(Venue.POLYMARKET).get(0);
        Client poly = connect(sim.polymarketWsUrl(), Map.of());
        poly.send("{\"assets_ids\":[\"" + token + "\"],\"type\":\"market\",\"custom_feature_enabled\":true}");
        assertTrue(JSON.readTree(poly.next(WAIT)).isArray(), "the initial dump arrives while the feed is live");
        Client kalshi = connect(sim.kalshiWsUrl(), signedHeaders());
        kalshi.send("{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":[\""
                + sim.markets(Venue.KALSHI).get(0) + "\"]}}");
        assertEquals("subscribed", JSON.readTree(kalshi.next(WAIT)).path("type").asText());

        assertEquals(1, sim.stallFeeds(Venue.POLYMARKET));
        assertEquals(1, sim.stallFeeds(Venue.KALSHI));
        long stalledAt = System.currentTimeMillis();
        poly.send("PING");
        kalshi.send("{\"id\":2,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[1]}}");

        // Frames already on their way when the stall began may still land; nothing made after it may.
        long deadline = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < deadline) {
            String frame = poly.poll(Duration.ofMillis(50));
            if (frame != null) {
                assertNotEquals("PONG", frame, "a stalled feed answers nothing");
                JsonNode node = JSON.readTree(frame);
                for (JsonNode event : node.isArray() ? node : JSON.createArrayNode().add(node)) {
                    assertTrue(Long.parseLong(event.get("timestamp").asText()) <= stalledAt,
                            "a frame made after the stall: " + frame);
                }
            }
            frame = kalshi.poll(Duration.ofMillis(50));
            if (frame != null) {
                JsonNode node = JSON.readTree(frame);
                assertNotEquals("unsubscribed", node.path("type").asText(), "a stalled feed answers nothing");
                assertTrue(node.path("msg").path("ts_ms").asLong() <= stalledAt, "a frame made after the stall: " + frame);
            }
        }
        assertFalse(poly.closed.isDone(), "a stalled socket stays open");
        assertFalse(kalshi.closed.isDone(), "a stalled socket stays open");
    }

    // ================================================================ helpers

    private Map<String, String> signedHeaders() {
        return new KalshiSigner(KEY_ID, keys.getPrivate()).headers(System.currentTimeMillis(), "GET", "/trade-api/ws/v2");
    }

    private JsonNode getJson(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private Client connect(String url, Map<String, String> headers) throws Exception {
        Client client = new Client();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        try {
            client.socket = builder.buildAsync(URI.create(url), client).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            clients.add(client);
        }
        return client;
    }

    /** Feeds frames to {@code apply} until {@code equal} holds, for at most {@link #WAIT}. */
    private static void awaitEqual(Client client, ThrowingCheck equal, ThrowingApply apply, java.util.function.Supplier<String> why)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!equal.test()) {
            long left = deadline - System.nanoTime();
            String frame = left > 0 ? client.poll(Duration.ofNanos(left)) : null;
            if (frame == null) {
                fail("the rebuilt books never equalled the true books within " + WAIT + ": " + why.get());
            }
            apply.apply(frame);
        }
    }

    private interface ThrowingCheck {
        boolean test() throws Exception;
    }

    private interface ThrowingApply {
        int apply(String frame) throws Exception;
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** Every field both carry has the same JSON kind (string, number, array, object) in both. */
    private static void assertSameKinds(JsonNode real, JsonNode simulated) {
        for (Iterator<String> it = real.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (simulated.has(key)) {
                assertEquals(real.get(key).getNodeType(), simulated.get(key).getNodeType(),
                        "kind of \"" + key + "\": real " + real.get(key) + ", simulated " + simulated.get(key));
            }
        }
    }

    /** Bids and asks of a book held as price → size, best first. */
    private static List<List<PriceLevel>> levels(TreeMap<Long, Long>[] book) {
        List<PriceLevel> bids = new ArrayList<>();
        book[0].descendingMap().forEach((p, s) -> bids.add(new PriceLevel(p, s)));
        List<PriceLevel> asks = new ArrayList<>();
        book[1].forEach((p, s) -> asks.add(new PriceLevel(p, s)));
        return List.of(bids, asks);
    }

    private static List<List<PriceLevel>> normalized(BookSnapshot book) {
        assertTrue(book.bids().stream().map(PriceLevel::price).sorted(Comparator.reverseOrder()).toList()
                .equals(book.bids().stream().map(PriceLevel::price).toList()), "true bids best first");
        return List.of(book.bids(), book.asks());
    }

    /** A JDK WebSocket client collecting whole text frames. */
    private static final class Client implements WebSocket.Listener {
        final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        volatile WebSocket socket;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete("closed " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }

        void send(String text) throws Exception {
            socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        String poll(Duration timeout) throws InterruptedException {
            return frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        String next(Duration timeout) throws InterruptedException {
            String frame = poll(timeout);
            assertNotNull(frame, "a frame within " + timeout);
            return frame;
        }

        void abort() {
            if (socket != null) {
                socket.abort();
            }
        }
    }
}

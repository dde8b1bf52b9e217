package io.marketmesh.node.venue.polymarket;

import io.marketmesh.node.testkit.RecordingOutput;
import static io.marketmesh.node.venue.polymarket.PolymarketTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketStatus;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.StatusUpdate;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import io.marketmesh.protocol.Venue;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Frames of the real captures in shared/fixtures/venues/polymarket turned into protocol events. */
class PolymarketSessionParsingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PolymarketSession session = new PolymarketSession(settings(100));
    private final RecordingOutput out = new RecordingOutput();

    private void subscribe(String... assets) {
        session.subscribe(List.of(assets), out);
        out.clear();
    }

    private void feed(String frame) {
        session.onText(frame, RECEIVED_AT, out);
    }

    /** Subscribed and holding a book, so that price_change is applied. */
    private void ready(String... assets) {
        subscribe(assets);
        for (String a : assets) {
            feed(emptyBook(a));
        }
        out.clear();
    }

    private static MarketKey key(String asset) {
        return new MarketKey(Venue.POLYMARKET, asset);
    }

    @Test
    void everyCapturedFileIsCoveredByATestHere() {
        Set<String> covered = Set.of(BOOK, REST_BOOK, PRICE_CHANGE_V2, PRICE_CHANGE_LEGACY, LAST_TRADE, TICK_SIZE,
                BEST_BID_ASK, NEW_MARKET, RESOLVED, USER_TRADE);
        Set<String> present = Fixtures.all(VENUE).stream().map(Path::getFileName).map(Path::toString)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(covered), present, "a capture was added or removed: cover it here");
    }

    @Test
    void bookSnapshotComesBestFirstWithEveryLevel() {
        subscribe(BOOK_ASSET);
        feed(fixture(BOOK));

        BookSnapshot book = out.only(BookSnapshot.class);
        assertEquals(key(BOOK_ASSET), book.market());
        assertEquals(76, book.bids().size());
        assertEquals(86, book.asks().size());
        // The capture lists levels worst→best; best must come first here.
        assertEquals(new PriceLevel(d("0.511"), d("1304.72")), book.bids().get(0));
        assertEquals(new PriceLevel(d("0.51"), d("12848.17")), book.bids().get(1));
        assertEquals(new PriceLevel(d("0.001"), d("9000023.58")), book.bids().get(75));
        assertEquals(new PriceLevel(d("0.514"), d("20230.87")), book.asks().get(0));
        assertEquals(new PriceLevel(d("0.515"), d("43551.96")), book.asks().get(1));
        assertEquals(new PriceLevel(d("0.999"), d("10500100")), book.asks().get(85));
        assertStrictlySorted(book.bids(), true);
        assertStrictlySorted(book.asks(), false);
        assertEquals(0, book.venueSequence());
        assertEquals(1728799418260L, book.venueTimestamp());
        assertEquals(RECEIVED_AT, book.receivedAt());
        assertTrue(out.badFrames.isEmpty());
    }

    @Test
    void restBookWithoutEventTypeIsASnapshot() {
        subscribe(REST_BOOK_ASSET);
        feed(fixture(REST_BOOK));

        BookSnapshot book = out.only(BookSnapshot.class);
        assertEquals(key(REST_BOOK_ASSET), book.market());
        assertEquals(List.of(new PriceLevel(d("0.1"), d("125")), new PriceLevel(d("0.09"), d("294")),
                new PriceLevel(d("0.08"), d("120")), new PriceLevel(d("0.06"), d("200")),
                new PriceLevel(d("0.01"), d("1000"))), book.bids());
        assertEquals(7, book.asks().size());
        assertEquals(new PriceLevel(d("0.14"), d("705")), book.asks().get(0));
        assertEquals(new PriceLevel(d("0.38"), d("192.3")), book.asks().get(2));
        assertEquals(new PriceLevel(d("0.98"), d("5000")), book.asks().get(6));
        assertEquals(1728799418260L, book.venueTimestamp());
    }

    @Test
    void bookLevelsInAnyOrderAreSortedAndZeroSizesDropped() throws Exception {
        ObjectNode book = (ObjectNode) JSON.readTree(fixture(BOOK));
        ArrayNode bids = (ArrayNode) book.get("bids");
        ArrayNode reversed = JSON.createArrayNode();
        for (int i = bids.size() - 1; i >= 0; i--) {
            reversed.add(bids.get(i));
        }
        reversed.addObject().put("price", "0.205").put("size", "0");
        // A price sent twice keeps its later size, as an update in wire order would.
        reversed.insert(0, JSON.createObjectNode().put("price", "0.2").put("size", "1"));
        book.set("bids", reversed);
        // asset_id after the levels, as the capture itself has it, is covered; here it moves to the end as well.
        book.remove("asset_id");
        book.put("asset_id", BOOK_ASSET);
        subscribe(BOOK_ASSET);
        feed(JSON.writeValueAsString(book));

        BookSnapshot snapshot = out.only(BookSnapshot.class);
        assertEquals(76, snapshot.bids().size(), "the zero-size level is dropped");
        assertEquals(d("0.511"), snapshot.bids().get(0).price());
        assertTrue(snapshot.bids().stream().noneMatch(l -> l.price() == d("0.205")));
        assertEquals(List.of(d("11171.35")),
                snapshot.bids().stream().filter(l -> l.price() == d("0.2")).map(PriceLevel::size).toList());
        assertStrictlySorted(snapshot.bids(), true);
    }

    /** The docs' field table names a book's sides {@code buys}/{@code sells} (its example says bids/asks). */
    @Test
    void bookWithTheDocumentedBuysAndSellsFieldsIsTheSameBook() {
        subscribe(BOOK_ASSET);
        feed("{\"event_type\":\"book\",\"asset_id\":\"" + BOOK_ASSET + "\",\"market\":\"0xbd31\","
                + "\"buys\":[{\"price\":\".48\",\"size\":\"30\"},{\"price\":\".50\",\"size\":\"15\"}],"
                + "\"sells\":[{\"price\":\".52\",\"size\":\"25\"}],\"timestamp\":\"123456789000\",\"hash\":\"0x0\"}");
        feed("[{\"asset_id\":\"" + BOOK_ASSET + "\",\"buys\":[{\"price\":\"0.4\",\"size\":\"1\"}],\"sells\":[]}]");

        List<BookSnapshot> books = out.events(BookSnapshot.class);
        assertEquals(2, books.size());
        assertEquals(List.of(new PriceLevel(d("0.5"), d("15")), new PriceLevel(d("0.48"), d("30"))), books.get(0).bids());
        assertEquals(List.of(new PriceLevel(d("0.52"), d("25"))), books.get(0).asks());
        assertEquals(List.of(new PriceLevel(d("0.4"), d("1"))), books.get(1).bids(), "no event_type: a book by its sides");
        assertEquals(List.of(), books.get(1).asks());
        assertTrue(out.badFrames.isEmpty());
    }

    @Test
    void currentPriceChangeIsOneAbsoluteDeltaWithTheVenuesTopOfBook() {
        ready(V2_ASSET);
        feed(fixture(PRICE_CHANGE_V2));

        BookDelta delta = out.only(BookDelta.class);
        assertEquals(key(V2_ASSET), delta.market());
        assertEquals(BookDelta.Mode.ABSOLUTE, delta.mode());
        assertEquals(List.of(new LevelUpdate(Side.BID, d("0.6"), d("3300")),
                new LevelUpdate(Side.BID, d("0.5"), d("3400")),
                new LevelUpdate(Side.BID, d("0.7"), d("3400"))), delta.updates());
        assertEquals(d("0.6"), claimedBid(delta));
        assertEquals(d("0.7"), claimedAsk(delta));
        assertEquals(1729084877448L, delta.venueTimestamp());
        assertEquals(RECEIVED_AT, delta.receivedAt());
        assertEquals(0, delta.venueSequence());
    }

    @Test
    void priceChangeForTwoTokensGivesOneDeltaPerTokenWithItsLastItemsExpectation() throws Exception {
        String other = NVDA_YES;
        ObjectNode frame = (ObjectNode) JSON.readTree(fixture(PRICE_CHANGE_V2));
        ArrayNode items = (ArrayNode) frame.get("price_changes");
        // Interleave: A, B, A, B(foreign) , A — as one message carries both outcome tokens of a market.
        ObjectNode b = ((ObjectNode) items.get(0).deepCopy()).put("asset_id", other).put("side", "SELL").put("price", "0.45")
                .put("size", "0").put("best_bid", "0.39").put("best_ask", "0.46");
        ObjectNode foreign = ((ObjectNode) items.get(0).deepCopy()).put("asset_id", "999");
        items.insert(1, b);
        items.insert(3, foreign);
        ready(V2_ASSET, other);
        feed(JSON.writeValueAsString(frame));

        List<BookDelta> deltas = out.events(BookDelta.class);
        assertEquals(2, deltas.size(), out.events.toString());
        BookDelta first = deltas.get(0);
        assertEquals(key(V2_ASSET), first.market());
        assertEquals(List.of(d("0.6"), d("0.5"), d("0.7")),
                first.updates().stream().map(LevelUpdate::price).toList());
        assertEquals(d("0.6"), claimedBid(first));
        assertEquals(d("0.7"), claimedAsk(first));
        BookDelta second = deltas.get(1);
        assertEquals(key(other), second.market());
        assertEquals(List.of(new LevelUpdate(Side.ASK, d("0.45"), 0)), second.updates());
        assertEquals(d("0.39"), claimedBid(second));
        assertEquals(d("0.46"), claimedAsk(second));
    }

    @Test
    void emptySidesInTheVenuesTopOfBookAreZeroAndAnAbsentOneIsNoClaim() throws Exception {
        ready(V2_ASSET);
        String[][] cases = {
            // best_bid, best_ask, expected bid, expected ask (null = field absent, "NONE" = no claim)
            {"0", "1", "0", "0"},
            {"", "", "0", "0"},
            {"0.59", "0", "0.59", "0"},
            {null, null, "NONE", "NONE"},
        };
        for (String[] c : cases) {
            ObjectNode frame = (ObjectNode) JSON.readTree(fixture(PRICE_CHANGE_V2));
            for (var item : frame.get("price_changes")) {
                ObjectNode o = (ObjectNode) item;
                if (c[0] == null) {
                    o.remove("best_bid");
                    o.remove("best_ask");
                } else {
                    o.put("best_bid", c[0]).put("best_ask", c[1]);
                }
            }
            out.clear();
            feed(JSON.writeValueAsString(frame));
            BookDelta delta = out.only(BookDelta.class);
            assertEquals(c[2].equals("NONE") ? Decimals.NONE : d(c[2]), claimedBid(delta), String.join(",", c[0] + "/" + c[1]));
            assertEquals(c[3].equals("NONE") ? Decimals.NONE : d(c[3]), claimedAsk(delta), String.join(",", c[0] + "/" + c[1]));
        }
    }

    @Test
    void legacyPriceChangeIsASingleLevelDeltaWithoutExpectation() {
        ready(BOOK_ASSET);
        feed(fixture(PRICE_CHANGE_LEGACY));

        BookDelta delta = out.only(BookDelta.class);
        assertEquals(key(BOOK_ASSET), delta.market());
        assertEquals(BookDelta.Mode.ABSOLUTE, delta.mode());
        assertEquals(List.of(new LevelUpdate(Side.ASK, d("0.514"), d("21574.08"))), delta.updates());
        assertNull(delta.claim());
        assertEquals(1723967931411L, delta.venueTimestamp());
    }

    @Test
    void olderLegacyChangesArrayIsOneDeltaInWireOrder() throws Exception {
        ObjectNode frame = (ObjectNode) JSON.readTree(fixture(PRICE_CHANGE_LEGACY));
        frame.remove(List.of("price", "side", "size"));
        ArrayNode changes = frame.putArray("changes");
        changes.addObject().put("price", "0.514").put("side", "SELL").put("size", "21574.08");
        changes.addObject().put("price", "0.49").put("side", "BUY").put("size", "0");
        ready(BOOK_ASSET);
        feed(JSON.writeValueAsString(frame));

        BookDelta delta = out.only(BookDelta.class);
        assertEquals(List.of(new LevelUpdate(Side.ASK, d("0.514"), d("21574.08")),
                new LevelUpdate(Side.BID, d("0.49"), 0)), delta.updates());
        assertNull(delta.claim());
    }

    @Test
    void priceChangeBeforeTheTokensFirstBookIsDropped() {
        subscribe(V2_ASSET);
        feed(fixture(PRICE_CHANGE_V2));
        assertTrue(out.events.isEmpty());
        assertTrue(out.badFrames.isEmpty(), "not an error: the book is on its way");
        assertEquals(1, session.droppedAwaitingBook());

        feed(emptyBook(V2_ASSET));
        feed(fixture(PRICE_CHANGE_V2));
        assertEquals(1, out.events(BookDelta.class).size());
    }

    @Test
    void lastTradePriceIsATradeWithTheTakersSide() {
        subscribe(TRADE_ASSET);
        feed(fixture(LAST_TRADE));

        Trade trade = out.only(Trade.class);
        assertEquals(key(TRADE_ASSET), trade.market());
        assertEquals(d("0.491"), trade.price());
        assertEquals(new java.math.BigDecimal("85.36"), trade.size());
        assertEquals(Side.ASK, trade.aggressor(), "SELL = the taker sold");
        assertNull(trade.tradeId(), "the capture carries no hash");
        assertEquals(1724564136087L, trade.venueTimestamp());
        assertEquals(RECEIVED_AT, trade.receivedAt());
    }

    @Test
    void lastTradePriceWithAHashUsesItAsTradeId() throws Exception {
        ObjectNode frame = (ObjectNode) JSON.readTree(fixture(LAST_TRADE));
        frame.put("side", "buy").put("hash", "0xabc"); // side in lower case is read too
        subscribe(TRADE_ASSET);
        feed(JSON.writeValueAsString(frame));

        Trade trade = out.only(Trade.class);
        assertEquals("0xabc", trade.tradeId());
        assertEquals(Side.BID, trade.aggressor());
    }

    @Test
    void tickSizeChangeResetsTheBookAndResubscribesTheToken() throws Exception {
        ready(TICK_ASSET);
        feed(fixture(TICK_SIZE));

        BookReset reset = out.only(BookReset.class);
        assertEquals(key(TICK_ASSET), reset.market());
        assertEquals("tick size change 0.01→0.001", reset.reason());
        assertEquals(1739068041853L, reset.venueTimestamp());
        assertEquals(2, out.sent.size());
        assertEquals(JSON.readTree("{\"assets_ids\":[\"" + TICK_ASSET + "\"],\"operation\":\"unsubscribe\"}"),
                JSON.readTree(out.sent.get(0)));
        assertEquals(JSON.readTree("{\"assets_ids\":[\"" + TICK_ASSET
                + "\"],\"operation\":\"subscribe\",\"initial_dump\":true,\"custom_feature_enabled\":true}"), JSON.readTree(out.sent.get(1)));

        // Until the fresh book, changes at the old tick are not applied.
        out.clear();
        String change = "{\"event_type\":\"price_change\",\"market\":\"0xbacd\",\"timestamp\":\"1739068041900\","
                + "\"price_changes\":[{\"asset_id\":\"" + TICK_ASSET + "\",\"price\":\"0.55\",\"side\":\"BUY\","
                + "\"size\":\"10\",\"best_bid\":\"0.55\",\"best_ask\":\"0.56\"}]}";
        feed(change);
        assertTrue(out.events.isEmpty());
        feed(emptyBook(TICK_ASSET));
        feed(change);
        assertEquals(1, out.events(BookSnapshot.class).size());
        assertEquals(1, out.events(BookDelta.class).size());
    }

    @Test
    void bestBidAskIsATickerWithOnlyTopOfBook() {
        subscribe(BBA_ASSET);
        feed(fixture(BEST_BID_ASK));

        Ticker ticker = out.only(Ticker.class);
        assertEquals(key(BBA_ASSET), ticker.market());
        assertEquals(d("0.73"), ticker.bestBid());
        assertEquals(d("0.77"), ticker.bestAsk());
        assertNull(ticker.bestBidSize());
        assertNull(ticker.bestAskSize());
        assertEquals(Decimals.NONE, ticker.lastPrice());
        assertNull(ticker.volume());
        assertNull(ticker.openInterest());
        assertEquals(1766789469958L, ticker.venueTimestamp());
    }

    @Test
    void marketResolvedSettlesEachSubscribedToken() {
        subscribe(NVDA_YES, NVDA_NO);
        feed(fixture(RESOLVED));

        List<StatusUpdate> updates = out.events(StatusUpdate.class);
        assertEquals(List.of(key(NVDA_YES), key(NVDA_NO)), updates.stream().map(StatusUpdate::market).toList());
        for (StatusUpdate u : updates) {
            assertEquals(MarketStatus.SETTLED, u.status());
            assertEquals("resolved: winning outcome Yes", u.detail());
            assertEquals(1766790415550L, u.venueTimestamp());
        }
    }

    @Test
    void newMarketActivatesEachSubscribedToken() {
        subscribe(NVDA_NO);
        feed(fixture(NEW_MARKET));

        StatusUpdate update = out.only(StatusUpdate.class);
        assertEquals(key(NVDA_NO), update.market(), "the YES token is not subscribed on this socket");
        assertEquals(MarketStatus.ACTIVE, update.status());
        assertEquals(1766790415550L, update.venueTimestamp());
    }

    @Test
    void privateUserTradeIsNotAMarketEventButABadFrame() {
        subscribe(TRADE_ASSET); // the asset of the user trade: still not a market-channel message
        feed(fixture(USER_TRADE));

        assertTrue(out.events.isEmpty());
        assertEquals(1, out.badFrames.size());
        assertTrue(out.badFrameReasons().get(0).contains("without event_type"), out.badFrameReasons().get(0));
        assertTrue(out.stale.isEmpty());
        assertTrue(out.sent.isEmpty());
    }

    @Test
    void framesOfOtherTokensAreIgnoredSilently() {
        subscribe(NVDA_YES);
        for (String file : List.of(BOOK, REST_BOOK, PRICE_CHANGE_V2, PRICE_CHANGE_LEGACY, LAST_TRADE, TICK_SIZE,
                BEST_BID_ASK)) {
            feed(fixture(file));
        }
        assertTrue(out.events.isEmpty(), out.events.toString());
        assertTrue(out.badFrames.isEmpty(), out.badFrames.toString());
        assertTrue(out.sent.isEmpty(), "no resync for a token this socket does not carry");
    }

    @Test
    void arrayFrameYieldsEachObjectsEventsInOrder() {
        ready(V2_ASSET);
        subscribe(BOOK_ASSET, TRADE_ASSET);
        feed("[" + fixture(BOOK) + "," + fixture(LAST_TRADE) + "," + fixture(PRICE_CHANGE_V2) + "]");

        assertEquals(3, out.events.size(), out.events + " " + out.badFrames);
        assertTrue(out.events.get(0) instanceof BookSnapshot);
        assertTrue(out.events.get(1) instanceof Trade);
        assertTrue(out.events.get(2) instanceof BookDelta);
        assertTrue(out.badFrames.isEmpty());
    }

    @Test
    void pongAndPingAreLivenessOnly() {
        subscribe(BOOK_ASSET);
        for (String frame : List.of("PONG", "PING", "PONG\n", " pong ")) {
            feed(frame);
        }
        assertTrue(out.events.isEmpty());
        assertTrue(out.badFrames.isEmpty());
        assertTrue(out.venueErrors.isEmpty());
        assertTrue(out.sent.isEmpty());
    }

    @Test
    void malformedFrameIsReportedAndTheNextFrameStillWorks() {
        subscribe(BOOK_ASSET);
        String book = fixture(BOOK);
        feed(book.substring(0, book.length() / 2));
        feed("not json at all");
        feed("");
        feed("42");
        assertEquals(4, out.badFrames.size(), out.badFrames.toString());
        assertTrue(out.events.isEmpty());

        feed(book);
        assertEquals(76, out.only(BookSnapshot.class).bids().size());
    }

    @Test
    void unknownEventTypeIsReportedAndTheRestOfTheArrayStillWorks() {
        subscribe(TRADE_ASSET);
        feed("[{\"event_type\":\"mystery\",\"asset_id\":\"" + TRADE_ASSET + "\"}," + fixture(LAST_TRADE) + "]");

        assertEquals(List.of("unknown event_type mystery"), out.badFrameReasons());
        assertEquals(d("0.491"), out.only(Trade.class).price());
    }

    @Test
    void badDecimalRejectsTheWholeMessageAndResyncsItsTokens() throws Exception {
        String other = NVDA_YES;
        ObjectNode frame = (ObjectNode) JSON.readTree(fixture(PRICE_CHANGE_V2));
        ArrayNode items = (ArrayNode) frame.get("price_changes");
        items.add(((ObjectNode) items.get(0).deepCopy()).put("asset_id", other).put("size", "12.3.4"));
        ready(V2_ASSET, other);
        feed(JSON.writeValueAsString(frame));

        assertTrue(out.events.isEmpty(), "no part of a bad message is applied: " + out.events);
        assertEquals(1, out.badFrames.size());
        assertTrue(out.badFrameReasons().get(0).contains("size"), out.badFrameReasons().get(0));
        assertEquals(List.of(V2_ASSET, other), out.staleSymbols(), "both books missed this change");
        assertEquals(4, out.sent.size(), "unsubscribe + subscribe per token");

        // The good message that follows is not applied on a book that missed one: it waits for the fresh book.
        out.clear();
        feed(fixture(PRICE_CHANGE_V2));
        assertTrue(out.events.isEmpty());
        feed(emptyBook(V2_ASSET));
        feed(fixture(PRICE_CHANGE_V2));
        assertEquals(3, out.events(BookDelta.class).get(0).updates().size());
    }

    @Test
    void badDecimalInABookRejectsItAndResyncs() throws Exception {
        ObjectNode book = (ObjectNode) JSON.readTree(fixture(BOOK));
        ((ObjectNode) book.get("asks").get(3)).put("price", "0.9x");
        ready(BOOK_ASSET);
        feed(JSON.writeValueAsString(book));

        assertTrue(out.events.isEmpty());
        assertEquals(1, out.badFrames.size());
        assertEquals(List.of(BOOK_ASSET), out.staleSymbols());

        feed(fixture(BOOK));
        assertEquals(1, out.events(BookSnapshot.class).size());
    }

    @Test
    void invalidOperationReplyIsAVenueError() {
        feed("INVALID OPERATION");
        assertEquals(1, out.venueErrors.size());
        assertTrue(out.badFrames.isEmpty());
    }

    private static void assertStrictlySorted(List<PriceLevel> levels, boolean descending) {
        for (int i = 1; i < levels.size(); i++) {
            long before = levels.get(i - 1).price();
            long now = levels.get(i).price();
            assertTrue(descending ? before > now : before < now, "not best first at " + i + ": " + levels);
        }
    }
}

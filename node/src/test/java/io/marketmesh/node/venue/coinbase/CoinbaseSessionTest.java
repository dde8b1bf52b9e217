package io.marketmesh.node.venue.coinbase;

import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.BTC;
import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.ETH;
import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.RECEIVED_AT;
import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.d;
import static io.marketmesh.node.venue.coinbase.CoinbaseTestSupport.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What one socket's session sends and emits, frame by frame, in the venue's documented shapes. */
class CoinbaseSessionTest {

    private static final String SUB_L2 = "{\"type\":\"subscribe\",\"product_ids\":[\"BTC-USD\",\"ETH-USD\"],\"channel\":\"level2\"}";
    private static final String UNSUB_L2 = "{\"type\":\"unsubscribe\",\"product_ids\":[\"BTC-USD\",\"ETH-USD\"],\"channel\":\"level2\"}";

    private final RecordingOutput out = new RecordingOutput();
    private long sequence;

    /** A session carrying BTC-USD and ETH-USD with both books trusted (snapshots at sequence 0 and 1). */
    private CoinbaseSession trustedSession() {
        CoinbaseSession session = new CoinbaseSession(settings(10));
        session.subscribe(List.of("BTC-USD", "ETH-USD"), out);
        feed(session, snapshot("BTC-USD", "[" + level("bid", "100.5", "1") + "," + level("offer", "101", "2") + "]"));
        feed(session, snapshot("ETH-USD", "[" + level("bid", "10", "3") + "," + level("offer", "11", "4") + "]"));
        out.clear();
        return session;
    }

    @Test
    void subscribesEachChannelInItsOwnMessageAndHeartbeatsOncePerSocket() {
        CoinbaseSession session = new CoinbaseSession(settings(1));
        session.subscribe(List.of("BTC-USD", "ETH-USD", "BTC-USD", " "), out);
        assertEquals(List.of(
                "{\"type\":\"subscribe\",\"product_ids\":[\"BTC-USD\"],\"channel\":\"level2\"}",
                "{\"type\":\"subscribe\",\"product_ids\":[\"ETH-USD\"],\"channel\":\"level2\"}",
                "{\"type\":\"subscribe\",\"channel\":\"heartbeats\"}",
                "{\"type\":\"subscribe\",\"product_ids\":[\"BTC-USD\"],\"channel\":\"market_trades\"}",
                "{\"type\":\"subscribe\",\"product_ids\":[\"ETH-USD\"],\"channel\":\"market_trades\"}",
                "{\"type\":\"subscribe\",\"product_ids\":[\"BTC-USD\"],\"channel\":\"ticker\"}",
                "{\"type\":\"subscribe\",\"product_ids\":[\"ETH-USD\"],\"channel\":\"ticker\"}"), out.sent);
        out.clear();
        session.subscribe(List.of("ETH-USD", "SOL-USD"), out);
        assertEquals(List.of(
                "{\"type\":\"subscribe\",\"product_ids\":[\"SOL-USD\"],\"channel\":\"level2\"}",
                "{\"type\":\"subscribe\",\"product_ids\":[\"SOL-USD\"],\"channel\":\"market_trades\"}",
                "{\"type\":\"subscribe\",\"product_ids\":[\"SOL-USD\"],\"channel\":\"ticker\"}"), out.sent,
                "already subscribed products and the heartbeats are not asked for twice");
    }

    @Test
    void unsubscribingStopsAllThreeChannelsAndLaterFramesOfTheProductAreIgnored() {
        CoinbaseSession session = trustedSession();
        session.unsubscribe(List.of("ETH-USD", "XRP-USD"), out);
        assertEquals(List.of(
                "{\"type\":\"unsubscribe\",\"product_ids\":[\"ETH-USD\"],\"channel\":\"level2\"}",
                "{\"type\":\"unsubscribe\",\"product_ids\":[\"ETH-USD\"],\"channel\":\"market_trades\"}",
                "{\"type\":\"unsubscribe\",\"product_ids\":[\"ETH-USD\"],\"channel\":\"ticker\"}"), out.sent);
        feed(session, update("ETH-USD", "[" + level("bid", "10", "0") + "]"));
        assertEquals(List.of(), out.events);
        assertEquals(List.of(), out.badFrames);
    }

    @Test
    void updatesSetAbsoluteSizesAndZeroRemoves() {
        CoinbaseSession session = trustedSession();
        feed(session, update("BTC-USD", "[" + level("bid", "100.5", "0") + "," + level("offer", "101.25", "0.00000001") + "]"));
        BookDelta delta = out.only(BookDelta.class);
        assertEquals(BTC, delta.market());
        assertEquals(BookDelta.Mode.ABSOLUTE, delta.mode());
        assertEquals(List.of(new LevelUpdate(Side.BID, d("100.5"), 0), new LevelUpdate(Side.ASK, d("101.25"), d("0.00000001"))),
                delta.updates());
        assertEquals(2, delta.venueSequence());
        assertEquals(RECEIVED_AT, delta.receivedAt());
    }

    @Test
    void fieldsInAnotherOrderReadTheSame() {
        CoinbaseSession session = trustedSession();
        feed(session, update("BTC-USD", "[" + level("bid", "100.5", "0") + "," + level("offer", "101.25", "7") + "]"));
        BookDelta usual = out.only(BookDelta.class);
        out.clear();
        // events before channel, the event's type last, a level's fields reversed, an unknown field among them.
        session.onText("{\"events\":[{\"updates\":[{\"new_quantity\":\"0\",\"price_level\":\"100.5\",\"extra\":{\"a\":[1]},"
                + "\"side\":\"bid\"},{\"price_level\":\"101.25\",\"side\":\"offer\",\"new_quantity\":\"7\"}],"
                + "\"product_id\":\"BTC-USD\",\"type\":\"update\"}],\"sequence_num\":" + sequence++
                + ",\"timestamp\":\"2026-08-09T21:05:48.506659391Z\",\"channel\":\"l2_data\"}", RECEIVED_AT, out);
        BookDelta reordered = out.only(BookDelta.class);
        assertEquals(usual.updates(), reordered.updates());
        assertEquals(usual.venueTimestamp(), reordered.venueTimestamp());
        assertEquals(usual.venueSequence() + 1, reordered.venueSequence());
    }

    @Test
    void aJumpInSequenceNumResubscribesEveryBookOnTheSocketWhichStaysStaleUntilItsSnapshot() {
        CoinbaseSession session = trustedSession();
        sequence++; // frame 2 never arrives
        feed(session, update("BTC-USD", "[" + level("bid", "100", "1") + "]"));
        assertEquals(List.of("BTC-USD", "ETH-USD"), out.staleSymbols());
        assertTrue(out.stale.get(0).reason().contains("sequence_num 3 where 2 was due"), out.stale.get(0).reason());
        assertEquals(List.of(UNSUB_L2, SUB_L2), out.sent, "one unsubscribe and one subscribe for all the socket's books");
        assertEquals(List.of(), out.events, "the update after the jump is not applied to a book that missed something");
        assertEquals(new SequenceCounts(3, 1), session.counts());
        out.clear();

        feed(session, update("ETH-USD", "[" + level("bid", "10", "9") + "]"));
        assertEquals(List.of(), out.events, "updates wait for the fresh snapshot");
        assertEquals(2, session.droppedAwaitingSnapshot(), "the update that showed the jump and this one");
        feed(session, snapshot("ETH-USD", "[" + level("bid", "10", "5") + "]"));
        assertEquals(List.of(new PriceLevel(d("10"), d("5"))), out.only(BookSnapshot.class).bids());
        out.clear();
        feed(session, update("ETH-USD", "[" + level("bid", "10", "6") + "]"));
        assertEquals(ETH, out.only(BookDelta.class).market(), "trusted again after its snapshot");
        assertEquals(new SequenceCounts(6, 1), session.counts());
        assertEquals(List.of(), out.sent);
    }

    @Test
    void aJumpWhileBooksAwaitTheirSnapshotsAsksForNothingNewButMarksThemStale() {
        CoinbaseSession session = new CoinbaseSession(settings(10));
        session.subscribe(List.of("BTC-USD", "ETH-USD"), out);
        feed(session, snapshot("BTC-USD", "[" + level("bid", "1", "1") + "]"));
        out.clear();
        sequence = 5; // frames 1..4 lost: ETH-USD's snapshot may have been among them
        feed(session, heartbeat());
        assertEquals(List.of("BTC-USD", "ETH-USD"), out.staleSymbols());
        assertEquals(List.of(
                "{\"type\":\"unsubscribe\",\"product_ids\":[\"BTC-USD\"],\"channel\":\"level2\"}",
                "{\"type\":\"subscribe\",\"product_ids\":[\"BTC-USD\"],\"channel\":\"level2\"}"), out.sent,
                "only the trusted book is resubscribed; ETH-USD's market asks again if its snapshot never comes");
    }

    @Test
    void aSocketWhoseFirstFrameIsNotNumberedZeroHasLostFrames() {
        CoinbaseSession session = new CoinbaseSession(settings(10));
        session.subscribe(List.of("BTC-USD"), out);
        out.clear();
        sequence = 1;
        feed(session, heartbeat());
        assertEquals(new SequenceCounts(1, 1), session.counts());
        assertEquals(List.of("BTC-USD"), out.staleSymbols());
    }

    @Test
    void aServerNumberingEachChannelApartIsRecognisedAndItsLossesStillCaught() {
        CoinbaseSession session = new CoinbaseSession(settings(10));
        session.subscribe(List.of("BTC-USD"), out);
        out.clear();
        sequence = 0;
        feed(session, snapshot("BTC-USD", "[" + level("bid", "1", "1") + "]")); // l2_data 0
        sequence = 0;
        feed(session, heartbeat());                                               // heartbeats 0: breaks the socket's count
        assertEquals(List.of("BTC-USD"), out.staleSymbols(), "before the proof, a break is a loss");
        sequence = 1;
        feed(session, snapshot("BTC-USD", "[" + level("bid", "1", "2") + "]")); // l2_data 1: continues its channel
        sequence = 1;
        feed(session, heartbeat());                                               // heartbeats 1
        sequence = 2;
        feed(session, update("BTC-USD", "[" + level("bid", "1", "3") + "]"));   // l2_data 2
        out.clear();
        sequence = 4;                                                             // l2_data 3 lost
        feed(session, update("BTC-USD", "[" + level("bid", "1", "4") + "]"));
        assertEquals(List.of("BTC-USD"), out.staleSymbols(), "a channel's own gap is a loss");
    }

    @Test
    void resyncResubscribesOnlyThatBook() {
        CoinbaseSession session = trustedSession();
        session.resync("ETH-USD", out);
        assertEquals(List.of(
                "{\"type\":\"unsubscribe\",\"product_ids\":[\"ETH-USD\"],\"channel\":\"level2\"}",
                "{\"type\":\"subscribe\",\"product_ids\":[\"ETH-USD\"],\"channel\":\"level2\"}"), out.sent);
        feed(session, update("ETH-USD", "[" + level("bid", "10", "9") + "]"));
        feed(session, update("BTC-USD", "[" + level("bid", "100", "9") + "]"));
        assertEquals(BTC, out.only(BookDelta.class).market());
        out.clear();
        session.resync("XRP-USD", out);
        assertEquals(List.of(), out.sent, "a product this socket does not carry");
    }

    @Test
    void aResyncForASnapshotAskedForAMomentAgoQueuesNothingMore() {
        long[] now = {0};
        CoinbaseSession session = new CoinbaseSession(settings(10), () -> now[0]);
        session.subscribe(List.of("BTC-USD"), out);
        out.clear();
        now[0] += CoinbaseSession.ASK_AGAIN_AFTER.toNanos() - 1;
        session.resync("BTC-USD", out);
        assertEquals(List.of(), out.sent, "the subscription's snapshot may still be on its way (2 messages a second)");
        now[0] += 1;
        session.resync("BTC-USD", out);
        assertEquals(List.of(
                "{\"type\":\"unsubscribe\",\"product_ids\":[\"BTC-USD\"],\"channel\":\"level2\"}",
                "{\"type\":\"subscribe\",\"product_ids\":[\"BTC-USD\"],\"channel\":\"level2\"}"), out.sent);
        out.clear();
        session.resync("BTC-USD", out);
        assertEquals(List.of(), out.sent, "asked again just now");
    }

    @Test
    void aMalformedFrameIsReportedAndEveryTrustedBookResubscribed() {
        CoinbaseSession session = trustedSession();
        session.onText("{\"channel\":\"l2_data\",\"sequence_num\":2,\"events\":[{\"type\":\"upd", RECEIVED_AT, out);
        assertEquals(1, out.badFrames.size());
        assertTrue(out.badFrameReasons().get(0).startsWith("malformed JSON"), out.badFrameReasons().toString());
        assertEquals(List.of(UNSUB_L2, SUB_L2), out.sent);
        assertEquals(List.of("BTC-USD", "ETH-USD"), out.staleSymbols());
    }

    @Test
    void anUnreadableLevelConcernsOnlyItsProduct() {
        CoinbaseSession session = trustedSession();
        feed(session, update("ETH-USD", "[" + level("bid", "ten", "1") + "]"));
        assertEquals(List.of(), out.events);
        assertTrue(out.badFrameReasons().get(0).contains("bad price_level 'ten'"), out.badFrameReasons().toString());
        assertEquals(List.of("ETH-USD"), out.staleSymbols());
        assertEquals(List.of(
                "{\"type\":\"unsubscribe\",\"product_ids\":[\"ETH-USD\"],\"channel\":\"level2\"}",
                "{\"type\":\"subscribe\",\"product_ids\":[\"ETH-USD\"],\"channel\":\"level2\"}"), out.sent);
        out.clear();
        feed(session, update("BTC-USD", "[{\"side\":\"ask\",\"price_level\":\"101\",\"new_quantity\":\"1\"}]"));
        assertTrue(out.badFrameReasons().get(0).contains("unknown book side 'ask'"), "only bid/offer are documented");
        assertEquals(List.of("BTC-USD"), out.staleSymbols());
    }

    @Test
    void anUnknownLevel2EventTypeIsABadFrameAndItsBookIsResubscribed() {
        CoinbaseSession session = trustedSession();
        feed(session, frame("l2_data", "{\"type\":\"replay\",\"product_id\":\"BTC-USD\",\"updates\":[]}"));
        assertEquals(List.of("level2 event of an unknown type for BTC-USD"), out.badFrameReasons());
        assertEquals(List.of("BTC-USD"), out.staleSymbols());
        assertEquals(2, out.sent.size());
        out.clear();
        feed(session, frame("l2_data", "{\"type\":\"replay\",\"product_id\":\"XRP-USD\",\"updates\":[]}"));
        assertEquals(1, out.badFrames.size(), "undocumented on any socket, even for a product it does not carry");
        assertEquals(List.of(), out.stale);
    }

    @Test
    void anUnknownChannelIsABadFrameThatLeavesTheBooksAlone() {
        CoinbaseSession session = trustedSession();
        feed(session, frame("l3_data", "{\"type\":\"update\"}"));
        assertEquals(List.of("unknown channel 'l3_data'"), out.badFrameReasons());
        assertEquals(List.of(), out.stale);
        assertEquals(List.of(), out.sent);
        feed(session, frame("candles", "{\"type\":\"update\",\"candles\":[]}"));
        feed(session, frame("subscriptions", "{\"subscriptions\":{\"level2\":[\"BTC-USD\"]}}"));
        assertEquals(1, out.badFrames.size(), "channels the docs list are not bad frames");
        assertEquals(new SequenceCounts(5, 0), session.counts());
    }

    @Test
    void theVenuesErrorIsReportedAsAVenueError() {
        CoinbaseSession session = trustedSession();
        session.onText("{\"type\":\"error\",\"message\":\"too many L2 streams requested in a single session\"}",
                RECEIVED_AT, out);
        assertEquals(List.of("coinbase refused a request: too many L2 streams requested in a single session"),
                out.venueErrors);
        assertEquals(List.of(), out.badFrames);
    }

    @Test
    void snapshotsAreBestFirstWhateverTheOrderSentWithTheLaterOfTwoEqualPricesAndNoZeros() {
        CoinbaseSession session = new CoinbaseSession(settings(10));
        session.subscribe(List.of("BTC-USD"), out);
        feed(session, snapshot("BTC-USD", "[" + String.join(",", level("bid", "99", "1"), level("offer", "102", "1"),
                level("bid", "100", "2"), level("offer", "101", "3"), level("bid", "99", "7"), level("offer", "103", "0"))
                + "]"));
        BookSnapshot s = out.only(BookSnapshot.class);
        assertEquals(List.of(new PriceLevel(d("100"), d("2")), new PriceLevel(d("99"), d("7"))), s.bids());
        assertEquals(List.of(new PriceLevel(d("101"), d("3")), new PriceLevel(d("102"), d("1"))), s.asks());
    }

    @Test
    void microPricesAndHugeSizesAreExactOrRefusedNeverRounded() {
        CoinbaseSession session = trustedSession();
        feed(session, update("BTC-USD", "[" + level("bid", "0.0000000123", "55141612483.5") + "]"));
        LevelUpdate micro = out.only(BookDelta.class).updates().get(0);
        assertEquals(new BigDecimal("0.0000000123"), Decimals.toBigDecimal(micro.price()));
        assertEquals(new BigDecimal("55141612483.5"), micro.exactSize());
        out.clear();

        feed(session, update("BTC-USD", "[" + level("offer", "0.00000001", "123456789012.12345678") + "]"));
        LevelUpdate huge = out.only(BookDelta.class).updates().get(0);
        assertEquals(new BigDecimal("123456789012.12345678"), huge.exactSize(), "20 digits, exact");
        out.clear();

        feed(session, frame("market_trades", "{\"type\":\"update\",\"trades\":[{\"product_id\":\"BTC-USD\","
                + "\"trade_id\":\"1\",\"price\":\"0.0000000123\",\"size\":\"123456789012.12345678\","
                + "\"time\":\"2026-08-09T21:05:48.167634Z\",\"side\":\"BUY\"}]}"));
        assertEquals(new BigDecimal("123456789012.12345678"), out.only(Trade.class).size());
    }

    @Test
    void liveTradesGoOutOldestFirstWithTheTakerSideAndTheSubscriptionsHistoryIsSkipped() {
        CoinbaseSession session = trustedSession();
        feed(session, frame("market_trades", "{\"type\":\"snapshot\",\"trades\":[" + trade("7", "SELL") + "]}"));
        assertEquals(List.of(), out.events);
        feed(session, frame("market_trades", "{\"type\":\"update\",\"trades\":[" + trade("9", "BUY") + "," + trade("8", "SELL")
                + "]}"));
        List<Trade> trades = out.events(Trade.class);
        assertEquals(List.of("8", "9"), trades.stream().map(Trade::tradeId).toList());
        assertEquals(Side.BID, trades.get(0).aggressor(), "the maker sold: the taker bought");
        assertEquals(Side.ASK, trades.get(1).aggressor(), "the maker bought: the taker sold");
        assertEquals(d("100.5"), trades.get(0).price());
        assertEquals(new BigDecimal("0.25"), trades.get(0).size());
        assertEquals(java.time.Instant.parse("2026-08-09T21:05:48.167Z").toEpochMilli(), trades.get(0).venueTimestamp());
    }

    @Test
    void aTickerWithAnEmptySideHasNoBestPriceThere() {
        CoinbaseSession session = trustedSession();
        feed(session, frame("ticker", "{\"type\":\"update\",\"tickers\":[{\"type\":\"ticker\",\"product_id\":\"ETH-USD\","
                + "\"price\":\"1919.41\",\"volume_24_h\":\"123456789012345678.123\",\"best_bid\":\"\",\"best_ask\":\"1919.49\","
                + "\"best_bid_quantity\":\"\",\"best_ask_quantity\":\"0.07814824\"}]}"));
        Ticker t = out.only(Ticker.class);
        assertEquals(ETH, t.market());
        assertEquals(Decimals.NONE, t.bestBid());
        assertEquals(null, t.bestBidSize());
        assertEquals(d("1919.49"), t.bestAsk());
        assertEquals(new BigDecimal("123456789012345678.123"), t.volume(), "a total wider than 17 digits, exact");
    }

    @Test
    void readsTheVenuesTimesIntoEpochMilliseconds() {
        for (String time : List.of("2026-08-09T21:05:48.506659391Z", "2026-08-09T21:05:48Z", "2024-02-29T23:59:59.9+01:00",
                "1999-12-31T00:00:00.123-05:30")) {
            char[] chars = time.toCharArray();
            assertEquals(java.time.OffsetDateTime.parse(time).toInstant().toEpochMilli(),
                    Rfc3339.epochMillis(chars, 0, chars.length), time);
        }
        char[] heartbeatTime = "2026-08-09 21:05:48.854840045 +0000 UTC m=+41691.260485341".toCharArray();
        assertEquals(0, Rfc3339.epochMillis(heartbeatTime, 0, heartbeatTime.length), "not RFC 3339: no time rather than a wrong one");
    }

    // ---- frames in the venue's shapes ------------------------------------------------------------------------

    private void feed(CoinbaseSession session, String frame) {
        session.onText(frame, RECEIVED_AT, out);
    }

    private String frame(String channel, String event) {
        return "{\"channel\":\"" + channel + "\",\"client_id\":\"\",\"timestamp\":\"2026-08-09T21:05:48.506659391Z\","
                + "\"sequence_num\":" + sequence++ + ",\"events\":[" + event + "]}";
    }

    private String snapshot(String product, String updates) {
        return frame("l2_data", "{\"type\":\"snapshot\",\"product_id\":\"" + product + "\",\"updates\":" + updates + "}");
    }

    private String update(String product, String updates) {
        return frame("l2_data", "{\"type\":\"update\",\"product_id\":\"" + product + "\",\"updates\":" + updates + "}");
    }

    private String heartbeat() {
        return frame("heartbeats", "{\"current_time\":\"2026-08-09 21:05:48.854840045 +0000 UTC m=+41691.260485341\","
                + "\"heartbeat_counter\":41691}");
    }

    private static String level(String side, String price, String size) {
        return "{\"side\":\"" + side + "\",\"event_time\":\"2026-08-09T21:05:48.264069Z\",\"price_level\":\"" + price
                + "\",\"new_quantity\":\"" + size + "\"}";
    }

    private static String trade(String id, String side) {
        return "{\"product_id\":\"BTC-USD\",\"trade_id\":\"" + id + "\",\"price\":\"100.5\",\"size\":\"0.25\","
                + "\"time\":\"2026-08-09T21:05:48.167634Z\",\"side\":\"" + side + "\"}";
    }
}

package io.marketmesh.node.venue.cryptocom;

import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.NOW;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.RECEIVED;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.d;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.delta;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.fire;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.json;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.level;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.session;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.snapshot;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Trade;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The session's behaviour on frames written from the venue's documented formats (the captures have their own test). */
class CryptocomSessionTest {

    private final RecordingOutput out = new RecordingOutput();

    @Test
    void requestsWaitForTheConnectPauseThenGoOutInBatchesButHeartbeatsAreAnsweredAtOnce() {
        CryptocomSession session = session(new CryptocomSettings(50, 10, Duration.ofSeconds(1), 10), new TradeHistory());
        List<String> first = IntStream.range(0, 8).mapToObj(i -> "C" + i + "_USDT").toList();
        session.subscribe(first, out);
        session.subscribe(List.of("X_USD", "Y_USD", "Z_USD", "C0_USDT"), out); // C0_USDT again: once is enough
        assertTrue(out.sent.isEmpty(), "nothing is sent in the first second of a socket");
        assertEquals(Duration.ofSeconds(1), out.timers.get(CryptocomSession.CONNECT_WAIT_TIMER));

        session.onText("{\"id\":1790114291578,\"method\":\"public/heartbeat\",\"code\":0}", RECEIVED, out);
        assertEquals(List.of("{\"id\":1790114291578,\"method\":\"public/respond-heartbeat\"}"), out.sent);
        out.sent.clear();

        fire(session, CryptocomSession.CONNECT_WAIT_TIMER, out);
        assertEquals(2, out.sent.size(), "11 markets, 10 a frame");
        JsonNode frame = json(out.sent.get(0));
        assertEquals(30, frame.get("params").get("channels").size());
        assertEquals("book.C0_USDT.50", frame.get("params").get("channels").get(0).asText());
        assertEquals(10, frame.get("params").get("book_update_frequency").asInt());
        assertEquals(NOW, frame.get("nonce").asLong());
        assertEquals(List.of("book.Z_USD.50", "trade.Z_USD", "ticker.Z_USD"),
                texts(json(out.sent.get(1)).get("params").get("channels")));
        assertEquals(2, json(out.sent.get(1)).get("id").asLong());
        out.clear();

        session.subscribe(List.of("LATE_USD"), out); // once the wait is over, at once
        assertEquals(1, out.sent.size());
        assertTrue(out.timers.isEmpty());
    }

    @Test
    void aGapMakesTheBookStaleAndResubscribesItThenOnlyTheNewSnapshotRestartsTheChain() {
        CryptocomSession session = session();
        session.subscribe(List.of("BTC_USDT"), out);
        session.onText(snapshot("BTC_USDT", 50, 100, "[\"99\",\"1\",\"1\"],[\"98\",\"2\",\"1\"]",
                "[\"101\",\"1\",\"1\"]"), RECEIVED, out);
        session.onText(delta("BTC_USDT", 50, 100, 150, "[\"99\",\"3\",\"2\"]", ""), RECEIVED, out);
        assertEquals(List.of(update(Side.BID, "99", "3")), out.events(BookDelta.class).get(0).updates());
        out.clear();

        session.onText(delta("BTC_USDT", 50, 170, 200, "[\"98\",\"0\",\"0\"]", ""), RECEIVED, out); // 150 -> 170 lost
        assertTrue(out.events.isEmpty());
        assertEquals(List.of("BTC_USDT"), out.staleSymbols());
        // Later deltas of the broken chain, even ones that follow each other, are not applied.
        session.onText(delta("BTC_USDT", 50, 200, 230, "[\"97\",\"1\",\"1\"]", ""), RECEIVED, out);
        assertTrue(out.events.isEmpty());
        fire(session, CryptocomSession.RESYNC_TIMER, out);
        assertEquals(List.of("unsubscribe", "subscribe"), out.sent.stream().map(s -> json(s).get("method").asText()).toList());
        assertEquals(List.of("book.BTC_USDT.50"), texts(json(out.sent.get(1)).get("params").get("channels")));
        out.clear();

        session.onText(snapshot("BTC_USDT", 50, 500, "[\"97\",\"1\",\"1\"]", "[\"101\",\"1\",\"1\"]"), RECEIVED, out);
        assertEquals(500, out.only(BookSnapshot.class).venueSequence());
        out.clear();
        session.onText(delta("BTC_USDT", 50, 500, 520, "", "[\"101\",\"0\",\"0\"]"), RECEIVED, out);
        assertEquals(List.of(update(Side.ASK, "101", "0")), out.only(BookDelta.class).updates());
        SyncCounters counters = session.syncCounters();
        assertEquals(3, counters.sequenceChecks());
        assertEquals(1, counters.sequenceFailures());
        assertEquals(1, counters.deltasIgnored());
        assertEquals(0, counters.checksumChecks());
    }

    @Test
    void resyncsAskedTogetherGoOutAsOneUnsubscribeAndOneSubscribe() {
        CryptocomSession session = session();
        session.subscribe(List.of("A_USD", "B_USD", "C_USD"), out);
        out.clear();
        session.resync("A_USD", out);
        session.resync("C_USD", out);
        session.resync("A_USD", out);
        session.resync("NOT_FOLLOWED", out);
        assertEquals(List.of(CryptocomSession.RESYNC_TIMER), List.copyOf(out.timers.keySet()));
        assertTrue(out.sent.isEmpty());
        fire(session, CryptocomSession.RESYNC_TIMER, out);
        assertEquals(2, out.sent.size());
        assertEquals(List.of("book.A_USD.50", "book.C_USD.50"), texts(json(out.sent.get(0)).get("params").get("channels")));
        assertEquals(List.of("book.A_USD.50", "book.C_USD.50"), texts(json(out.sent.get(1)).get("params").get("channels")));
        assertEquals("SNAPSHOT_AND_UPDATE", json(out.sent.get(1)).get("params").get("book_subscription_type").asText());
    }

    @Test
    void aResyncBeforeTheFirstSubscriptionIsLeftToThatSubscription() {
        CryptocomSession session = session(new CryptocomSettings(50, 100, Duration.ofSeconds(1), 10), new TradeHistory());
        session.subscribe(List.of("A_USD"), out);
        session.resync("A_USD", out);
        fire(session, CryptocomSession.CONNECT_WAIT_TIMER, out);
        assertEquals(1, out.sent.size());
        assertEquals("subscribe", json(out.sent.get(0)).get("method").asText());
        assertTrue(out.timers.isEmpty());
    }

    @Test
    void unreadableFramesAreBadFramesAndOneOfALiveBookResyncsIt() {
        CryptocomSession session = session();
        session.subscribe(List.of("ETH_USDT"), out);
        session.onText(snapshot("ETH_USDT", 50, 10, "[\"1\",\"1\",\"1\"]", "[\"2\",\"1\",\"1\"]"), RECEIVED, out);
        out.clear();

        // Truncated mid-levels: which book it was is known, and that book lost a change.
        String truncated = delta("ETH_USDT", 50, 10, 20, "[\"1\",\"2\",\"1\"]", "");
        session.onText(truncated.substring(0, truncated.indexOf("\"update\"") + 20), RECEIVED, out);
        assertEquals(1, out.badFrames.size());
        assertTrue(out.badFrameReasons().get(0).startsWith("Crypto.com frame is not valid JSON"));
        assertEquals(List.of("ETH_USDT"), out.staleSymbols());
        assertTrue(out.timers.containsKey(CryptocomSession.RESYNC_TIMER));
        out.clear();

        // A price that is not a number.
        session.onText(snapshot("ETH_USDT", 50, 30, "[\"abc\",\"1\",\"1\"]", ""), RECEIVED, out);
        assertEquals(1, out.badFrames.size());
        assertTrue(out.events.isEmpty());
        out.clear();

        session.onText("{\"id\":5,\"method\":\"public/get-something\",\"code\":0}", RECEIVED, out);
        session.onText("{\"id\":-1,\"code\":0}", RECEIVED, out);
        session.onText("[1,2]", RECEIVED, out);
        session.onText("{\"id\":-1,\"method\":\"subscribe\",\"code\":0,\"result\":{\"instrument_name\":\"ETH_USDT\","
                + "\"subscription\":\"book.ETH_USDT.50\",\"channel\":\"book.update\",\"data\":[{\"t\":1,\"u\":40,\"pu\":30}]}}",
                RECEIVED, out);
        assertEquals(List.of("unknown Crypto.com method 'public/get-something'", "Crypto.com frame without a method",
                        "Crypto.com frame is not valid JSON: not a JSON object",
                        "Crypto.com frame not understood: book.update without an 'update' object"),
                out.badFrameReasons());
        assertTrue(out.events.isEmpty());
    }

    @Test
    void snapshotLevelsAreOrderedBestFirstZeroSizesDroppedAndMicroPricesExact() {
        CryptocomSession session = session();
        session.subscribe(List.of("PEPE_USDT"), out);
        session.onText(snapshot("PEPE_USDT", 50, 7,
                "[\"0.0000000121\",\"5000000\",\"1\"],[\"0.0000000123\",\"1000000000\",\"3\"],[\"0.0000000122\",\"0\",\"0\"]",
                "[\"0.0000000125\",\"7\",\"1\"],[\"0.0000000124\",\"8\",\"1\"]"), RECEIVED, out);
        BookSnapshot book = out.only(BookSnapshot.class);
        assertEquals(List.of(level("0.0000000123", "1000000000"), level("0.0000000121", "5000000")), book.bids());
        assertEquals(List.of(level("0.0000000124", "8"), level("0.0000000125", "7")), book.asks());
        out.clear();

        session.onText(snapshot("PEPE_USDT", 50, 8, "[\"0.0000000121\",\"1\",\"1\"],[\"0.0000000121\",\"2\",\"1\"]", ""),
                RECEIVED, out);
        assertTrue(out.events.isEmpty(), "a snapshot listing one price twice is not a book");
        assertEquals(1, out.badFrames.size());
    }

    @Test
    void sizesWiderThanSeventeenDigitsStayExactInBooksTradesAndTickers() {
        CryptocomSession session = session();
        session.subscribe(List.of("PEPE_USDT"), out);
        session.onText(snapshot("PEPE_USDT", 50, 1, "[\"0.0000000123\",\"123456789012.12345678\",\"1\"]",
                "[\"0.0000000124\",\"1\",\"1\"]"), RECEIVED, out);
        BookSnapshot book = out.only(BookSnapshot.class);
        assertEquals(new java.math.BigDecimal("123456789012.12345678"), book.bids().get(0).exactSize());
        out.clear();
        session.onText(delta("PEPE_USDT", 50, 1, 2, "", "[\"0.0000000124\",\"98765432109.87654321\",\"2\"]"),
                RECEIVED, out);
        assertEquals(new java.math.BigDecimal("98765432109.87654321"),
                out.only(BookDelta.class).updates().get(0).exactSize());
        out.clear();
        session.onText(trades("PEPE_USDT", "{\"d\":\"1\",\"t\":5,\"p\":\"0.0000000124\",\"q\":\"123456789012.12345678\","
                + "\"s\":\"BUY\",\"i\":\"PEPE_USDT\"}"), RECEIVED, out);
        assertEquals(new java.math.BigDecimal("123456789012.12345678"), out.only(Trade.class).size());
        out.clear();
        session.onText("{\"id\":-1,\"method\":\"subscribe\",\"code\":0,\"result\":{\"instrument_name\":\"PEPE_USDT\","
                + "\"subscription\":\"ticker.PEPE_USDT\",\"channel\":\"ticker\",\"data\":[{\"b\":\"0.0000000123\","
                + "\"bs\":\"123456789012.12345678\",\"k\":null,\"ks\":null,\"a\":null,\"v\":\"99999999999999999999.5\","
                + "\"t\":7}]}}", RECEIVED, out);
        io.marketmesh.protocol.Ticker ticker = out.only(io.marketmesh.protocol.Ticker.class);
        assertEquals(new java.math.BigDecimal("123456789012.12345678"), ticker.bestBidSize());
        assertEquals(io.marketmesh.protocol.Decimals.NONE, ticker.bestAsk(), "no asks: null on the wire");
        assertEquals(new java.math.BigDecimal("99999999999999999999.5"), ticker.volume());
    }

    @Test
    void refusedSubscriptionsAreToldAndTheirBooksMarkedStale() {
        CryptocomSession session = session();
        session.subscribe(List.of("A_USD", "B_USD"), out); // request id 1
        out.clear();
        session.onText("{\"id\":1,\"method\":\"subscribe\",\"code\":42901,\"message\":\"TOO_MANY_REQUESTS\"}", RECEIVED, out);
        assertEquals(1, out.venueErrors.size());
        assertEquals(List.of("A_USD", "B_USD"), out.staleSymbols());
        out.clear();
        // A refused trade channel leaves the book alone.
        session.onText("{\"id\":1,\"method\":\"subscribe\",\"code\":40003,\"channel\":\"trade.A_USD\",\"message\":\"x\"}",
                RECEIVED, out);
        assertEquals(1, out.venueErrors.size());
        assertTrue(out.stale.isEmpty());
        out.clear();
        session.onText("{\"id\":-1,\"method\":\"ERROR\",\"code\":40001,\"message\":\"BAD_REQUEST\",\"original\":\"{oops\"}",
                RECEIVED, out);
        assertEquals(1, out.venueErrors.size());
        assertTrue(out.venueErrors.get(0).contains("{oops"));
    }

    @Test
    void anUnsubscribedMarketStopsAndItsLateFramesAreIgnored() {
        CryptocomSession session = session();
        session.subscribe(List.of("A_USD", "B_USD"), out);
        session.onText(snapshot("A_USD", 50, 1, "[\"1\",\"1\",\"1\"]", ""), RECEIVED, out);
        out.clear();
        session.unsubscribe(List.of("A_USD", "NEVER_USD"), out);
        assertEquals(List.of("book.A_USD.50", "trade.A_USD", "ticker.A_USD"),
                texts(json(out.sent.get(0)).get("params").get("channels")));
        assertTrue(json(out.sent.get(0)).get("params").get("book_subscription_type") == null);
        out.clear();
        session.onText(delta("A_USD", 50, 1, 2, "[\"1\",\"2\",\"1\"]", ""), RECEIVED, out);
        assertTrue(out.events.isEmpty() && out.stale.isEmpty() && out.badFrames.isEmpty());
        assertEquals(1, session.framesIgnored());
    }

    @Test
    void aReconnectsReplayedTradeHistoryIsNotPublishedTwice() {
        TradeHistory history = new TradeHistory();
        CryptocomSession first = session(new CryptocomSettings(50, 100, Duration.ZERO, 10), history);
        first.subscribe(List.of("BTC_USD"), out);
        first.onText(trades("BTC_USD", trade("3", 1003, "BUY"), trade("2", 1002, "SELL"), trade("1", 1001, "BUY")),
                RECEIVED, out);
        assertEquals(List.of("1", "2", "3"), out.events(Trade.class).stream().map(Trade::tradeId).toList());
        assertEquals(List.of(Side.BID, Side.ASK, Side.BID),
                out.events(Trade.class).stream().map(Trade::aggressor).toList());
        out.clear();

        // A new socket: its first trade frame is the venue's last-50 history, overlapping what was published.
        CryptocomSession second = session(new CryptocomSettings(50, 100, Duration.ZERO, 10), history);
        second.subscribe(List.of("BTC_USD"), out);
        second.onText(trades("BTC_USD", trade("5", 1005, "SELL"), trade("4", 1003, "SELL"), trade("3", 1003, "BUY"),
                trade("2", 1002, "SELL")), RECEIVED, out);
        assertEquals(List.of("4", "5"), out.events(Trade.class).stream().map(Trade::tradeId).toList());
        assertEquals(2, second.tradesReplayed());
        out.clear();
        // Live frames after the history are published as they come.
        second.onText(trades("BTC_USD", trade("6", 1004, "BUY")), RECEIVED, out);
        assertEquals(1, out.events(Trade.class).size());
    }

    @Test
    void aTradeWithoutQuantityRefusesTheWholeFrame() {
        CryptocomSession session = session();
        session.subscribe(List.of("BTC_USD"), out);
        session.onText(trades("BTC_USD", trade("1", 1001, "BUY"),
                "{\"d\":\"2\",\"t\":1002,\"p\":\"100\",\"s\":\"BUY\",\"i\":\"BTC_USD\"}"), RECEIVED, out);
        assertTrue(out.events.isEmpty());
        assertEquals(1, out.badFrames.size());
    }

    private static String trades(String symbol, String... items) {
        return "{\"id\":-1,\"method\":\"subscribe\",\"code\":0,\"result\":{\"instrument_name\":\"" + symbol
                + "\",\"subscription\":\"trade." + symbol + "\",\"channel\":\"trade\",\"data\":[" + String.join(",", items)
                + "]}}";
    }

    private static String trade(String id, long time, String side) {
        return "{\"d\":\"" + id + "\",\"t\":" + time + ",\"p\":\"100.5\",\"q\":\"0.01\",\"s\":\"" + side
                + "\",\"i\":\"BTC_USD\",\"m\":\"" + id + "\"}";
    }

    private static List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}

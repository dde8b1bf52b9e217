package io.marketmesh.node.venue.bybit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session's behaviour on frames shaped as the v5 docs and the captures show, including the faults. */
class BybitSessionTest {

    private static final long RECEIVED = 1_800_000_000_000L;
    private static final MarketKey BTC = MarketKey.of(Venue.BYBIT, "BTCUSDT");

    private final RecordingOutput out = new RecordingOutput();

    private static BybitSession spot() {
        return new BybitSession(BybitCategory.SPOT, 50, 10, Duration.ofSeconds(20));
    }

    private static String book(String type, String symbol, long u, String bids, String asks) {
        return "{\"topic\":\"orderbook.50." + symbol + "\",\"ts\":1786310816516,\"type\":\"" + type + "\",\"data\":{\"s\":\""
                + symbol + "\",\"b\":[" + bids + "],\"a\":[" + asks + "],\"u\":" + u + ",\"seq\":112488545865},"
                + "\"cts\":1786310816500}";
    }

    private BybitSession subscribedWithSnapshot() {
        BybitSession session = spot();
        session.subscribe(List.of("BTCUSDT"), out);
        session.onText(book("snapshot", "BTCUSDT", 100, "[\"65000.1\",\"1.5\"],[\"64999\",\"2\"]",
                "[\"65001\",\"0.25\"]"), RECEIVED, out);
        out.clear();
        return session;
    }

    @Test
    void subscribesEachMarketsThreeTopicsInRequestsOfAtMostTenArgs() {
        BybitSession session = spot();
        session.subscribe(List.of("BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"), out);
        assertEquals(List.of(
                "{\"req_id\":\"1\",\"op\":\"subscribe\",\"args\":[\"orderbook.50.BTCUSDT\",\"publicTrade.BTCUSDT\","
                        + "\"tickers.BTCUSDT\",\"orderbook.50.ETHUSDT\",\"publicTrade.ETHUSDT\",\"tickers.ETHUSDT\","
                        + "\"orderbook.50.SOLUSDT\",\"publicTrade.SOLUSDT\",\"tickers.SOLUSDT\",\"orderbook.50.XRPUSDT\"]}",
                "{\"req_id\":\"2\",\"op\":\"subscribe\",\"args\":[\"publicTrade.XRPUSDT\",\"tickers.XRPUSDT\"]}"),
                out.sent);
        out.clear();
        session.subscribe(List.of("BTCUSDT"), out);
        assertEquals(List.of(), out.sent, "a market already subscribed here is not asked for again");
    }

    @Test
    void aSnapshotIsTheWholeBookBestFirstAWindowOfTheSubscribedDepth() {
        BybitSession session = spot();
        session.subscribe(List.of("BTCUSDT"), out);
        out.clear();
        session.onText(book("snapshot", "BTCUSDT", 100, "[\"65000.1\",\"1.5\"],[\"64999\",\"2\"]",
                "[\"65001\",\"0.25\"]"), RECEIVED, out);
        assertEquals(new BookSnapshot(BTC, List.of(level("65000.1", "1.5"), level("64999", "2")),
                List.of(level("65001", "0.25")), 100, 1786310816516L, RECEIVED, 50, null), out.only(BookSnapshot.class));
    }

    @Test
    void deltasFollowTheChainWithAbsoluteSizesAndZeroRemoving() {
        BybitSession session = subscribedWithSnapshot();
        session.onText(book("delta", "BTCUSDT", 101, "[\"65000.1\",\"0\"]", "[\"65000.5\",\"3\"]"), RECEIVED, out);
        assertEquals(new BookDelta(BTC, BookDelta.Mode.ABSOLUTE, List.of(new LevelUpdate(Side.BID, d("65000.1"), 0),
                new LevelUpdate(Side.ASK, d("65000.5"), d("3"))), 101, 1786310816516L, RECEIVED),
                out.only(BookDelta.class));
        assertEquals(new BybitChecks(1, 0, 1, 0), session.checks());
    }

    @Test
    void aGapMakesTheBookStaleResubscribesItsTopicAndDropsDeltasUntilTheFreshSnapshot() {
        BybitSession session = subscribedWithSnapshot();
        session.onText(book("delta", "BTCUSDT", 102, "[\"64000\",\"1\"]", ""), RECEIVED, out);
        assertEquals(List.of(new RecordingOutput.Stale("BTCUSDT", "update id gap on orderbook.50.BTCUSDT: expected "
                + "u=101 got u=102; resubscribed for a fresh snapshot")), out.stale);
        assertEquals(List.of("{\"req_id\":\"2\",\"op\":\"unsubscribe\",\"args\":[\"orderbook.50.BTCUSDT\"]}",
                "{\"req_id\":\"3\",\"op\":\"subscribe\",\"args\":[\"orderbook.50.BTCUSDT\"]}"), out.sent);
        assertTrue(out.events.isEmpty());
        out.clear();

        // In flight before the unsubscribe took effect: not applied to a book already known wrong.
        session.onText(book("delta", "BTCUSDT", 103, "[\"64000\",\"2\"]", ""), RECEIVED, out);
        assertTrue(out.events.isEmpty() && out.stale.isEmpty() && out.sent.isEmpty());

        session.onText(book("snapshot", "BTCUSDT", 250, "[\"64000\",\"2\"]", "[\"65001\",\"1\"]"), RECEIVED, out);
        assertEquals(250, out.only(BookSnapshot.class).venueSequence());
        out.clear();
        session.onText(book("delta", "BTCUSDT", 251, "[\"64000\",\"3\"]", ""), RECEIVED, out);
        assertEquals(251, out.only(BookDelta.class).venueSequence());
        assertEquals(new BybitChecks(2, 1, 2, 1), session.checks());
        assertEquals(1, out.sequenceChecks, "the refused delta was reported when checked, the in-order one after clear()");
    }

    @Test
    void aDeltaRepeatingOrGoingBackBreaksTheChainToo() {
        BybitSession session = subscribedWithSnapshot();
        session.onText(book("delta", "BTCUSDT", 100, "[\"64000\",\"1\"]", ""), RECEIVED, out);
        assertEquals(List.of("BTCUSDT"), out.staleSymbols());
    }

    @Test
    void aSnapshotMidStreamReplacesTheBookAndRestartsTheChainEvenAtUOne() {
        BybitSession session = subscribedWithSnapshot();
        // Bybit restarted its service: a snapshot with u = 1 overwrites the book.
        session.onText(book("snapshot", "BTCUSDT", 1, "[\"63000\",\"1\"]", "[\"63001\",\"1\"]"), RECEIVED, out);
        BookSnapshot restart = out.only(BookSnapshot.class);
        assertEquals(List.of(level("63000", "1")), restart.bids());
        assertEquals(1, restart.venueSequence());
        out.clear();
        session.onText(book("delta", "BTCUSDT", 2, "[\"63000\",\"2\"]", ""), RECEIVED, out);
        assertEquals(2, out.only(BookDelta.class).venueSequence());
        assertTrue(out.stale.isEmpty());
        assertEquals(new BybitChecks(1, 0, 2, 0), session.checks());
    }

    @Test
    void deltasBeforeTheFirstSnapshotAreNotApplied() {
        BybitSession session = spot();
        session.subscribe(List.of("BTCUSDT"), out);
        out.clear();
        session.onText(book("delta", "BTCUSDT", 7, "[\"64000\",\"1\"]", ""), RECEIVED, out);
        assertTrue(out.events.isEmpty() && out.stale.isEmpty() && out.sent.isEmpty());
        assertEquals(new BybitChecks(0, 0, 0, 1), session.checks());
    }

    @Test
    void resyncAsksForAFreshSnapshotByResubscribingTheBookTopic() {
        BybitSession session = subscribedWithSnapshot();
        session.resync("BTCUSDT", out);
        assertEquals(List.of("{\"req_id\":\"2\",\"op\":\"unsubscribe\",\"args\":[\"orderbook.50.BTCUSDT\"]}",
                "{\"req_id\":\"3\",\"op\":\"subscribe\",\"args\":[\"orderbook.50.BTCUSDT\"]}"), out.sent);
        out.clear();
        session.onText(book("delta", "BTCUSDT", 101, "[\"64000\",\"1\"]", ""), RECEIVED, out);
        assertTrue(out.events.isEmpty(), "deltas wait for the fresh snapshot");
        session.resync("ETHUSDT", out);
        assertEquals(List.of(), out.sent, "a market not carried here is not asked for");
    }

    @Test
    void unsubscribedMarketsFramesAreIgnored() {
        BybitSession session = subscribedWithSnapshot();
        session.unsubscribe(List.of("BTCUSDT"), out);
        assertEquals(List.of("{\"req_id\":\"2\",\"op\":\"unsubscribe\",\"args\":[\"orderbook.50.BTCUSDT\","
                + "\"publicTrade.BTCUSDT\",\"tickers.BTCUSDT\"]}"), out.sent);
        out.clear();
        session.onText(book("delta", "BTCUSDT", 101, "[\"64000\",\"1\"]", ""), RECEIVED, out);
        session.onText(book("snapshot", "ETHUSDT", 5, "[\"1900\",\"1\"]", "[\"1901\",\"1\"]"), RECEIVED, out);
        assertTrue(out.events.isEmpty() && out.badFrames.isEmpty() && out.stale.isEmpty());
        assertEquals(2, session.checks().framesIgnored());
    }

    @Test
    void theLinearSessionCarriesLinearSymbolsAndRefusesSpotOnes() {
        BybitSession linear = new BybitSession(BybitCategory.LINEAR, 50, 10, Duration.ofSeconds(20));
        linear.subscribe(List.of("linear:BTCUSDT", "ETHUSDT"), out);
        assertEquals(List.of("{\"req_id\":\"1\",\"op\":\"subscribe\",\"args\":[\"orderbook.50.BTCUSDT\","
                + "\"publicTrade.BTCUSDT\",\"tickers.BTCUSDT\"]}"), out.sent);
        assertEquals(List.of("bybit: ETHUSDT is not a linear market; it needs the spot socket"), out.venueErrors);
        out.clear();
        linear.onText(book("snapshot", "BTCUSDT", 9, "[\"65000\",\"1\"]", "[\"65001\",\"1\"]"), RECEIVED, out);
        assertEquals(MarketKey.of(Venue.BYBIT, "linear:BTCUSDT"), out.only(BookSnapshot.class).market());

        spot().subscribe(List.of("linear:BTCUSDT"), out);
        assertEquals("bybit: linear:BTCUSDT is not a spot market; it needs the linear socket", out.venueErrors.get(0));
    }

    @Test
    void microPricesAndWideSizesAreExact() {
        BybitSession session = spot();
        session.subscribe(List.of("PEPEUSDT"), out);
        out.clear();
        session.onText(book("snapshot", "PEPEUSDT", 1, "[\"0.0000000123\",\"12345678901.234567\"]",
                "[\"0.0000000124\",\"99999999999999999\"]"), RECEIVED, out);
        BookSnapshot s = out.only(BookSnapshot.class);
        assertEquals(new BigDecimal("0.0000000123"), Decimals.toBigDecimal(s.bids().get(0).price()));
        assertEquals(new BigDecimal("12345678901.234567"), Decimals.toBigDecimal(s.bids().get(0).size()));
        assertEquals(new BigDecimal("99999999999999999"), Decimals.toBigDecimal(s.asks().get(0).size()));
    }

    @Test
    void sizesWiderThanSeventeenDigitsStayExactInSnapshotsAndDeltas() {
        BybitSession session = spot();
        session.subscribe(List.of("PEPEUSDT"), out);
        out.clear();
        String wide = "123456789012.12345678";
        session.onText(book("snapshot", "PEPEUSDT", 1, "[\"0.0000000123\",\"" + wide + "\"]",
                "[\"0.0000000124\",\"1234567890123456789\"]"), RECEIVED, out);
        BookSnapshot s = out.only(BookSnapshot.class);
        assertEquals(new BigDecimal(wide), s.bids().get(0).exactSize());
        assertEquals(wide, s.bids().get(0).sizeText());
        assertEquals(new BigDecimal("1234567890123456789"), s.asks().get(0).exactSize());
        out.clear();
        session.onText(book("delta", "PEPEUSDT", 2, "[\"0.0000000123\",\"123456789012.12345679\"]", ""), RECEIVED, out);
        assertEquals(new BigDecimal("123456789012.12345679"), out.only(BookDelta.class).updates().get(0).exactSize());
    }

    @Test
    void malformedAndUnknownFramesAreBadFramesAndTheSessionGoesOn() {
        BybitSession session = subscribedWithSnapshot();
        List<String> bad = List.of(
                "{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"delta\",\"data\":{\"s\":\"BTCUSDT\",\"b\":[[\"650",
                "not json",
                "[1,2]",
                "{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"delta\",\"ts\":1,\"data\":{\"b\":[[\"abc\",\"1\"]],"
                        + "\"a\":[],\"u\":101}}",
                "{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"delta\",\"ts\":1,\"data\":{\"b\":[],\"a\":[]}}",
                "{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"partial\",\"ts\":1,\"data\":{\"b\":[],\"a\":[],\"u\":101}}",
                "{\"topic\":\"orderbook.50.BTCUSDT\",\"type\":\"snapshot\",\"ts\":1,\"data\":{\"b\":[],\"u\":101}}",
                "{\"topic\":\"liquidation.BTCUSDT\",\"type\":\"snapshot\",\"ts\":1,\"data\":{}}",
                "{\"topic\":\"publicTrade.BTCUSDT\",\"type\":\"snapshot\",\"ts\":1,\"data\":[{\"T\":1,\"S\":\"Short\","
                        + "\"v\":\"1\",\"p\":\"2\",\"i\":\"x\"}]}",
                "{\"topic\":\"publicTrade.BTCUSDT\",\"type\":\"snapshot\",\"ts\":1,\"data\":[{\"T\":1,\"S\":\"Buy\","
                        + "\"v\":\"1\",\"i\":\"x\"}]}",
                "{\"op\":\"auth\",\"success\":true}",
                "{\"hello\":\"world\"}");
        for (String frame : bad) {
            session.onText(frame, RECEIVED, out);
        }
        assertEquals(bad.size(), out.badFrames.size(), out.badFrameReasons().toString());
        assertTrue(out.events.isEmpty() && out.stale.isEmpty());
        // The chain is intact: the next delta applies.
        session.onText(book("delta", "BTCUSDT", 101, "[\"64000\",\"1\"]", ""), RECEIVED, out);
        assertEquals(101, out.only(BookDelta.class).venueSequence());
    }

    @Test
    void tradesMapTheTakerSideBuyToBidAndSellToAsk() {
        BybitSession session = subscribedWithSnapshot();
        session.onText("{\"topic\":\"publicTrade.BTCUSDT\",\"ts\":1786310822606,\"type\":\"snapshot\",\"data\":["
                + "{\"i\":\"1\",\"T\":1786310822605,\"p\":\"65140.5\",\"v\":\"0.002705\",\"S\":\"Buy\",\"s\":\"BTCUSDT\"},"
                + "{\"i\":\"2\",\"T\":1786310822606,\"p\":\"65140.4\",\"v\":\"0.1\",\"S\":\"Sell\",\"s\":\"BTCUSDT\"}]}",
                RECEIVED, out);
        assertEquals(List.of(new Trade(BTC, "1", d("65140.5"), d("0.002705"), Side.BID, 1786310822605L, RECEIVED),
                new Trade(BTC, "2", d("65140.4"), d("0.1"), Side.ASK, 1786310822606L, RECEIVED)),
                out.events(Trade.class));
    }

    @Test
    void tradeAndTickerSizesOfAnyWidthStayExact() {
        BybitSession session = spot();
        session.subscribe(List.of("PEPEUSDT"), out);
        out.clear();
        session.onText("{\"topic\":\"publicTrade.PEPEUSDT\",\"ts\":1,\"type\":\"snapshot\",\"data\":[{\"i\":\"7\","
                + "\"T\":1,\"p\":\"0.0000000123\",\"v\":\"123456789012.12345678\",\"S\":\"Buy\"}]}", RECEIVED, out);
        assertEquals(new BigDecimal("123456789012.12345678"), out.only(Trade.class).size());
        out.clear();
        BybitSession linear = new BybitSession(BybitCategory.LINEAR, 50, 10, Duration.ofSeconds(20));
        linear.subscribe(List.of("linear:1000PEPEUSDT"), out);
        linear.onText("{\"topic\":\"tickers.1000PEPEUSDT\",\"type\":\"snapshot\",\"data\":{\"bid1Price\":\"0.0000123\","
                + "\"bid1Size\":\"12345678901234567890.5\"},\"cs\":1,\"ts\":2}", RECEIVED, out);
        assertEquals(new BigDecimal("12345678901234567890.5"), out.events(Ticker.class).get(0).bestBidSize());
    }

    @Test
    void aTickerSnapshotStartsOverAndDeltasChangeOnlyWhatTheyCarry() {
        BybitSession linear = new BybitSession(BybitCategory.LINEAR, 50, 10, Duration.ofSeconds(20));
        linear.subscribe(List.of("linear:BTCUSDT"), out);
        out.clear();
        linear.onText("{\"topic\":\"tickers.BTCUSDT\",\"type\":\"snapshot\",\"data\":{\"symbol\":\"BTCUSDT\","
                + "\"lastPrice\":\"65114.30\",\"bid1Price\":\"65114.20\",\"bid1Size\":\"5.954\",\"ask1Price\":\"65114.30\","
                + "\"ask1Size\":\"10.470\",\"volume24h\":\"17573.9120\",\"openInterest\":\"59891.732\"},\"cs\":1,\"ts\":10}",
                RECEIVED, out);
        linear.onText("{\"topic\":\"tickers.BTCUSDT\",\"type\":\"delta\",\"data\":{\"symbol\":\"BTCUSDT\","
                + "\"bid1Price\":\"65114.10\",\"openInterest\":\"123456789012345678901.5\"},\"cs\":2,\"ts\":11}",
                RECEIVED, out);
        linear.onText("{\"topic\":\"tickers.BTCUSDT\",\"type\":\"snapshot\",\"data\":{\"symbol\":\"BTCUSDT\","
                + "\"lastPrice\":\"65000\"},\"cs\":3,\"ts\":12}", RECEIVED, out);
        MarketKey key = MarketKey.of(Venue.BYBIT, "linear:BTCUSDT");
        assertEquals(List.of(
                new Ticker(key, d("65114.20"), d("5.954"), d("65114.30"), d("10.470"), d("65114.30"),
                        new BigDecimal("17573.9120"), new BigDecimal("59891.732"), 10, RECEIVED),
                new Ticker(key, d("65114.10"), d("5.954"), d("65114.30"), d("10.470"), d("65114.30"),
                        new BigDecimal("17573.9120"), new BigDecimal("123456789012345678901.5"), 11, RECEIVED),
                new Ticker(key, Decimals.NONE, Decimals.NONE, Decimals.NONE, Decimals.NONE, d("65000"), null, null, 12,
                        RECEIVED)), out.events(Ticker.class));
    }

    @Test
    void pongsAndSubscribeAcksAreSwallowedAndRefusalsNameTheirTopics() {
        BybitSession session = spot();
        session.heartbeat(out);
        assertEquals(List.of("{\"op\":\"ping\"}"), out.sent);
        session.subscribe(List.of("NOPEUSDT"), out);
        out.clear();
        session.onText("{\"success\":true,\"ret_msg\":\"pong\",\"conn_id\":\"0970e817\",\"op\":\"ping\"}", RECEIVED, out);
        session.onText("{\"req_id\":\"100001\",\"op\":\"pong\",\"args\":[\"1675418560633\"],\"conn_id\":\"c\"}",
                RECEIVED, out);
        session.onText("{\"success\":false,\"ret_msg\":\"Invalid symbol :[orderbook.50.NOPEUSDT]\",\"conn_id\":\"c\","
                + "\"req_id\":\"1\",\"op\":\"subscribe\"}", RECEIVED, out);
        session.onText("{\"success\":true,\"ret_msg\":\"subscribe\",\"conn_id\":\"c\"}", RECEIVED, out);
        session.onText("{\"success\":false,\"ret_msg\":\"Params Error\",\"conn_id\":\"c\"}", RECEIVED, out);
        assertEquals(List.of("bybit subscribe refused: Invalid symbol :[orderbook.50.NOPEUSDT] (request 1: "
                + "[orderbook.50.NOPEUSDT, publicTrade.NOPEUSDT, tickers.NOPEUSDT])", "bybit error: Params Error"),
                out.venueErrors);
        assertTrue(out.badFrames.isEmpty() && out.events.isEmpty());
    }

    @Test
    void aSocketsTopicsStayUnderTheVenuesTwentyOneThousandCharacters() {
        BybitSession session = new BybitSession(BybitCategory.LINEAR, 1000, 10, Duration.ofSeconds(20));
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            symbols.add("linear:" + String.format("%05d", i) + "BABYDOGEUSDT"); // 17 characters each
        }
        session.subscribe(symbols, out);
        int chars = out.sent.stream().mapToInt(f -> f.substring(f.indexOf('[') + 1, f.lastIndexOf(']')).length() + 1)
                .sum();
        assertTrue(chars <= BybitSubscriptions.MAX_ARGS_CHARS, chars + " characters of args");
        assertTrue(out.venueErrors.size() > 0 && out.venueErrors.get(0).contains("21,000"), out.venueErrors.toString());
        assertEquals(250, out.venueErrors.size() + out.sent.stream().mapToInt(f -> f.split("orderbook").length - 1).sum());
    }

    private static PriceLevel level(String price, String size) {
        return new PriceLevel(d(price), d(size));
    }

    private static long d(String text) {
        return Decimals.parse(text);
    }
}

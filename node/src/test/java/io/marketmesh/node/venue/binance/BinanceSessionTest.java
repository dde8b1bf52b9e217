package io.marketmesh.node.venue.binance;

import static io.marketmesh.node.venue.binance.BinanceTestSupport.RECEIVED_AT;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.d;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.diff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Subscriptions, keep-alive, trades and tickers, answers and errors, and the frames a session must refuse. */
class BinanceSessionTest {

    private final RecordingOutput out = new RecordingOutput();
    private final AtomicLong clock = new AtomicLong(RECEIVED_AT);
    private final BinanceSession session = BinanceTestSupport.session(2, Map.of(), clock);

    private void feed(String frame) {
        session.onText(frame, clock.get(), out);
    }

    @Test
    void marketsAreSubscribedInBatchesOfThreeStreamsEachOnTheSocketNotInTheUrl() {
        session.subscribe(List.of("BTCUSDT", "ethusdt", "PEPEUSDT", "BTCUSDT", " "), out);
        assertEquals(List.of(
                "{\"method\":\"SUBSCRIBE\",\"params\":[\"btcusdt@depth@100ms\",\"btcusdt@trade\",\"btcusdt@bookTicker\","
                        + "\"ethusdt@depth@100ms\",\"ethusdt@trade\",\"ethusdt@bookTicker\"],\"id\":1}",
                "{\"method\":\"SUBSCRIBE\",\"params\":[\"pepeusdt@depth@100ms\",\"pepeusdt@trade\",\"pepeusdt@bookTicker\"],"
                        + "\"id\":2}"),
                out.sent);
        session.subscribe(List.of("BTCUSDT"), out);
        assertEquals(2, out.sent.size(), "a market already on the socket is not subscribed twice");
        // A market configured in lower case is served under its own key; the venue's events say ETHUSDT.
        feed("{\"u\":1,\"s\":\"ETHUSDT\",\"b\":\"3000.1\",\"B\":\"1\",\"a\":\"3000.2\",\"A\":\"2\"}");
        assertEquals("ethusdt", out.only(Ticker.class).market().symbol());
    }

    @Test
    void tradesGiveTheTakersSideFromTheBuyerIsMakerFlag() {
        session.subscribe(List.of("BNBBTC"), out);
        feed("{\"e\":\"trade\",\"E\":1672515782136,\"s\":\"BNBBTC\",\"t\":12345,\"p\":\"0.001\",\"q\":\"100\","
                + "\"b\":88,\"a\":50,\"T\":1672515782134,\"m\":true,\"M\":true}");
        feed("{\"e\":\"trade\",\"E\":1672515782137,\"s\":\"BNBBTC\",\"t\":12346,\"p\":\"0.00100001\",\"q\":\"0.5\","
                + "\"T\":1672515782135,\"m\":false,\"M\":true}");
        feed("{\"e\":\"aggTrade\",\"E\":1672515782138,\"s\":\"BNBBTC\",\"a\":777,\"p\":\"0.002\",\"q\":\"3\",\"f\":100,"
                + "\"l\":105,\"T\":1672515782136,\"m\":true,\"M\":true}");

        List<Trade> trades = out.events(Trade.class);
        assertEquals(3, trades.size(), out.badFrameReasons().toString());
        assertEquals(Side.ASK, trades.get(0).aggressor(), "m=true: the buyer was the maker, the taker sold");
        assertEquals("12345", trades.get(0).tradeId());
        assertEquals(d("0.001"), trades.get(0).price());
        assertEquals(new BigDecimal("100"), trades.get(0).size());
        assertEquals(1672515782134L, trades.get(0).venueTimestamp(), "the trade time, not the event time");
        assertEquals(Side.BID, trades.get(1).aggressor(), "m=false: the taker bought");
        assertEquals(d("0.00100001"), trades.get(1).price());
        assertEquals("777", trades.get(2).tradeId(), "aggTrade's id is its 'a'");
        assertEquals(Side.ASK, trades.get(2).aggressor());
    }

    @Test
    void bookTickersAreTickersInRawAndCombinedForm() {
        session.subscribe(List.of("BNBUSDT"), out);
        feed("{\"u\":400900217,\"s\":\"BNBUSDT\",\"b\":\"25.35190000\",\"B\":\"31.21000000\",\"a\":\"25.36520000\","
                + "\"A\":\"40.66000000\"}");
        feed("{\"stream\":\"bnbusdt@bookTicker\",\"data\":{\"u\":400900218,\"s\":\"BNBUSDT\",\"b\":\"0.00000000\","
                + "\"B\":\"0.00000000\",\"a\":\"25.36520000\",\"A\":\"1.00000000\"}}");
        List<Ticker> tickers = out.events(Ticker.class);
        assertEquals(2, tickers.size(), out.badFrameReasons().toString());
        assertEquals(d("25.3519"), tickers.get(0).bestBid());
        assertEquals(new BigDecimal("31.21"), tickers.get(0).bestBidSize());
        assertEquals(d("25.3652"), tickers.get(0).bestAsk());
        assertEquals(new BigDecimal("40.66"), tickers.get(0).bestAskSize());
        assertEquals(RECEIVED_AT, tickers.get(0).receivedAt());
        assertEquals(Decimals.NONE, tickers.get(1).bestBid(), "an empty side has no best price");
        assertNull(tickers.get(1).bestBidSize());
        assertEquals(d("25.3652"), tickers.get(1).bestAsk());
    }

    @Test
    void theCombinedStreamWrapperAndTheRawFormReadAlike() {
        session.subscribe(List.of("BTCUSDT"), out);
        feed("{\"data\":" + diff("BTCUSDT", 1, 1, "[\"1\",\"1\"]", "") + ",\"stream\":\"btcusdt@depth@100ms\"}");
        feed(diff("BTCUSDT", 2, 2, "", ""));
        assertEquals(List.of(), out.badFrames);
        assertEquals(2, session.book("BTCUSDT").buffered());
    }

    @Test
    void malformedAndUnknownFramesAreBadFramesAndTheSessionReadsOn() {
        session.subscribe(List.of("BTCUSDT"), out);
        feed("{\"e\":\"depthUpdate\",\"s\":\"BTCUSDT\",\"U\":1,"); // truncated
        feed("[1,2]");
        feed("{\"e\":\"kline\",\"E\":1,\"s\":\"BTCUSDT\",\"k\":{\"t\":1,\"s\":\"BTCUSDT\"}}");
        feed("{\"foo\":1}");
        feed("{\"e\":\"depthUpdate\",\"s\":\"BTCUSDT\",\"b\":[],\"a\":[]}"); // no update ids
        feed(diff("BTCUSDT", 9, 8, "", "")); // U after u
        feed(diff("BTCUSDT", 1, 1, "[\"abc\",\"1\"]", ""));
        feed(diff("BTCUSDT", 1, 1, "[\"1.000000000000000001\",\"1\"]", "")); // more digits than held exactly
        feed(diff("BTCUSDT", 1, 1, "[[\"1\",\"1\"]]", ""));
        feed("{\"e\":\"trade\",\"s\":\"BTCUSDT\",\"t\":1,\"m\":true}"); // no price or size

        List<String> reasons = out.badFrameReasons();
        assertEquals(10, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).startsWith("Binance frame is not valid JSON"), reasons.get(0));
        assertEquals("unknown Binance event type 'kline'", reasons.get(2));
        assertEquals("not a Binance message this session knows", reasons.get(3));
        assertEquals("Binance depthUpdate without s, U or u", reasons.get(4));
        assertEquals("Binance depthUpdate with U 9 after u 8", reasons.get(5));
        assertEquals(List.of(), out.events);
        assertEquals(0, session.book("BTCUSDT").buffered());

        feed(diff("BTCUSDT", 1, 1, "[\"1\",\"1\"]", ""));
        assertEquals(1, session.book("BTCUSDT").buffered(), "the next good frame is read");
    }

    @Test
    void refusedRequestsAreVenueErrorsNamingWhatWasRefused() {
        session.subscribe(List.of("BTCUSDT", "NOPE"), out);
        feed("{\"code\":2,\"msg\":\"Invalid request: invalid stream\",\"id\":1}");
        feed("{\"error\":{\"code\":3,\"msg\":\"Invalid JSON\"},\"id\":99}");
        assertEquals(List.of("Binance refused SUBSCRIBE of BTCUSDT, NOPE: code 2, Invalid request: invalid stream",
                "Binance refused request 99: code 3, Invalid JSON"), out.venueErrors);
        assertEquals(List.of(), out.badFrames);
        session.onTimer("quiet:NOPE", out);
        assertEquals(List.of(), out.fetches, "no snapshot for a market without a stream: it would look live, frozen");
        feed(diff("BTCUSDT", 1, 1, "", ""));
        assertEquals(1, out.fetches.size(), "a diff shows the stream runs after all");
    }

    @Test
    void aSilentSocketIsAskedForItsSubscriptionsAndTheAnswerIsSwallowed() {
        session.heartbeat(out);
        assertEquals(List.of(), out.sent, "nothing to keep alive before any market");
        session.subscribe(List.of("BTCUSDT"), out);
        out.clear();
        session.heartbeat(out);
        assertEquals(List.of(), out.sent, "not while the socket was heard from within the interval");

        clock.addAndGet(10_000);
        session.heartbeat(out);
        assertEquals(List.of("{\"method\":\"LIST_SUBSCRIPTIONS\",\"id\":2}"), out.sent);
        feed("{\"result\":[\"btcusdt@depth@100ms\",\"btcusdt@trade\",\"btcusdt@bookTicker\"],\"id\":2}");
        session.heartbeat(out);
        assertEquals(1, out.sent.size(), "the answer counts as hearing from the venue");
        assertEquals(List.of(), out.badFrames);
        assertEquals(List.of(), out.venueErrors);

        clock.addAndGet(10_000);
        session.heartbeat(out);
        feed("{\"code\":2,\"msg\":\"Invalid request: unknown variant LIST_SUBSCRIPTIONS\",\"id\":3}");
        assertEquals(List.of(), out.venueErrors, "a venue that refuses the keep-alive still proved the socket alive");
    }

    @Test
    void aServerShutdownNoticeMakesTheSocketReconnect() {
        session.subscribe(List.of("BTCUSDT"), out);
        feed("{\"e\":\"serverShutdown\",\"E\":1770123456789}");
        feed("{\"event\":{\"e\":\"serverShutdown\",\"E\":1770123456790}}"); // the WebSocket API's form
        assertEquals(2, session.serverShutdowns());
        assertEquals(List.of("Binance announced a server shutdown (serverShutdown)",
                "Binance announced a server shutdown (serverShutdown)"), out.reconnects);
        assertEquals(List.of(), out.badFrames);
        assertEquals(List.of(), out.venueErrors);
    }

    @Test
    void sizesWiderThanSeventeenDigitsStayExactInTheBookAndAreNeverRounded() {
        session.subscribe(List.of("PEPEUSDT"), out);
        feed(diff("PEPEUSDT", 1, 1, "[\"0.00000012\",\"123456789012.12345678\"]", ""));
        session.onFetched(BinanceTestSupport.lastFetch(out).tag(), BinanceTestSupport.ok(
                BinanceTestSupport.snapshot(0, "[\"0.00000011\",\"9876543210987.65432101\"]", "")), out);
        List<io.marketmesh.protocol.LevelUpdate> updates =
                out.events(io.marketmesh.protocol.BookDelta.class).get(0).updates();
        assertEquals(new java.math.BigDecimal("123456789012.12345678"), updates.get(0).exactSize());
        assertEquals("123456789012.12345678", updates.get(0).sizeText());
        io.marketmesh.protocol.PriceLevel snapshotLevel =
                out.events(io.marketmesh.protocol.BookSnapshot.class).get(0).bids().get(0);
        assertEquals(new java.math.BigDecimal("9876543210987.65432101"), snapshotLevel.exactSize());

        // Best levels and trades of such a book: their sizes exact too.
        feed("{\"u\":2,\"s\":\"PEPEUSDT\",\"b\":\"0.00000012\",\"B\":\"123456789012.12345678\","
                + "\"a\":\"0.00000013\",\"A\":\"5.00000000\"}");
        Ticker ticker = out.events(Ticker.class).get(0);
        assertEquals(d("0.00000012"), ticker.bestBid());
        assertEquals(new BigDecimal("123456789012.12345678"), ticker.bestBidSize());
        assertEquals(new BigDecimal("5"), ticker.bestAskSize());
        feed("{\"e\":\"trade\",\"s\":\"PEPEUSDT\",\"t\":1,\"p\":\"0.00000012\",\"q\":\"123456789012.12345678\","
                + "\"T\":1,\"m\":true}");
        assertEquals(new BigDecimal("123456789012.12345678"), out.events(Trade.class).get(0).size());
        assertEquals(List.of(), out.badFrames);
    }

    @Test
    void framesOfMarketsNotOnThisSocketAreIgnored() {
        session.subscribe(List.of("BTCUSDT"), out);
        feed(diff("ETHUSDT", 1, 1, "", ""));
        feed("{\"e\":\"trade\",\"s\":\"ETHUSDT\",\"t\":1,\"p\":\"1\",\"q\":\"1\",\"m\":true}");
        assertEquals(List.of(), out.events);
        assertEquals(List.of(), out.badFrames);
        assertEquals(2, session.counters().framesForUnknownMarkets());
        assertNull(session.book("ETHUSDT"));
    }
}

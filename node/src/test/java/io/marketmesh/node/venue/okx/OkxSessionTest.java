package io.marketmesh.node.venue.okx;

import static io.marketmesh.node.venue.okx.OkxTestSupport.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The OKX session's rules on hand-written frames shaped like the venue's documented ones. */
class OkxSessionTest {

    private static final String BTC = "BTC-USDT";
    private static final String SWAP = "BTC-USDT-SWAP";

    private final AtomicLong clock = new AtomicLong(T0);
    private final RecordingOutput out = new RecordingOutput();
    private OkxSession session = OkxTestSupport.session(clock, 450, 20);

    @Test
    void subscribesEachInstrumentsThreeChannelsInBatchesAndUnsubscribesThem() {
        session = OkxTestSupport.session(clock, 450, 2);
        session.subscribe(List.of(BTC, SWAP, "ETH-USDT"), out);
        assertEquals(List.of(
                "{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},"
                        + "{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},{\"channel\":\"tickers\",\"instId\":\"BTC-USDT\"},"
                        + "{\"channel\":\"books\",\"instId\":\"BTC-USDT-SWAP\"},{\"channel\":\"trades\",\"instId\":\"BTC-USDT-SWAP\"},"
                        + "{\"channel\":\"tickers\",\"instId\":\"BTC-USDT-SWAP\"}]}",
                "{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"ETH-USDT\"},"
                        + "{\"channel\":\"trades\",\"instId\":\"ETH-USDT\"},{\"channel\":\"tickers\",\"instId\":\"ETH-USDT\"}]}"),
                out.sent);
        out.clear();
        session.subscribe(List.of(BTC), out);
        assertEquals(List.of(), out.sent, "already subscribed");
        session.unsubscribe(List.of(SWAP, "XRP-USDT"), out);
        assertEquals(List.of("{\"op\":\"unsubscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT-SWAP\"},"
                + "{\"channel\":\"trades\",\"instId\":\"BTC-USDT-SWAP\"},{\"channel\":\"tickers\",\"instId\":\"BTC-USDT-SWAP\"}]}"),
                out.sent);
        out.clear();
        // Frames of the dropped instrument still in flight are not its book any more, and not bad either.
        feed(book(SWAP, "snapshot", "[[\"1\",\"1\",\"0\",\"1\"]]", "[]", 10, -1, 0));
        assertEquals(List.of(), out.events);
        assertEquals(List.of(), out.badFrames);
    }

    @Test
    void appliesTheChainThroughKeepAlivesAndTheVenuesMaintenanceReset() {
        subscribed(BTC);
        // The docs' own example: snapshot 10; update 10→15; no change 15→15; reset 15→3; update 3→5.
        feed(book(BTC, "snapshot", "[[\"100\",\"1\",\"0\",\"1\"]]", "[[\"101\",\"2\",\"0\",\"1\"]]", 10, -1, 0));
        feed(book(BTC, "update", "[[\"100\",\"3\",\"0\",\"2\"]]", "[]", 15, 10, 0));
        feed(book(BTC, "update", "[]", "[]", 15, 15, 0));
        feed(book(BTC, "update", "[]", "[[\"101\",\"0\",\"0\",\"0\"]]", 3, 15, 0));
        feed(book(BTC, "update", "[[\"99\",\"4\",\"0\",\"1\"]]", "[]", 5, 3, 0));

        assertEquals(List.of(), out.stale);
        BookSnapshot snapshot = (BookSnapshot) out.events.get(0);
        assertEquals(List.of(level("100", "1")), snapshot.bids());
        assertEquals(List.of(level("101", "2")), snapshot.asks());
        assertEquals(10, snapshot.venueSequence());
        assertEquals(400, snapshot.depthLimit());
        List<BookDelta> deltas = out.events(BookDelta.class);
        assertEquals(List.of(15L, 3L, 5L), deltas.stream().map(BookDelta::venueSequence).toList(),
                "the keep-alive changes nothing and emits nothing");
        assertEquals(List.of(LevelUpdate.parse(Side.ASK, Decimals.parse("101"), "0")), deltas.get(1).updates());
        assertEquals(BookDelta.Mode.ABSOLUTE, deltas.get(0).mode());
        assertEquals(4, out.sequenceChecks);
        assertEquals(0, out.sequenceFailures);
        OkxCounters.View c = session.counters();
        assertEquals(1, c.sequenceResets());
        assertEquals(1, c.keepAlives());
    }

    @Test
    void aGapMarksTheBookStaleResubscribesItsBooksAndDropsUpdatesUntilTheFreshSnapshot() {
        subscribed(BTC);
        feed(book(BTC, "snapshot", "[[\"100\",\"1\",\"0\",\"1\"]]", "[[\"101\",\"2\",\"0\",\"1\"]]", 10, -1, 0));
        out.clear();

        feed(book(BTC, "update", "[[\"100\",\"5\",\"0\",\"1\"]]", "[]", 14, 12, 0)); // 10 → 12 never came
        assertEquals(List.of(), out.events, "a change after a lost one is not applied");
        assertEquals(List.of(BTC), out.staleSymbols());
        assertTrue(out.stale.get(0).reason().contains("prevSeqId 12"), out.stale.get(0).reason());
        assertEquals(Duration.ofMillis(20), out.timers.get(OkxSession.RESYNC_TIMER));
        feed(book(BTC, "update", "[[\"100\",\"6\",\"0\",\"1\"]]", "[]", 16, 14, 0));
        assertEquals(List.of(), out.events, "dropped while the fresh snapshot is awaited");

        session.onTimer(OkxSession.RESYNC_TIMER, out);
        assertEquals(List.of(
                "{\"op\":\"unsubscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT\"}]}",
                "{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT\"}]}"), out.sent);
        feed("{\"event\":\"unsubscribe\",\"arg\":{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},\"connId\":\"a4d3ae55\"}");
        feed("{\"event\":\"subscribe\",\"arg\":{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},\"connId\":\"a4d3ae55\"}");
        feed(book(BTC, "snapshot", "[[\"100\",\"6\",\"0\",\"1\"]]", "[[\"101\",\"2\",\"0\",\"1\"]]", 20, -1, 0));
        feed(book(BTC, "update", "[[\"100\",\"7\",\"0\",\"1\"]]", "[]", 21, 20, 0));
        assertEquals(2, out.events.size());
        assertEquals(20, ((BookSnapshot) out.events.get(0)).venueSequence());
        assertEquals(21, ((BookDelta) out.events.get(1)).venueSequence());
        assertEquals(List.of(), out.badFrames);
        assertEquals(2, out.sequenceChecks);
        assertEquals(1, out.sequenceFailures);
        OkxCounters.View c = session.counters();
        assertEquals(1, c.resubscribes());
        assertEquals(1, c.ignored());
    }

    @Test
    void resyncsAskedTogetherShareOneUnsubscribeAndOneSubscribeAndASnapshotOnItsWayIsAwaited() {
        subscribed(BTC, SWAP);
        feed(book(BTC, "snapshot", "[[\"100\",\"1\",\"0\",\"1\"]]", "[]", 10, -1, 0));
        feed(book(SWAP, "snapshot", "[[\"100\",\"1\",\"0\",\"1\"]]", "[]", 30, -1, 0));
        out.clear();

        session.resync(BTC, out); // e.g. the MarketActor found the checksum wrong
        session.resync(SWAP, out);
        session.resync("XRP-USDT", out); // not on this socket
        assertEquals(List.of(), out.sent, "gathered for a moment");
        session.onTimer(OkxSession.RESYNC_TIMER, out);
        assertEquals(List.of(
                "{\"op\":\"unsubscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},"
                        + "{\"channel\":\"books\",\"instId\":\"BTC-USDT-SWAP\"}]}",
                "{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},"
                        + "{\"channel\":\"books\",\"instId\":\"BTC-USDT-SWAP\"}]}"), out.sent);
        assertEquals(List.of(), out.stale, "the book's owner asked: it knows");
        feed(book(BTC, "update", "[[\"100\",\"2\",\"0\",\"1\"]]", "[]", 11, 10, 0));
        assertEquals(List.of(), out.events, "the old subscription's update is not applied");
        out.clear();

        clock.addAndGet(1000);
        session.resync(BTC, out);
        session.onTimer(OkxSession.RESYNC_TIMER, out);
        assertEquals(List.of(), out.sent, "the snapshot asked a second ago is still on its way");
        clock.addAndGet(OkxSession.SNAPSHOT_PATIENCE.toMillis());
        session.resync(BTC, out);
        session.onTimer(OkxSession.RESYNC_TIMER, out);
        assertEquals(2, out.sent.size(), "none came: asked again");
    }

    @Test
    void updatesBeforeTheFirstSnapshotAreDropped() {
        subscribed(BTC);
        feed(book(BTC, "update", "[[\"100\",\"2\",\"0\",\"1\"]]", "[]", 11, 10, 0));
        assertEquals(List.of(), out.events);
        assertEquals(List.of(), out.stale);
        assertEquals(1, session.counters().ignored());
    }

    @Test
    void aChecksumIsHandedOnUnsignedAndZeroMeansTheVenueSentNone() {
        subscribed(BTC);
        feed(book(BTC, "snapshot", "[[\"8476.97\",\"256\",\"0\",\"12\"]]", "[[\"8476.98\",\"415\",\"0\",\"13\"]]", 10, -1,
                -855196043));
        feed(book(BTC, "update", "[[\"8476.97\",\"250\",\"0\",\"12\"]]", "[]", 11, 10, 0));
        BookClaim.Checksum claim = (BookClaim.Checksum) ((BookSnapshot) out.events.get(0)).claim();
        assertEquals(OkxBookChain.CHECKSUM, claim.layout());
        assertEquals(-855196043L & 0xFFFF_FFFFL, claim.expected());
        assertNull(((BookDelta) out.events.get(1)).claim(), "OKX sends 0 since it deprecated the field");
        assertEquals(1, session.counters().checksumsAbsent());
    }

    @Test
    void aChecksumTheBookMatchesIsOneComputedOverTheInterleavedLevels() {
        subscribed(BTC);
        String bids = "[[\"100.5\",\"1.25\",\"0\",\"1\"],[\"100\",\"3\",\"0\",\"2\"]]";
        String asks = "[[\"101\",\"0.5\",\"0\",\"1\"]]";
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("100.5:1.25:101:0.5:100:3".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        long signed = (int) crc.getValue(); // as OKX writes it
        feed(book(BTC, "snapshot", bids, asks, 10, -1, signed));
        BookSnapshot snapshot = (BookSnapshot) out.events.get(0);
        OkxTestSupport.Books books = new OkxTestSupport.Books();
        assertEquals(((BookClaim.Checksum) snapshot.claim()).expected(), OkxTestSupport.okxChecksum(books.apply(snapshot)));
    }

    @Test
    void unreadableBooksFramesAreBadAndHealTheirBook() {
        subscribed(BTC);
        feed(book(BTC, "snapshot", "[[\"100\",\"1\",\"0\",\"1\"]]", "[]", 10, -1, 0));
        out.clear();

        String badPrice = book(BTC, "update", "[[\"1O0\",\"1\",\"0\",\"1\"]]", "[]", 11, 10, 0);
        feed(badPrice);
        assertEquals(1, out.badFrames.size());
        assertTrue(out.badFrameReasons().get(0).contains("1O0"), out.badFrameReasons().toString());
        assertEquals(List.of(BTC), out.staleSymbols());
        assertEquals(List.of(), out.events);
        assertTrue(out.timers.containsKey(OkxSession.RESYNC_TIMER));

        out.clear();
        subscribedFresh(BTC);
        feed(book(BTC, "snapshot", "[[\"100\",\"1\",\"0\",\"1\"]]", "[]", 10, -1, 0));
        out.clear();
        String truncated = book(BTC, "update", "[[\"100\",\"2\",\"0\",\"1\"]]", "[]", 11, 10, 0);
        feed(truncated.substring(0, truncated.length() - 20));
        assertEquals(1, out.badFrames.size());
        assertTrue(out.badFrameReasons().get(0).contains("not valid JSON"), out.badFrameReasons().toString());
        assertEquals(List.of(BTC), out.staleSymbols(), "its instrument was read before the break");

        out.clear();
        subscribedFresh(BTC);
        feed(book(BTC, "snapshot", "[[\"100\",\"1\",\"0\",\"1\"]]", "[]", 10, -1, 0));
        out.clear();
        feed("{\"arg\":{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},\"action\":\"partial\",\"data\":[{\"bids\":[]}]}");
        assertTrue(out.badFrameReasons().get(0).contains("unknown action 'partial'"), out.badFrameReasons().toString());
        assertEquals(List.of(BTC), out.staleSymbols());
    }

    @Test
    void otherFramesAreAnsweredReportedOrSkipped() {
        subscribed(BTC);
        feed("pong");
        feed("{\"event\":\"subscribe\",\"arg\":{\"channel\":\"tickers\",\"instId\":\"BTC-USDT\"},\"connId\":\"a4d3ae55\"}");
        assertEquals(List.of(), out.badFrames);
        assertEquals(List.of(), out.events);

        feed("{\"event\":\"error\",\"code\":\"60012\",\"msg\":\"Invalid request: {\\\"op\\\": \\\"subscribe\\\"}\","
                + "\"connId\":\"a4d3ae55\"}");
        assertEquals(List.of("OKX error 60012: Invalid request: {\"op\": \"subscribe\"}"), out.venueErrors);
        out.clear();
        feed("{\"event\":\"notice\",\"code\":\"64008\",\"msg\":\"The connection will soon be closed for a service upgrade. "
                + "Please reconnect.\",\"connId\":\"a4d3ae55\"}");
        assertEquals(1, out.reconnects.size(), "the socket reconnects before the venue cuts it");
        assertTrue(out.reconnects.get(0).startsWith("OKX notice 64008"), out.reconnects.toString());
        assertEquals(List.of(), out.venueErrors);
        assertEquals(1, session.counters().notices());

        out.clear();
        feed("{\"event\":\"surprise\",\"connId\":\"a4d3ae55\"}");
        feed("{\"arg\":{\"channel\":\"funding-rate\",\"instId\":\"BTC-USDT-SWAP\"},\"data\":[]}");
        feed("{\"hello\":1}");
        feed("[1,2]");
        feed("not json");
        feed("{\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT\"},\"data\":{\"px\":\"1\"}}");
        assertEquals(6, out.badFrames.size(), out.badFrameReasons().toString());
        assertTrue(out.badFrameReasons().get(0).contains("unknown OKX event 'surprise'"));
        assertTrue(out.badFrameReasons().get(1).contains("funding-rate"));
        assertEquals(List.of(), out.stale, "no book frame among them");
        assertEquals(List.of(), out.events);
    }

    @Test
    void pingsOnlyAfterTwentySecondsOfSilence() {
        assertEquals(Duration.ofSeconds(5), session.heartbeatInterval());
        subscribed(BTC);
        clock.addAndGet(19_000);
        feed("{\"event\":\"subscribe\",\"arg\":{\"channel\":\"books\",\"instId\":\"BTC-USDT\"}}");
        clock.addAndGet(19_000);
        session.heartbeat(out);
        assertEquals(List.of(), out.sent, "a frame came 19 s ago");
        clock.addAndGet(1_000);
        session.heartbeat(out);
        assertEquals(List.of("ping"), out.sent);
    }

    @Test
    void requestsBeyondTheHourlyBudgetWaitForTheirTimerAndResyncsGatherMeanwhile() {
        session = OkxTestSupport.session(clock, 4, 20);
        session.subscribe(List.of(BTC, SWAP), out); // 1 of 4
        feed(book(BTC, "snapshot", "[[\"100\",\"1\",\"0\",\"1\"]]", "[]", 10, -1, 0));
        feed(book(SWAP, "snapshot", "[[\"100\",\"1\",\"0\",\"1\"]]", "[]", 10, -1, 0));
        session.resync(BTC, out);
        session.onTimer(OkxSession.RESYNC_TIMER, out); // 3 of 4
        assertEquals(3, out.sent.size());

        // No room for an unsubscribe and its subscribe: neither goes, however often the books ask.
        for (int i = 0; i < 5; i++) {
            clock.addAndGet(OkxSession.SNAPSHOT_PATIENCE.toMillis());
            session.resync(BTC, out);
            session.resync(SWAP, out);
            session.onTimer(OkxSession.RESYNC_TIMER, out);
        }
        assertEquals(3, out.sent.size());
        Duration wait = out.timers.get(OkxRequests.TIMER);
        assertEquals(Duration.ofHours(1).minus(OkxSession.SNAPSHOT_PATIENCE).plusMillis(1), wait,
                "set at the first refusal: until the first request of the hour leaves the window");
        clock.addAndGet(10_000); // 25 s without a frame
        session.heartbeat(out);
        assertEquals("ping", out.sent.get(out.sent.size() - 1), "pings never wait for the budget");
        out.sent.remove(out.sent.size() - 1);

        clock.addAndGet(wait.toMillis());
        session.onTimer(OkxRequests.TIMER, out);
        assertEquals(List.of(
                "{\"op\":\"unsubscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},"
                        + "{\"channel\":\"books\",\"instId\":\"BTC-USDT-SWAP\"}]}",
                "{\"op\":\"subscribe\",\"args\":[{\"channel\":\"books\",\"instId\":\"BTC-USDT\"},"
                        + "{\"channel\":\"books\",\"instId\":\"BTC-USDT-SWAP\"}]}"), out.sent.subList(3, 5));
        assertEquals(5, session.counters().requestsSent());
        assertEquals(0, session.counters().requestsWaiting());

        // Subscriptions the manager asks for wait in order behind a spent budget too.
        out.clear();
        session.subscribe(List.of("ETH-USDT"), out); // 3 of 4 this hour
        session.unsubscribe(List.of(SWAP), out); // 4 of 4
        assertEquals(2, out.sent.size());
        out.clear();
        session.subscribe(List.of("SOL-USDT"), out);
        session.unsubscribe(List.of("ETH-USDT"), out);
        assertEquals(List.of(), out.sent);
        assertEquals(2, session.counters().requestsWaiting());
        clock.addAndGet(Duration.ofHours(1).toMillis());
        session.onTimer(OkxRequests.TIMER, out);
        assertEquals(2, out.sent.size());
        assertTrue(out.sent.get(0).startsWith("{\"op\":\"subscribe\"") && out.sent.get(1).startsWith("{\"op\":\"unsubscribe\""));
    }

    @Test
    void tradesKeepTheTakersSideAndTickersTheirQuotes() {
        subscribed(SWAP);
        feed("{\"arg\":{\"channel\":\"trades\",\"instId\":\"BTC-USDT-SWAP\"},\"data\":["
                + "{\"instId\":\"BTC-USDT-SWAP\",\"tradeId\":\"130639474\",\"px\":\"42219.9\",\"sz\":\"0.12060306\","
                + "\"side\":\"sell\",\"ts\":\"1630048897897\",\"count\":\"3\"},"
                + "{\"instId\":\"BTC-USDT-SWAP\",\"tradeId\":\"130639475\",\"px\":\"42220\",\"sz\":\"1\",\"side\":\"buy\","
                + "\"ts\":\"1630048897898\",\"count\":\"1\"},"
                + "{\"instId\":\"BTC-USDT-SWAP\",\"tradeId\":\"130639476\",\"px\":\"0.0000000123\","
                + "\"sz\":\"123456789012.12345678\",\"side\":\"buy\",\"ts\":\"1630048897899\",\"count\":\"1\"}]}");
        List<Trade> trades = out.events(Trade.class);
        assertEquals(3, trades.size());
        assertEquals(Side.ASK, trades.get(0).aggressor(), "sell: the taker sold into the bid");
        assertEquals(new BigDecimal("0.12060306"), trades.get(0).size());
        assertEquals(Side.BID, trades.get(1).aggressor());
        assertEquals(1630048897898L, trades.get(1).venueTimestamp());
        assertEquals(new BigDecimal("123456789012.12345678"), trades.get(2).size(), "a trade of 20 digits, exact");
        assertEquals(Decimals.parse("0.0000000123"), trades.get(2).price());

        out.clear();
        feed("{\"arg\":{\"channel\":\"tickers\",\"instId\":\"BTC-USDT-SWAP\"},\"data\":[{\"instType\":\"SWAP\","
                + "\"instId\":\"BTC-USDT-SWAP\",\"last\":\"9999.99\",\"lastSz\":\"1\",\"askPx\":\"\",\"askSz\":\"\","
                + "\"bidPx\":\"8888.88\",\"bidSz\":\"5\",\"open24h\":\"9000\",\"high24h\":\"10000\",\"low24h\":\"8888.88\","
                + "\"volCcy24h\":\"2222\",\"vol24h\":\"123456789012345678901.5\",\"sodUtc0\":\"0.1\",\"sodUtc8\":\"0.1\","
                + "\"ts\":\"1597026383085\"}]}");
        Ticker ticker = (Ticker) out.events.get(0);
        assertEquals(Decimals.NONE, ticker.bestAsk(), "no ask quoted");
        assertNull(ticker.bestAskSize());
        assertEquals(Decimals.parse("8888.88"), ticker.bestBid());
        assertEquals(new BigDecimal("123456789012345678901.5"), ticker.volume(), "a total wider than 17 digits, exact");
        assertEquals(List.of(), out.badFrames);
    }

    @Test
    void pricesAndSizesAreExactAndNeverRounded() {
        subscribed(BTC);
        feed(book(BTC, "snapshot", "[[\"0.0000000123\",\"99999999999.999999\",\"0\",\"1\"]]",
                "[[\"0.0000000124\",\"12345678901.234567\",\"0\",\"1\"]]", 10, -1, 0));
        BookSnapshot snapshot = (BookSnapshot) out.events.get(0);
        assertEquals(new BigDecimal("0.0000000123"), Decimals.toBigDecimal(snapshot.bids().get(0).price()));
        assertEquals(new BigDecimal("99999999999.999999"), Decimals.toBigDecimal(snapshot.bids().get(0).size()));
        assertEquals(new BigDecimal("12345678901.234567"), Decimals.toBigDecimal(snapshot.asks().get(0).size()));

        // A size of 20 significant digits, and a book built from it: exact, never rounded.
        out.clear();
        feed(book(BTC, "update", "[[\"0.0000000123\",\"123456789012.12345678\",\"0\",\"1\"]]", "[]", 11, 10, 0));
        assertEquals(List.of(), out.badFrames);
        LevelUpdate u = ((BookDelta) out.events.get(0)).updates().get(0);
        assertEquals(new BigDecimal("123456789012.12345678"), u.exactSize());
        out.clear();
        feed(book(BTC, "snapshot", "[[\"0.0000000123\",\"123456789012.12345678\",\"0\",\"1\"]]", "[]", 12, -1, 0));
        assertEquals(new BigDecimal("123456789012.12345678"),
                ((BookSnapshot) out.events.get(0)).bids().get(0).exactSize());
    }

    @Test
    void dataBeforeArgIsStillRead() {
        subscribed(BTC);
        feed("{\"data\":[{\"seqId\":10,\"asks\":[[\"101\",\"2\",\"0\",\"1\"]],\"bids\":[],\"prevSeqId\":-1,\"ts\":\"5\","
                + "\"checksum\":0}],\"action\":\"snapshot\",\"arg\":{\"instId\":\"BTC-USDT\",\"channel\":\"books\"}}");
        BookSnapshot snapshot = (BookSnapshot) out.events.get(0);
        assertEquals(List.of(level("101", "2")), snapshot.asks());
        assertEquals(10, snapshot.venueSequence());
        assertEquals(5, snapshot.venueTimestamp());
    }

    @Test
    void framesAreReadAsJsonWhateverTheirLayoutAndRefusedWhenTheyAreNot() {
        subscribed(BTC);
        // Pretty-printed, numbers unquoted, an escaped instId, an unknown field with nested values.
        feed("{\n  \"arg\" : { \"channel\" : \"books\", \"instId\" : \"BTC\\u002dUSDT\" },\n  \"action\" : \"snapshot\",\n"
                + "  \"extra\" : [ {\"a\": [1, -2.5e3, true, false, null]}, \"x\\\"y\" ],\n"
                + "  \"data\" : [ { \"asks\" : [ [ 101.5 , 2 , 0 , 1 ] ], \"bids\" : [ ], \"seqId\" : 7 ,"
                + " \"prevSeqId\" : -1 , \"checksum\" : 0 , \"ts\" : \"9\" } ]\n}\n");
        assertEquals(List.of(), out.badFrames);
        BookSnapshot snapshot = (BookSnapshot) out.events.get(0);
        assertEquals(List.of(level("101.5", "2")), snapshot.asks());
        assertEquals(7, snapshot.venueSequence());

        out.clear();
        String good = book(BTC, "update", "[[\"100\",\"1\",\"0\",\"1\"]]", "[]", 8, 7, 0);
        List<String> malformed = List.of(
                good + "x", // trailing data
                good.replace("[[\"100\"", "[[\"10\u00010\""), // a control character in a string
                good.replace("\"action\":\"update\"", "\"action\":\"upd\\qate\""), // a bad escape
                good.replace(",\"ts\"", " \"ts\""), // a missing comma
                good.replace("\"checksum\":0", "\"checksum\":tru"), // a bad literal
                good.replace("\"seqId\":8", "\"seqId\":-")); // a bad number
        for (String frame : malformed) {
            feed(frame);
        }
        assertEquals(6, out.badFrames.size(), out.badFrameReasons().toString());
        assertTrue(out.badFrameReasons().stream().allMatch(r -> r.contains("not valid JSON")), out.badFrameReasons().toString());
        assertEquals(List.of(BTC), out.staleSymbols(), "the book heals once, from the first frame it could not read");
    }

    // ---------------------------------------------------------------- helpers

    @Test
    void aBookWhoseNumbersComePaddedIsCheckedAsSent() {
        // OKX writes numbers shortest; a server that pads them ("65000.0", "1.50") computes its checksum over the padded
        // text, so the book must be checked that way, for its snapshot and for every update after it.
        subscribed(BTC);
        String bids = "[[\"65000.0\",\"1.50\",\"0\",\"1\"],[\"64999.9\",\"2.00\",\"0\",\"1\"]]";
        String asks = "[[\"65000.1\",\"0.25\",\"0\",\"1\"]]";
        feed(book(BTC, "snapshot", bids, asks, 10, -1, crc("65000.0:1.50:65000.1:0.25:64999.9:2.00")));
        feed(book(BTC, "update", "[[\"65000.0\",\"3.10\",\"0\",\"2\"]]", "[]", 11, 10,
                crc("65000.0:3.10:65000.1:0.25:64999.9:2.00")));

        io.marketmesh.node.market.OrderBook orderBook = new io.marketmesh.node.market.OrderBook();
        io.marketmesh.node.market.BookVerifier verifier = new io.marketmesh.node.market.BookVerifier();
        BookSnapshot snapshot = (BookSnapshot) out.events.get(0);
        orderBook.replace(snapshot.bids(), snapshot.asks());
        assertEquals(null, verifier.verify(snapshot.claim(), orderBook));
        io.marketmesh.protocol.BookDelta delta = (io.marketmesh.protocol.BookDelta) out.events.get(1);
        orderBook.apply(delta.updates(), false);
        assertEquals(null, verifier.verify(delta.claim(), orderBook));
        // The same book checked as OKX itself writes numbers would not match: the padding is what the server hashed.
        io.marketmesh.protocol.BookClaim.Checksum claim = (io.marketmesh.protocol.BookClaim.Checksum) delta.claim();
        assertEquals(io.marketmesh.protocol.ChecksumLayout.Numbers.FIXED, claim.layout().numbers());
        assertTrue(verifier.verify(new io.marketmesh.protocol.BookClaim.Checksum(OkxBookChain.CHECKSUM, claim.expected()),
                orderBook) != null);
    }

    private static long crc(String text) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return (int) crc.getValue(); // OKX sends it signed
    }

    private void subscribed(String... symbols) {
        session.subscribe(List.of(symbols), out);
        out.clear();
    }

    /** A new session, as after a reconnect. */
    private void subscribedFresh(String symbol) {
        session = OkxTestSupport.session(clock, 450, 20);
        subscribed(symbol);
    }

    private void feed(String frame) {
        session.onText(frame, clock.get(), out);
    }

    static String book(String instId, String action, String bids, String asks, long seqId, long prevSeqId, long checksum) {
        return "{\"arg\":{\"channel\":\"books\",\"instId\":\"" + instId + "\"},\"action\":\"" + action + "\",\"data\":[{"
                + "\"asks\":" + asks + ",\"bids\":" + bids + ",\"ts\":\"1597026383085\",\"checksum\":" + checksum
                + ",\"prevSeqId\":" + prevSeqId + ",\"seqId\":" + seqId + "}]}";
    }

    private static PriceLevel level(String price, String size) {
        return new PriceLevel(Decimals.parse(price), Decimals.parse(size));
    }
}

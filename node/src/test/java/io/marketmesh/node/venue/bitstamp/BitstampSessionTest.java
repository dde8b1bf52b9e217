package io.marketmesh.node.venue.bitstamp;

import static io.marketmesh.node.venue.bitstamp.BitstampTestSupport.RECEIVED;
import static io.marketmesh.node.venue.bitstamp.BitstampTestSupport.answerSnapshot;
import static io.marketmesh.node.venue.bitstamp.BitstampTestSupport.diff;
import static io.marketmesh.node.venue.bitstamp.BitstampTestSupport.restBook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.node.venue.bitstamp.BitstampTestSupport.Book;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Bitstamp session's behaviour frame by frame: subscriptions, splicing, the checks it can make and how it heals. */
class BitstampSessionTest {

    private static final long T = 1_800_000_000_000_000L; // microseconds
    private final RecordingOutput out = new RecordingOutput();

    @Test
    void subscribesOneChannelPerFrameAndKeepsTheSocketAliveWithItsHeartbeat() {
        BitstampSession session = BitstampTestSupport.session();
        session.subscribe(List.of("btcusd", "ethusd"), out);
        assertEquals(List.of(
                "{\"event\":\"bts:subscribe\",\"data\":{\"channel\":\"diff_order_book_btcusd\"}}",
                "{\"event\":\"bts:subscribe\",\"data\":{\"channel\":\"live_trades_btcusd\"}}",
                "{\"event\":\"bts:subscribe\",\"data\":{\"channel\":\"diff_order_book_ethusd\"}}",
                "{\"event\":\"bts:subscribe\",\"data\":{\"channel\":\"live_trades_ethusd\"}}"), out.sent);
        assertEquals(List.of("btcusd", "ethusd"), out.staleSymbols(), "stale until their snapshots");
        assertEquals(Duration.ofSeconds(1), out.timers.get("fetch|btcusd"), "the snapshot waits for diffs to buffer");
        out.clear();

        session.heartbeat(out);
        assertEquals(List.of("{\"event\":\"bts:heartbeat\"}"), out.sent);
        session.onText("{\"event\":\"bts:heartbeat\",\"channel\":\"\",\"data\":{\"status\":\"success\"}}", RECEIVED, out);
        session.onText("{\"event\":\"bts:subscription_succeeded\",\"channel\":\"diff_order_book_btcusd\",\"data\":{}}", RECEIVED, out);
        assertEquals(List.of(), out.badFrames);
        out.clear();

        session.unsubscribe(List.of("btcusd"), out);
        assertEquals(List.of(
                "{\"event\":\"bts:unsubscribe\",\"data\":{\"channel\":\"diff_order_book_btcusd\"}}",
                "{\"event\":\"bts:unsubscribe\",\"data\":{\"channel\":\"live_trades_btcusd\"}}"), out.sent);
        session.onText(diff("btcusd", T, "[\"100\",\"1\"]", ""), RECEIVED, out);
        session.onText("{\"event\":\"bts:unsubscription_succeeded\",\"channel\":\"diff_order_book_btcusd\",\"data\":{}}", RECEIVED, out);
        assertEquals(List.of(), out.events);
        assertEquals(List.of(), out.badFrames, "a late frame of an unsubscribed pair is not a bad frame");
        assertEquals(1, session.counters().framesIgnored());
        session.onTimer("fetch|btcusd", out);
        assertEquals(List.of(), out.fetches, "an unfollowed book fetches nothing");
    }

    @Test
    void aBookWithNothingBufferedTakesItsSnapshotAndDropsDiffsItAlreadyHolds() {
        BitstampSession session = live("btcusd", T);
        assertEquals(List.of(BitstampTestSupport.level("100", "1")), out.only(BookSnapshot.class).bids());
        out.clear();
        // In flight when the snapshot was taken: already in it.
        session.onText(diff("btcusd", T - 5, "[\"100\",\"0\"]", ""), RECEIVED, out);
        session.onText(diff("btcusd", T, "[\"100\",\"0\"]", ""), RECEIVED, out);
        assertEquals(List.of(), out.events);
        assertEquals(List.of(), out.stale);
        session.onText(diff("btcusd", T + 1, "[\"99.5\",\"2\"]", "[\"101\",\"0.00000000\"]"), RECEIVED, out);
        BookDelta delta = out.only(BookDelta.class);
        assertEquals(T + 1, delta.venueSequence());
        assertEquals((T + 1) / 1000, delta.venueTimestamp());
        assertEquals(RECEIVED, delta.receivedAt());
        assertEquals("[bid 2 @ 99.5, ask 0 @ 101]", delta.updates().toString());
        assertEquals(2, session.counters().diffsInSnapshot());
    }

    @Test
    void aDiffFromBeforeTheLastOneMakesTheBookResync() {
        BitstampSession session = live("btcusd", T);
        session.onText(diff("btcusd", T + 10, "[\"99\",\"1\"]", ""), RECEIVED, out);
        // Two diffs in one microsecond (never seen on the venue): taken in arrival order.
        session.onText(diff("btcusd", T + 10, "[\"99.5\",\"1\"]", ""), RECEIVED, out);
        assertEquals(2, out.events(BookDelta.class).size());
        out.clear();
        session.onText(diff("btcusd", T + 9, "[\"98\",\"1\"]", ""), RECEIVED, out);
        assertEquals(List.of(), out.events, "not applied");
        assertEquals(List.of("btcusd"), out.staleSymbols());
        assertTrue(out.stale.get(0).reason().contains("before " + (T + 10)), out.stale.toString());
        assertEquals(BookSync.Mode.SYNCING, session.mode("btcusd"));
        assertEquals(Duration.ofSeconds(1), out.timers.get("fetch|btcusd"));
        assertEquals(1, session.counters().sequenceFailures());
        assertEquals(3, session.counters().sequenceChecks());
        assertEquals(1, out.sequenceFailures, "told to the connection, which counts them per socket and venue");
        assertEquals(1, out.sequenceChecks, "since the output was cleared");

        // Healed by the next snapshot, with what was buffered meanwhile.
        session.onText(diff("btcusd", T + 20, "[\"97\",\"3\"]", ""), RECEIVED, out);
        session.onText(diff("btcusd", T + 30, "[\"96\",\"4\"]", ""), RECEIVED, out);
        out.events.clear();
        answerSnapshot(session, out, "btcusd", 200, restBook(T + 25, "[\"100\",\"1\"],[\"97\",\"3\"]", "[\"101\",\"1\"]"));
        BookSnapshot healed = out.only(BookSnapshot.class);
        assertEquals("[[100, 1], [97, 3], [96, 4]]", healed.bids().toString(), "the REST book, then the diff after it");
        assertEquals(T + 30, healed.venueSequence());
    }

    @Test
    void buffersOutOfOrderWhileSyncingStartOver() {
        BitstampSession session = BitstampTestSupport.session();
        session.subscribe(List.of("btcusd"), out);
        session.onText(diff("btcusd", T + 10, "[\"99\",\"1\"]", ""), RECEIVED, out);
        out.clear();
        session.onText(diff("btcusd", T + 9, "[\"98\",\"1\"]", ""), RECEIVED, out);
        assertEquals(List.of("btcusd"), out.staleSymbols());
        assertEquals(1, session.counters().sequenceFailures());
        // The buffer started over: a snapshot older than the dropped diffs but newer than nothing now splices.
        answerSnapshot(session, out, "btcusd", 200, restBook(T + 11, "[\"99\",\"1\"]", "[\"101\",\"1\"]"));
        assertEquals(1, out.events(BookSnapshot.class).size());
    }

    @Test
    void anUnreadableDiffOfAKnownBookResyncsThatBookOnly() {
        BitstampSession session = BitstampTestSupport.session();
        session.subscribe(List.of("btcusd", "ethusd"), out);
        answerSnapshot(session, out, "btcusd", 200, restBook(T, "[\"100\",\"1\"]", "[\"101\",\"1\"]"));
        answerSnapshot(session, out, "ethusd", 200, restBook(T, "[\"10\",\"1\"]", "[\"11\",\"1\"]"));
        out.clear();
        session.onText(diff("btcusd", T + 1, "[\"100\",\"1.2.3\"]", ""), RECEIVED, out);
        assertEquals(1, out.badFrames.size());
        assertTrue(out.badFrames.get(0).reason().startsWith("Bitstamp diff of btcusd not understood: level amount 1.2.3"),
                out.badFrames.toString());
        assertEquals(List.of("btcusd"), out.staleSymbols());
        assertEquals(BookSync.Mode.SYNCING, session.mode("btcusd"));
        assertEquals(BookSync.Mode.LIVE, session.mode("ethusd"));

        // Truncated: the channel is still in the text, so only that book resyncs.
        out.clear();
        session.onText("{\"data\":{\"microtimestamp\":\"" + (T + 2) + "\",\"bids\":[[\"10\",\"2\"]]},\"channel\":\"diff_order_book_ethusd\"",
                RECEIVED, out);
        assertEquals(1, out.badFrames.size());
        assertEquals(List.of("ethusd"), out.staleSymbols());
    }

    @Test
    void aFrameNamingNoChannelMakesEveryLiveBookRecheckAtOnceWithoutGoingStale() {
        BitstampSession session = live("btcusd", T);
        out.clear();
        session.onText("{\"data\":{\"bids\":[[\"100\",\"2\"", RECEIVED, out);
        assertEquals(1, out.badFrames.size());
        assertEquals(List.of(), out.stale, "most likely not a diff: the book stays served while it is rechecked");
        assertEquals(Duration.ofSeconds(1), out.timers.get("fetch|btcusd"));
        session.onText(diff("btcusd", T + 1, "[\"100\",\"2\"]", ""), RECEIVED, out);
        answerSnapshot(session, out, "btcusd", 200, restBook(T + 1, "[\"100\",\"2\"]", "[\"101\",\"1\"]"));
        BookDelta claim = out.events(BookDelta.class).get(1);
        assertEquals(List.of(), claim.updates());
        assertTrue(claim.claim() instanceof BookClaim.Checksum);
    }

    @Test
    void aRecheckClaimsTheWholeBookTheVenueHasSoADriftedBookFailsIt() {
        BitstampSession session = new BitstampSession(BitstampTestSupport.settings(Duration.ofSeconds(30), 3),
                Duration.ofSeconds(10), BitstampTestSupport.REST);
        session.subscribe(List.of("btcusd"), out);
        answerSnapshot(session, out, "btcusd", 200, restBook(T, "[\"100\",\"1\"],[\"99\",\"2\"]", "[\"101\",\"1\"]"));
        assertEquals(Duration.ofSeconds(30), out.timers.get("recheck|btcusd"));
        Book held = new Book();
        out.events.forEach(held::apply);
        out.events.clear();
        out.stale.clear();

        session.onText(diff("btcusd", T + 1, "[\"99\",\"0\"]", ""), RECEIVED, out); // applied before the recheck
        out.timers.remove("recheck|btcusd");
        session.onTimer("recheck|btcusd", out);
        session.onText(diff("btcusd", T + 2, "[\"100\",\"3\"]", ""), RECEIVED, out); // the venue's REST book has it
        // This one never reaches the book (the socket lost it): the REST book, taken after it, has it.
        String lost = diff("btcusd", T + 3, "", "[\"102\",\"5\"]");
        session.onText(diff("btcusd", T + 4, "[\"98\",\"7\"]", ""), RECEIVED, out); // newer than the REST book
        out.events.forEach(held::apply);
        out.events.clear();
        answerSnapshot(session, out, "btcusd", 200,
                restBook(T + 3, "[\"100\",\"3\"]", "[\"101\",\"1\"],[\"102\",\"5\"]"));
        BookDelta claim = out.only(BookDelta.class);
        assertEquals(List.of(), claim.updates(), "a claim only: nothing to apply");
        assertEquals(T + 4, claim.venueSequence());
        BookClaim.Checksum checksum = (BookClaim.Checksum) claim.claim();
        assertEquals(SplicedBook.WHOLE_BOOK, checksum.layout());

        Book venue = new Book();
        venue.set(true, "100", "3");
        venue.set(true, "98", "7");
        venue.set(false, "101", "1");
        venue.set(false, "102", "5");
        assertEquals(venue.crc(), checksum.expected(), "the venue's book now, rebuilt from REST + the diffs after it");
        assertNotEquals(held.crc(), checksum.expected(), "the held book misses " + lost + ": it fails the claim");
        assertEquals(1, session.counters().checksumChecks());
        assertEquals(List.of(), out.stale, "the session cannot tell; the MarketActor that holds the book can");
        assertEquals(Duration.ofSeconds(30), out.timers.get("recheck|btcusd"), "the next recheck");
    }

    @Test
    void aRecheckBookNewerThanTheStreamWaitsForTheDiffsItHoldsToArrive() {
        BitstampSession session = new BitstampSession(BitstampTestSupport.settings(Duration.ofSeconds(30), 3),
                Duration.ofSeconds(10), BitstampTestSupport.REST);
        session.subscribe(List.of("btcusd"), out);
        answerSnapshot(session, out, "btcusd", 200, restBook(T, "[\"100\",\"1\"]", "[\"101\",\"1\"]"));
        session.onTimer("recheck|btcusd", out);
        out.events.clear();
        // The REST answer overtook the diff at T + 5 on the socket: it holds the 99 bid, the book not yet.
        answerSnapshot(session, out, "btcusd", 200, restBook(T + 5, "[\"100\",\"1\"],[\"99\",\"2\"]", "[\"101\",\"1\"]"));
        assertEquals(List.of(), out.events, "not compared yet");
        session.onText(diff("btcusd", T + 5, "[\"99\",\"2\"]", ""), RECEIVED, out);
        session.onText(diff("btcusd", T + 9, "[\"98\",\"3\"]", ""), RECEIVED, out);
        List<BookDelta> sent = out.events(BookDelta.class);
        assertEquals(3, sent.size());
        assertEquals(T + 5, sent.get(0).venueSequence());
        BookClaim.Checksum claim = (BookClaim.Checksum) sent.get(1).claim();
        assertEquals(T + 5, sent.get(1).venueSequence(), "compared once the stream passed the REST book, before going on");
        Book held = new Book();
        held.set(true, "100", "1");
        held.set(true, "99", "2");
        held.set(false, "101", "1");
        assertEquals(held.crc(), claim.expected());
        assertEquals(T + 9, sent.get(2).venueSequence());

        // A quiet book: compared when the settle timer fires; a lost diff shows as a different book.
        session.onTimer("recheck|btcusd", out);
        answerSnapshot(session, out, "btcusd", 200, restBook(T + 12, "[\"100\",\"1\"],[\"99\",\"2\"],[\"98\",\"3\"]",
                "[\"101\",\"4\"]"));
        out.events.clear();
        session.onTimer("fetch|btcusd", out);
        held.set(true, "98", "3");
        assertNotEquals(held.crc(), ((BookClaim.Checksum) out.only(BookDelta.class).claim()).expected(),
                "the venue's 101 ask of 4 never reached the book");
        assertEquals(2, session.counters().checksumChecks());
    }

    @Test
    void aRecheckThatFindsNoRecentEnoughSnapshotIsSkippedAndTheBookKeepsGoing() {
        BitstampSession session = new BitstampSession(BitstampTestSupport.settings(Duration.ofSeconds(30), 2),
                Duration.ofSeconds(10), BitstampTestSupport.REST);
        session.subscribe(List.of("btcusd"), out);
        answerSnapshot(session, out, "btcusd", 200, restBook(T, "[\"100\",\"1\"]", "[\"101\",\"1\"]"));
        session.onText(diff("btcusd", T + 10, "[\"99\",\"1\"]", ""), RECEIVED, out);
        out.clear();
        session.onTimer("recheck|btcusd", out);
        answerSnapshot(session, out, "btcusd", 200, restBook(T + 5, "[\"100\",\"1\"]", "[\"101\",\"1\"]"));
        answerSnapshot(session, out, "btcusd", 500, "busy");
        assertEquals(List.of(), out.events);
        assertEquals(List.of(), out.stale);
        assertEquals(1, session.counters().rechecksSkipped());
        assertEquals(1, session.counters().snapshotsTooOld());
        assertEquals(List.of("REST order book of btcusd failed: HTTP 500"), out.venueErrors);
        assertEquals(Duration.ofSeconds(30), out.timers.get("recheck|btcusd"));
        session.onText(diff("btcusd", T + 11, "[\"98\",\"1\"]", ""), RECEIVED, out);
        assertEquals(1, out.events(BookDelta.class).size());
    }

    @Test
    void failedOrUnreadableSnapshotsAreFetchedAgainAndAnAbandonedFetchIsIgnored() {
        BitstampSession session = BitstampTestSupport.session();
        session.subscribe(List.of("btcusd"), out);
        session.onTimer("fetch|btcusd", out);
        String firstTag = out.fetches.get(0).tag();
        session.onFetched(firstTag, FetchResponse.failed("connection refused"), out);
        assertEquals(List.of("REST order book of btcusd failed: connection refused"), out.venueErrors);
        assertEquals(Duration.ofMillis(500), out.timers.get("fetch|btcusd"));
        answerSnapshot(session, out, "btcusd", 200, "<html>maintenance</html>");
        assertTrue(out.badFrameReasons().get(0).startsWith("REST order book of btcusd not understood"));
        // A book that starts over starts a new round: an answer to the earlier round changes nothing.
        session.resync("btcusd", out);
        assertEquals(BookSync.Mode.SYNCING, session.mode("btcusd"), "already syncing: a resync request changes nothing");
        session.onText(diff("btcusd", T - 1, "[\"1\",\"x\"]", ""), RECEIVED, out);
        session.onFetched(firstTag, new FetchResponse(200, restBook(T, "[\"1\",\"1\"]", ""), null), out);
        assertEquals(List.of(), out.events);
        assertEquals(2, session.counters().snapshotFailures());
    }

    @Test
    void aBookFollowedAgainOnTheSameSocketTakesNoAnswerMeantForItsPredecessor() {
        BitstampSession session = BitstampTestSupport.session();
        session.subscribe(List.of("btcusd"), out);
        session.onTimer("fetch|btcusd", out);
        String oldTag = out.fetches.get(0).tag();
        session.unsubscribe(List.of("btcusd"), out);
        session.subscribe(List.of("btcusd"), out);
        session.onFetched(oldTag, new FetchResponse(200, restBook(T, "[\"1\",\"1\"]", ""), null), out);
        assertEquals(List.of(), out.events);
        answerSnapshot(session, out, "btcusd", 200, restBook(T, "[\"2\",\"1\"]", ""));
        assertEquals("[[2, 1]]", out.only(BookSnapshot.class).bids().toString());
    }

    @Test
    void aBookThatBuffersTooMuchGivesUpStale() {
        BitstampSession session = new BitstampSession(new BitstampSettings(Duration.ofSeconds(1), Duration.ofSeconds(1),
                3, Duration.ZERO, Duration.ZERO, 3), Duration.ofSeconds(10), BitstampTestSupport.REST);
        session.subscribe(List.of("btcusd"), out);
        out.clear();
        for (int i = 1; i <= 4; i++) {
            session.onText(diff("btcusd", T + i, "[\"99\",\"" + i + "\"]", ""), RECEIVED, out);
        }
        assertEquals(List.of("btcusd"), out.staleSymbols());
        assertTrue(out.stale.get(0).reason().contains("more than 3 diffs buffered"));
        assertEquals(BookSync.Mode.GIVEN_UP, session.mode("btcusd"));
        assertEquals(1, session.counters().syncsGivenUp());
    }

    @Test
    void sizesOfAnyWidthStayExactInBooksAndRechecks() {
        BitstampSession session = new BitstampSession(BitstampTestSupport.settings(Duration.ofSeconds(30), 3),
                Duration.ofSeconds(10), BitstampTestSupport.REST);
        session.subscribe(List.of("pepeusd"), out);
        session.onText(diff("pepeusd", T + 1, "[\"0.0000000122\",\"987654321098.76543210\"]", ""), RECEIVED, out);
        session.onText(diff("pepeusd", T + 2, "[\"0.0000000123\",\"123456789012.12345678\"]", ""), RECEIVED, out);
        answerSnapshot(session, out, "pepeusd", 200, restBook(T + 1, "[\"0.0000000122\",\"987654321098.76543210\"]",
                "[\"0.0000000125\",\"1\"]"));
        BookSnapshot book = out.only(BookSnapshot.class);
        assertEquals(new BigDecimal("123456789012.12345678"), book.bids().get(0).exactSize(), "20 digits, exact");
        assertEquals(new BigDecimal("987654321098.7654321"), book.bids().get(1).exactSize());
        Book held = new Book();
        held.apply(book);
        session.onTimer("recheck|pepeusd", out);
        answerSnapshot(session, out, "pepeusd", 200, restBook(T + 2, "[\"0.0000000123\",\"123456789012.12345678\"],"
                + "[\"0.0000000122\",\"987654321098.76543210\"]", "[\"0.0000000125\",\"1\"]"));
        BookDelta claim = out.events(BookDelta.class).get(0);
        assertEquals(held.crc(), ((BookClaim.Checksum) claim.claim()).expected(), "the claim is over the exact digits");
    }

    @Test
    void tradesNameTheTakerByType() {
        BitstampSession session = BitstampTestSupport.session();
        session.subscribe(List.of("pepeusd"), out);
        out.clear();
        session.onText(trade("pepeusd", "\"id\":7,\"type\":0,\"price_str\":\"0.0000000123\",\"amount_str\":\"98765432109.123456789\""), RECEIVED, out);
        session.onText(trade("pepeusd", "\"id\":8,\"id_str\":\"8\",\"type\":1,\"price\":0.0000000124,\"amount\":5"), RECEIVED, out);
        session.onText(trade("pepeusd", "\"id\":9,\"price_str\":\"0.0000000125\",\"amount_str\":\"1\""), RECEIVED, out);
        session.onText(trade("pepeusd", "\"id\":10,\"type\":0,\"price_str\":\"abc\",\"amount_str\":\"1\""), RECEIVED, out);
        List<Trade> trades = out.events(Trade.class);
        assertEquals(3, trades.size());
        assertEquals(new Trade(trades.get(0).market(), "7", Decimals.parse("0.0000000123"),
                new BigDecimal("98765432109.123456789"), Side.BID, T / 1000, RECEIVED), trades.get(0), "a 20-digit amount, exact");
        assertEquals(Side.ASK, trades.get(1).aggressor());
        assertEquals(Decimals.parse("0.0000000124"), trades.get(1).price(), "a float read from its literal text, exactly");
        assertNull(trades.get(2).aggressor(), "no type: the taker is not known");
        assertEquals(1, out.badFrames.size());
    }

    @Test
    void controlAndUnknownFrames() {
        BitstampSession session = BitstampTestSupport.session();
        session.subscribe(List.of("btcusd"), out);
        out.clear();
        session.onText("{\"event\":\"bts:request_reconnect\",\"channel\":\"\",\"data\":null}", RECEIVED, out);
        assertEquals(List.of("Bitstamp sent bts:request_reconnect"), out.reconnects);
        session.onText("{\"event\":\"bts:request_reconnect\",\"channel\":\"\",\"data\":\"\"}", RECEIVED, out);
        assertEquals(2, out.reconnects.size(), "matched on the event alone, whatever its data");
        session.onText("{\"event\":\"bts:error\",\"channel\":\"\",\"data\":{\"code\":4009,\"message\":\"Connection is unauthorized.\"}}", RECEIVED, out);
        assertEquals(List.of("Bitstamp error 4009: Connection is unauthorized."), out.venueErrors);
        session.onText("{\"event\":\"bts:surprise\",\"channel\":\"\",\"data\":{}}", RECEIVED, out);
        session.onText("{\"channel\":\"live_trades_btcusd\",\"data\":{}}", RECEIVED, out);
        assertEquals(List.of("unknown Bitstamp event 'bts:surprise'", "Bitstamp frame without an event"),
                out.badFrameReasons());
        assertEquals(List.of(), out.stale, "frames read whole that are no diff change no book");
        assertEquals(List.of(), out.events);
        // Not an object: it may have been anything, a diff of the book being buffered among others.
        session.onText("[1,2]", RECEIVED, out);
        assertEquals(3, out.badFrames.size());
        assertEquals(List.of("btcusd"), out.staleSymbols());
    }

    @Test
    void tickersComeFromTheRestApiForTheFollowedPairsOnly() {
        BitstampSession session = new BitstampSession(new BitstampSettings(Duration.ofSeconds(1), Duration.ofSeconds(1),
                3, Duration.ZERO, Duration.ofSeconds(20), 100), Duration.ofSeconds(10), BitstampTestSupport.REST);
        session.subscribe(List.of("btcusd"), out);
        assertEquals(Duration.ofSeconds(1), out.timers.get(BitstampSession.TICKERS));
        session.onTimer(BitstampSession.TICKERS, out);
        RecordingOutput.Fetch fetch = out.fetches.get(out.fetches.size() - 1);
        assertEquals(BitstampTestSupport.REST + "/api/v2/ticker/", fetch.request().url());
        session.onFetched(BitstampSession.TICKERS, new FetchResponse(200, "[{\"timestamp\":\"1800000000\",\"open\":\"64000\","
                + "\"high\":\"66000\",\"low\":\"63000\",\"last\":\"65000.5\",\"volume\":\"123456789012.12345678\",\"vwap\":\"64500\","
                + "\"bid\":\"65000\",\"ask\":\"65001\",\"open_24\":\"64100\",\"percent_change_24\":\"1.40\",\"pair\":\"BTC/USD\"},"
                + "{\"timestamp\":\"1800000000\",\"last\":\"3000\",\"volume\":\"5\",\"bid\":\"2999\",\"ask\":\"3001\",\"pair\":\"ETH/USD\"}]",
                null), out);
        Ticker ticker = out.only(Ticker.class);
        assertEquals("btcusd", ticker.market().symbol());
        assertEquals(Decimals.parse("65000"), ticker.bestBid());
        assertEquals(Decimals.parse("65001"), ticker.bestAsk());
        assertNull(ticker.bestBidSize(), "Bitstamp's ticker has no sizes");
        assertEquals(Decimals.parse("65000.5"), ticker.lastPrice());
        assertEquals(new BigDecimal("123456789012.12345678"), ticker.volume(), "20 digits, exact");
        assertEquals(1_800_000_000_000L, ticker.venueTimestamp());
        assertEquals(Duration.ofSeconds(20), out.timers.get(BitstampSession.TICKERS), "polled again");
        assertFalse(out.timers.isEmpty());
    }

    /** A session whose book of {@code pair} is live from a snapshot at {@code micros} (100 x 1 / 101 x 1). */
    private BitstampSession live(String pair, long micros) {
        BitstampSession session = BitstampTestSupport.session();
        session.subscribe(List.of(pair), out);
        answerSnapshot(session, out, pair, 200, restBook(micros, "[\"100\",\"1\"]", "[\"101\",\"1\"]"));
        assertEquals(BookSync.Mode.LIVE, session.mode(pair));
        return session;
    }

    private static String trade(String pair, String fields) {
        return "{\"data\":{" + fields + ",\"timestamp\":\"" + T / 1_000_000 + "\",\"microtimestamp\":\"" + T
                + "\",\"buy_order_id\":1,\"sell_order_id\":2},\"channel\":\"live_trades_" + pair + "\",\"event\":\"trade\"}";
    }
}

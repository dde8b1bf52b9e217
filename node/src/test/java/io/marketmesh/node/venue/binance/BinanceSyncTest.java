package io.marketmesh.node.venue.binance;

import static io.marketmesh.node.venue.binance.BinanceTestSupport.RECEIVED_AT;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.diff;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.lastFetch;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.level;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.ok;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The splice and the chain on hand-made diffs: what happens when the venue's update ids do not line up (a lost diff,
 * a snapshot older than the buffer, a snapshot that does not come), and when a market's actor asks for a resync.
 */
class BinanceSyncTest {

    private static final String BTC = "BTCUSDT";

    private final RecordingOutput out = new RecordingOutput();
    private final AtomicLong clock = new AtomicLong(RECEIVED_AT);
    private final BinanceSession session = BinanceTestSupport.session(clock);

    private void feed(String frame) {
        session.onText(frame, clock.get(), out);
    }

    private void answer(String body) {
        session.onFetched(lastFetch(out).tag(), ok(body), out);
    }

    /** Subscribed, first diff 101..103 buffered, snapshot at 102 spliced: live at 103. */
    private void live() {
        session.subscribe(List.of(BTC), out);
        feed(diff(BTC, 101, 103, "[\"100.5\",\"2\"]", ""));
        answer(snapshot(102, "[\"100.5\",\"1\"],[\"100.4\",\"3\"]", "[\"100.6\",\"4\"]"));
        assertEquals(BookSync.State.LIVE, session.book(BTC).state());
        out.clear();
    }

    @Test
    void theSnapshotIsFetchedOnceTheFirstDiffIsBufferedAndSplicedOntoIt() {
        session.subscribe(List.of(BTC), out);
        assertEquals(List.of(), out.fetches, "not before the stream has started");
        feed(diff(BTC, 98, 100, "", "[\"100.6\",\"1\"]"));
        feed(diff(BTC, 101, 103, "[\"100.5\",\"2\"]", ""));
        assertEquals(1, out.fetches.size(), "one snapshot for the buffered diffs");
        assertEquals("http://rest.test/api/v3/depth?symbol=BTCUSDT&limit=1000", lastFetch(out).request().url());
        assertEquals(Duration.ofSeconds(10), lastFetch(out).request().timeout());
        feed(diff(BTC, 104, 104, "", "[\"100.7\",\"5\"]"));

        answer(snapshot(102, "[\"100.5\",\"1\"]", "[\"100.6\",\"4\"]"));

        assertEquals(List.of(), out.stale);
        BookSnapshot snapshot = out.events(BookSnapshot.class).get(0);
        assertEquals(102, snapshot.venueSequence());
        assertEquals(List.of(level("100.5", "1")), snapshot.bids());
        List<BookDelta> deltas = out.events(BookDelta.class);
        assertEquals(List.of(103L, 104L), deltas.stream().map(BookDelta::venueSequence).toList(),
                "98..100 dropped (the snapshot holds it), 101..103 bridges 102, 104 follows");
        assertEquals(1_700_000_000_103L, deltas.get(0).venueTimestamp());
        BinanceTestSupport.Book book = BinanceTestSupport.Book.of(out.events, BTC);
        assertEquals(List.of(level("100.5", "2")), book.bidLevels());
        assertEquals(List.of(level("100.6", "4"), level("100.7", "5")), book.askLevels());
        assertEquals(1, session.counters().diffsDroppedAtSplice());

        feed(diff(BTC, 105, 106, "[\"100.5\",\"0\"]", ""));
        assertEquals(List.of(), BinanceTestSupport.Book.of(out.events, BTC).bidLevels(), "size 0 removes the level");
    }

    @Test
    void aLostDiffMarksTheBookStaleAndFetchesAFreshSnapshot() {
        live();
        feed(diff(BTC, 104, 105, "", ""));
        feed(diff(BTC, 108, 109, "[\"100.3\",\"1\"]", "")); // 106..107 never came

        assertEquals(List.of(BTC), out.staleSymbols());
        assertEquals("diff U=108 does not follow u=105 (2 update ids missing)", out.stale.get(0).reason());
        assertEquals(1, out.events(BookDelta.class).size(), "the diff after the gap is not applied to the old book");
        assertEquals(1, out.fetches.size(), "a fresh snapshot at once");
        assertEquals(1, session.counters().sequenceFailures());
        assertEquals(2, out.sequenceChecks, "each diff's ids checked and reported to the socket's counters");
        assertEquals(1, out.sequenceFailures);

        feed(diff(BTC, 110, 110, "", "[\"100.9\",\"1\"]"));
        answer(snapshot(109, "[\"100.3\",\"1\"]", "[\"100.6\",\"4\"]"));

        BookSnapshot fresh = out.events(BookSnapshot.class).get(0);
        assertEquals(109, fresh.venueSequence());
        assertEquals(List.of(110L), out.events(BookDelta.class).stream().skip(1).map(BookDelta::venueSequence).toList());
        assertEquals(BookSync.State.LIVE, session.book(BTC).state());
        assertEquals(1, out.stale.size(), "healed without another gap");
    }

    @Test
    void aSnapshotOlderThanTheFirstBufferedDiffIsFetchedAgainOnATimer() {
        session.subscribe(List.of(BTC), out);
        feed(diff(BTC, 201, 203, "[\"1\",\"1\"]", ""));
        answer(snapshot(199, "[\"1\",\"9\"]", "")); // 200 is missing between the snapshot and the buffer

        assertEquals(List.of(), out.events(BookSnapshot.class), "an old snapshot is never spliced");
        assertEquals(List.of(), out.stale);
        assertEquals(Duration.ofMillis(500), out.timers.get("retry:BTCUSDT"), "fetched again later, not in a hot loop");
        assertEquals(1, out.fetches.size());
        assertEquals(1, session.counters().snapshotsTooOld());

        feed(diff(BTC, 204, 204, "", "[\"2\",\"1\"]"));
        session.onTimer("retry:BTCUSDT", out);
        assertEquals(2, out.fetches.size());
        answer(snapshot(202, "[\"1\",\"5\"]", ""));

        assertEquals(202, out.events(BookSnapshot.class).get(0).venueSequence());
        assertEquals(List.of(203L, 204L), out.events(BookDelta.class).stream().map(BookDelta::venueSequence).toList());
        assertEquals(List.of(level("1", "1")), BinanceTestSupport.Book.of(out.events, BTC).bidLevels());
    }

    @Test
    void snapshotsThatStayTooOldAreRetriedABoundedNumberOfTimesWithGrowingDelays() {
        BinanceSession bounded = BinanceTestSupport.session(10, Map.of("snapshot-attempts", 3), clock);
        bounded.subscribe(List.of(BTC), out);
        bounded.onText(diff(BTC, 301, 301, "", ""), clock.get(), out);
        bounded.onFetched(lastFetch(out).tag(), ok(snapshot(10, "", "")), out);
        assertEquals(Duration.ofMillis(500), out.timers.get("retry:BTCUSDT"));
        bounded.onTimer("retry:BTCUSDT", out);
        bounded.onFetched(lastFetch(out).tag(), ok(snapshot(11, "", "")), out);
        assertEquals(Duration.ofMillis(1000), out.timers.get("retry:BTCUSDT"), "the delay doubles");
        bounded.onTimer("retry:BTCUSDT", out);
        out.timers.clear();
        bounded.onFetched(lastFetch(out).tag(), ok(snapshot(12, "", "")), out);

        assertEquals(3, out.fetches.size());
        assertEquals(Map.of(), out.timers, "no further attempt of its own");
        bounded.onTimer("quiet:BTCUSDT", out);
        assertEquals(3, out.fetches.size(), "a quiet timer left from the subscription fetches nothing now");
        assertEquals(BookSync.State.GAVE_UP, bounded.book(BTC).state());
        assertEquals(1, out.venueErrors.size());
        assertTrue(out.venueErrors.get(0).contains("no usable depth snapshot"), out.venueErrors.get(0));

        // The market's actor keeps asking (with its own backoff): that starts a new round.
        bounded.onText(diff(BTC, 302, 302, "", ""), clock.get(), out);
        bounded.resync(BTC, out);
        assertEquals(4, out.fetches.size());
        bounded.onFetched(lastFetch(out).tag(), ok(snapshot(301, "[\"5\",\"5\"]", "")), out);
        assertEquals(BookSync.State.LIVE, bounded.book(BTC).state());
        assertEquals(302, BinanceTestSupport.Book.of(out.events, BTC).sequence);
    }

    @Test
    void aFailedFetchIsRetriedButARateLimitWaitsForTheMarketsResync() {
        session.subscribe(List.of(BTC, "ETHUSDT"), out);
        feed(diff(BTC, 1, 1, "", ""));
        feed(diff("ETHUSDT", 1, 1, "", ""));
        session.onFetched(out.fetches.get(0).tag(), new FetchResponse(503, "busy", null), out);
        session.onFetched(out.fetches.get(1).tag(), new FetchResponse(429, "{\"code\":-1003,\"msg\":\"Too many requests\"}", null), out);

        assertEquals(BookSync.State.RETRY_WAIT, session.book(BTC).state());
        assertEquals(BookSync.State.GAVE_UP, session.book("ETHUSDT").state());
        assertEquals(Duration.ofMillis(500), out.timers.get("retry:BTCUSDT"));
        assertEquals(null, out.timers.get("retry:ETHUSDT"));
        assertEquals(1, out.venueErrors.size());
        assertTrue(out.venueErrors.get(0).contains("HTTP 429"), out.venueErrors.get(0));
        assertEquals(2, session.counters().snapshotFailures());

        session.onFetched(out.fetches.get(0).tag(), ok(snapshot(1, "", "")), out);
        assertEquals(List.of(), out.events(BookSnapshot.class), "an answer to a fetch already answered is ignored");
    }

    @Test
    void anUnreadableSnapshotIsABadFrameAndFetchedAgain() {
        session.subscribe(List.of(BTC), out);
        feed(diff(BTC, 1, 1, "", ""));
        answer("{\"lastUpdateId\":1,\"bids\":[[\"x\",\"1\"]],\"asks\":[]}");
        assertEquals(1, out.badFrames.size());
        assertEquals(BookSync.State.RETRY_WAIT, session.book(BTC).state());
    }

    @Test
    void aQuietMarketIsSnapshottedOnceItsSubscriptionIsConfirmedAndTheNextDiffMustBridgeIt() {
        session.subscribe(List.of(BTC), out);
        assertEquals(Duration.ofMillis(6250), out.timers.get("quiet:BTCUSDT"),
                "unconfirmed: twice quiet-snapshot-after, plus a quarter second per request sent");
        feed("{\"result\":null,\"id\":1}");
        assertEquals(Duration.ofSeconds(3), out.timers.get("quiet:BTCUSDT"), "confirmed: the stream runs");
        session.onTimer("quiet:BTCUSDT", out);
        answer(snapshot(50, "[\"9\",\"1\"]", "[\"10\",\"1\"]"));
        assertEquals(50, out.events(BookSnapshot.class).get(0).venueSequence(), "nothing moved: the snapshot is the book");

        feed(diff(BTC, 53, 54, "", "")); // the snapshot lagged: 51..52 happened before it was taken... and never came
        assertEquals(List.of(BTC), out.staleSymbols());
        assertTrue(out.stale.get(0).reason().contains("does not bridge"), out.stale.get(0).reason());
        assertEquals(2, out.fetches.size());
    }

    @Test
    void aResyncOfALiveBookWaitsForTheNextDiffThenSplicesAFreshSnapshot() {
        live();
        session.resync(BTC, out);
        assertEquals(BookSync.State.WAITING, session.book(BTC).state());
        assertEquals(List.of(), out.fetches);
        feed(diff(BTC, 104, 104, "", ""));
        assertEquals(1, out.fetches.size());
        session.resync(BTC, out);
        assertEquals(1, out.fetches.size(), "a resync while a snapshot is on its way asks for nothing more");
        answer(snapshot(104, "[\"7\",\"7\"]", ""));
        assertEquals(104, out.events(BookSnapshot.class).get(0).venueSequence());
        assertEquals(BookSync.State.LIVE, session.book(BTC).state());
    }

    @Test
    void aGapInsideTheBufferStartsTheBufferOver() {
        session.subscribe(List.of(BTC), out);
        feed(diff(BTC, 10, 11, "[\"1\",\"1\"]", ""));
        feed(diff(BTC, 15, 16, "[\"2\",\"2\"]", "")); // 12..14 lost while buffering
        answer(snapshot(11, "", ""));
        assertEquals(List.of(), out.events(BookSnapshot.class), "11 cannot reach the new first diff at 15");
        session.onTimer("retry:BTCUSDT", out);
        answer(snapshot(15, "[\"2\",\"9\"]", ""));
        assertEquals(List.of(16L), out.events(BookDelta.class).stream().map(BookDelta::venueSequence).toList());
        assertEquals(1, session.counters().sequenceFailures());
    }

    @Test
    void aFullBufferDropsItsOldestDiffs() {
        BinanceSession small = BinanceTestSupport.session(10, Map.of("diff-buffer", 3), clock);
        small.subscribe(List.of(BTC), out);
        for (long u = 1; u <= 5; u++) {
            small.onText(diff(BTC, u, u, "[\"" + u + "\",\"1\"]", ""), clock.get(), out);
        }
        assertEquals(3, small.book(BTC).buffered());
        assertEquals(2, small.counters().diffsDroppedFromFullBuffer());
        small.onFetched(lastFetch(out).tag(), ok(snapshot(1, "", "")), out);
        assertEquals(List.of(), out.events(BookSnapshot.class), "the diffs it needed were dropped: too old now");
        small.onTimer("retry:BTCUSDT", out);
        small.onFetched(lastFetch(out).tag(), ok(snapshot(3, "", "")), out);
        assertEquals(List.of(4L, 5L), out.events(BookDelta.class).stream().map(BookDelta::venueSequence).toList());
    }

    @Test
    void atMostSnapshotsInFlightAreAskedAtOnce() {
        BinanceSession paced = BinanceTestSupport.session(10, Map.of("snapshots-in-flight", 2), clock);
        List<String> symbols = List.of("AAAUSDT", "BBBUSDT", "CCCUSDT", "DDDUSDT");
        paced.subscribe(symbols, out);
        for (String s : symbols) {
            paced.onText(diff(s, 1, 1, "", ""), clock.get(), out);
        }
        assertEquals(2, out.fetches.size());
        paced.onFetched(out.fetches.get(0).tag(), ok(snapshot(1, "", "")), out);
        assertEquals(3, out.fetches.size());
        assertTrue(lastFetch(out).request().url().contains("symbol=CCCUSDT"));
        paced.onFetched(out.fetches.get(1).tag(), new FetchResponse(0, "", "connection refused"), out);
        assertEquals(4, out.fetches.size());
        assertTrue(lastFetch(out).request().url().contains("symbol=DDDUSDT"));
    }

    @Test
    void anUnsubscribedMarketForgetsItsSyncAndItsLateSnapshot() {
        session.subscribe(List.of(BTC), out);
        feed(diff(BTC, 1, 1, "", ""));
        String tag = lastFetch(out).tag();
        session.unsubscribe(List.of(BTC), out);
        assertEquals("{\"method\":\"UNSUBSCRIBE\",\"params\":[\"btcusdt@depth@100ms\",\"btcusdt@trade\","
                + "\"btcusdt@bookTicker\"],\"id\":2}", out.sent.get(1));
        session.onFetched(tag, ok(snapshot(1, "", "")), out);
        feed(diff(BTC, 2, 2, "", ""));
        assertEquals(List.of(), out.events);
        assertEquals(1, session.counters().framesForUnknownMarkets());
    }

    @Test
    void microPricesAndHugeSizesStayExact() {
        String pepe = "PEPEUSDT";
        session.subscribe(List.of(pepe), out);
        feed(diff(pepe, 1, 2, "[\"0.00000012\",\"123456789012.12345\"]", "[\"0.0000000123\",\"99999999999999999\"]"));
        answer(snapshot(1, "[\"0.00000011\",\"1234567890.123\"]", "[\"0.00000013\",\"1\"]"));
        BinanceTestSupport.Book book = BinanceTestSupport.Book.of(out.events, pepe);
        assertEquals(List.of(level("0.00000012", "123456789012.12345"), level("0.00000011", "1234567890.123")),
                book.bidLevels());
        assertEquals(List.of(level("0.0000000123", "99999999999999999"), level("0.00000013", "1")), book.askLevels());
        assertEquals("0.0000000123", io.marketmesh.protocol.Decimals.toString(book.askLevels().get(0).price()));
        assertEquals("123456789012.12345",
                io.marketmesh.protocol.Decimals.toString(book.bidLevels().get(0).size()));
    }
}

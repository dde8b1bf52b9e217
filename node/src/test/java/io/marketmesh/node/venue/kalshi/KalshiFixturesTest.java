package io.marketmesh.node.venue.kalshi;

import io.marketmesh.node.testkit.RecordingOutput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.protocol.BookDelta;
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
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every real captured Kalshi file, fed in order through a session. The captures are excerpts: where they skip seq
 * numbers the session must (and does) treat it as a gap, and where a capture starts after the subscription was
 * confirmed, the test writes that confirmation first (marked "not in the capture").
 */
class KalshiFixturesTest {

    private static final String DEMO = "testcode-embedded__demo_capture_2026-08-27_frames.jsonl";
    private static final String PROD = "testcode-embedded__prod_capture_2026-07-28_frames.jsonl";
    private static final String RUST = "testcode-embedded__rust_decoder_prod_frames_2026-05-29.jsonl";
    private static final String LIFECYCLE = "testcode-embedded__market_lifecycle_v2_live_nats_2026-07-19.jsonl";
    private static final String LEGACY_TICKER = "ssmd-doc__ticker_legacy_integer_cents_2024-11-26.json";

    private static final long RECEIVED = 1_800_000_000_000L;

    private final RecordingOutput out = new RecordingOutput();

    @Test
    void everyCapturedFileHasATestHere() {
        Set<String> files = Fixtures.all("kalshi").stream().map(Path::getFileName).map(Path::toString)
                .collect(Collectors.toSet());
        assertEquals(Set.of(DEMO, PROD, RUST, LIFECYCLE, LEGACY_TICKER), files,
                "a new Kalshi capture needs its own test in this class");
    }

    @Test
    void demoCaptureNormalizesTheBookAndTreatsTheSkippedSeqNumbersAsAGap() {
        List<String> frames = Fixtures.lines("kalshi", DEMO);
        assertEquals(7, frames.size());
        String gold = "KXGOLDH-26AUG2711-T4615.99";
        KalshiSession session = session(10);
        session.subscribe(List.of(gold), out);
        assertEquals(List.of(
                "{\"id\":1,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":[\"" + gold + "\"]}}",
                "{\"id\":2,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"trade\",\"ticker\"],\"market_tickers\":[\"" + gold + "\"]}}",
                "{\"id\":3,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"market_lifecycle_v2\"]}}"),
                out.sent);

        feed(session, frames.get(0)); // subscribed id 1 → orderbook_delta on sid 1
        feed(session, confirm(2, "ticker", 4)); // not in the capture: the ticker frame below arrives on sid 4
        out.clear();

        feed(session, frames.get(1));
        BookSnapshot snapshot = only(BookSnapshot.class);
        assertEquals(new MarketKey(Venue.KALSHI, gold), snapshot.market());
        assertEquals(List.of(level("0.01", "1410")), snapshot.bids());
        // NO bids 0.0100 x 100 and 0.0200 x 2500 are YES asks at 0.99 and 0.98, best (lowest) first.
        assertEquals(List.of(level("0.98", "2500"), level("0.99", "100")), snapshot.asks());
        assertEquals(1, snapshot.venueSequence());
        assertEquals(RECEIVED, snapshot.receivedAt());

        feed(session, frames.get(2));
        BookDelta delta = only(BookDelta.class);
        assertEquals(BookDelta.Mode.RELATIVE, delta.mode());
        assertEquals(List.of(new LevelUpdate(Side.BID, d("0.01"), d("10"))), delta.updates());
        assertEquals(2, delta.venueSequence());
        assertEquals(1787838983996L, delta.venueTimestamp());
        assertTrue(delta.claim() == null, "Kalshi promises nothing about the book after a change");

        feed(session, frames.get(3));
        Ticker ticker = only(Ticker.class);
        assertEquals(d("0.01"), ticker.bestBid());
        assertEquals(new java.math.BigDecimal("1410"), ticker.bestBidSize());
        assertEquals(d("0.98"), ticker.bestAsk());
        assertEquals(new java.math.BigDecimal("2500"), ticker.bestAskSize());
        assertEquals(0, ticker.lastPrice());
        assertEquals(0, java.math.BigDecimal.ZERO.compareTo(ticker.volume()));
        assertEquals(0, java.math.BigDecimal.ZERO.compareTo(ticker.openInterest()));
        assertEquals(1787838990880L, ticker.venueTimestamp());

        // The ok ack carries seq 108 on sid 1; the excerpt left out seq 3..107, so this is a gap on the book sid.
        feed(session, frames.get(4));
        assertEquals(List.of(new RecordingOutput.Stale(gold, "sequence gap on sid 1: expected 3 got 108")), out.stale);
        assertEquals(List.of(
                "{\"id\":4,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[1]}}",
                "{\"id\":5,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":[\"" + gold + "\"]}}"),
                out.sent);
        assertTrue(out.events.isEmpty());
        out.clear();

        feed(session, frames.get(5)); // the captured error for id 3, here the id of the lifecycle subscribe
        assertEquals(List.of("kalshi error code 8: Unknown channel name (request id 3)"), out.venueErrors);

        // A snapshot on the dropped sid 1 (seq restarted: it is from another connection) is never applied here.
        feed(session, frames.get(6));
        assertTrue(out.events.isEmpty());
        assertTrue(out.badFrames.isEmpty());
    }

    @Test
    void demoCaptureOkAckConsumesItsSeqNumber() {
        List<String> frames = Fixtures.lines("kalshi", DEMO);
        // The capture's snapshot numbered 107 and its delta numbered 109 (only the seq changed), around the real ok.
        String snapshot107 = frames.get(1).replace("\"seq\":1,", "\"seq\":107,");
        String delta109 = frames.get(2).replace("\"seq\":2,", "\"seq\":109,");
        KalshiSession fresh = session(10);
        fresh.subscribe(List.of("KXGOLDH-26AUG2711-T4615.99"), out);
        feed(fresh, frames.get(0));
        feed(fresh, snapshot107);
        feed(fresh, frames.get(4)); // ok, seq 108
        out.clear();
        feed(fresh, delta109);
        assertEquals(List.of(), out.stale, "seq 109 follows the ok's 108");
        assertEquals(109, only(BookDelta.class).venueSequence());

        KalshiSession skipsOk = session(10);
        skipsOk.subscribe(List.of("KXGOLDH-26AUG2711-T4615.99"), out);
        feed(skipsOk, frames.get(0));
        feed(skipsOk, snapshot107);
        out.clear();
        feed(skipsOk, delta109);
        assertEquals("sequence gap on sid 1: expected 108 got 109", out.stale.get(0).reason(),
                "without the ok, 108 is missing");
    }

    @Test
    void demoCaptureSettledMarketSnapshotIsAnEmptyBook() {
        List<String> frames = Fixtures.lines("kalshi", DEMO);
        // The last frame comes from a fresh connection (sid 1 and seq 1 again), confirmed as the capture's first line.
        KalshiSession session = session(10);
        session.subscribe(List.of("KXBTCD-25AUG2617-T112999.99"), out);
        feed(session, frames.get(0));
        feed(session, frames.get(6));
        BookSnapshot empty = only(BookSnapshot.class);
        assertEquals("KXBTCD-25AUG2617-T112999.99", empty.market().symbol());
        assertEquals(List.of(), empty.bids());
        assertEquals(List.of(), empty.asks());
        assertEquals(1, empty.venueSequence());
    }

    @Test
    void prodCaptureSnapshotThenAGapOnTheSharedSidThenAnError() {
        List<String> frames = Fixtures.lines("kalshi", PROD);
        assertEquals(4, frames.size());
        String a = "KXAAAGASD-26JUL29-4.075";
        String b = "KXAAAGASD-26JUL29-4.095";
        KalshiSession session = session(10);
        session.subscribe(List.of(a, b), out);
        feed(session, frames.get(0));
        out.clear();

        feed(session, frames.get(1));
        BookSnapshot snapshot = only(BookSnapshot.class);
        assertEquals(a, snapshot.market().symbol());
        assertEquals(List.of(level("0.02", "5"), level("0.01", "1003")), snapshot.bids());
        assertEquals(List.of(level("0.99", "1000")), snapshot.asks());

        // seq 9 after 1 on sid 1, which carries both markets: both books are stale and get a new subscription.
        feed(session, frames.get(2));
        assertEquals(List.of(new RecordingOutput.Stale(a, "sequence gap on sid 1: expected 2 got 9"),
                new RecordingOutput.Stale(b, "sequence gap on sid 1: expected 2 got 9")), out.stale);
        assertEquals(List.of(
                "{\"id\":4,\"cmd\":\"unsubscribe\",\"params\":{\"sids\":[1]}}",
                "{\"id\":5,\"cmd\":\"subscribe\",\"params\":{\"channels\":[\"orderbook_delta\"],\"market_tickers\":[\"" + a + "\",\"" + b + "\"]}}"),
                out.sent);
        assertTrue(out.events.isEmpty(), "the gapped delta is not applied");

        feed(session, frames.get(3));
        assertEquals(List.of("kalshi error code 3: Channels required (request id 1)"), out.venueErrors);
        assertTrue(out.badFrames.isEmpty());
    }

    @Test
    void prodCaptureNegativeDeltaOnTheYesSideReducesABid() {
        List<String> frames = Fixtures.lines("kalshi", PROD);
        String b = "KXAAAGASD-26JUL29-4.095";
        KalshiSession session = session(10);
        session.subscribe(List.of(b), out);
        feed(session, frames.get(0));
        // Not in the capture: the book of 4.095 as seq 8, so that the captured seq 9 delta follows it.
        feed(session, "{\"type\":\"orderbook_snapshot\",\"sid\":1,\"seq\":8,\"msg\":{\"market_ticker\":\"" + b
                + "\",\"yes_dollars_fp\":[[\"0.4400\",\"12.00\"]]}}");
        out.clear();
        feed(session, frames.get(2));
        BookDelta delta = only(BookDelta.class);
        assertEquals(List.of(new LevelUpdate(Side.BID, d("0.44"), d("-5"))), delta.updates());
        assertEquals(9, delta.venueSequence());
        assertEquals(1785246962218L, delta.venueTimestamp());
    }

    @Test
    void rustDecoderFramesSnapshotTradeAndSettledMarket() {
        List<String> frames = Fixtures.lines("kalshi", RUST);
        assertEquals(5, frames.size());
        String btc = "KXBTCD-26MAY3017-T72999.99";
        String traded = "KXBTCD-26MAY3017-T73499.99";
        KalshiSession session = session(10);
        session.subscribe(List.of(btc, traded), out);
        feed(session, confirm(1, "orderbook_delta", 1)); // not in the capture, which starts with the snapshot
        feed(session, confirm(2, "trade", 2)); // not in the capture: the trade arrives on sid 2
        out.clear();

        feed(session, frames.get(0));
        BookSnapshot snapshot = only(BookSnapshot.class);
        assertEquals(List.of(level("0.02", "282"), level("0.01", "109767")), snapshot.bids());
        assertEquals(List.of(level("0.01", "5")), snapshot.asks(), "NO bid 0.99 is a YES ask at 0.01");
        out.clear();

        feed(session, frames.get(1)); // seq 4 after 1
        assertEquals(List.of(new RecordingOutput.Stale(btc, "sequence gap on sid 1: expected 2 got 4"),
                new RecordingOutput.Stale(traded, "sequence gap on sid 1: expected 2 got 4")), out.stale);
        assertTrue(out.events.isEmpty());
        out.clear();

        feed(session, frames.get(2));
        Trade trade = only(Trade.class);
        assertEquals(traded, trade.market().symbol());
        assertEquals("cd6c95cc-46e1-4654-faa5-1636dec2e5fe", trade.tradeId());
        assertEquals(d("0.42"), trade.price());
        assertEquals(new java.math.BigDecimal("3"), trade.size());
        assertEquals(Side.BID, trade.aggressor(), "taker_outcome_side yes: the taker bought YES");
        assertEquals(1780096775004L, trade.venueTimestamp());

        // The last two frames were taken on another connection: on this one sid 1 is gone.
        feed(session, frames.get(3));
        feed(session, frames.get(4));
        assertTrue(out.events.isEmpty());
        assertTrue(out.badFrames.isEmpty());

        RecordingOutput other = new RecordingOutput();
        KalshiSession settledConnection = session(10);
        settledConnection.subscribe(List.of("KXIPL-26-RCB"), other);
        settledConnection.onText(frames.get(3), RECEIVED, other);
        settledConnection.onText(frames.get(4), RECEIVED, other);
        BookSnapshot settled = (BookSnapshot) other.events.get(0);
        assertEquals("KXIPL-26-RCB", settled.market().symbol());
        assertEquals(List.of(), settled.bids());
        assertEquals(List.of(), settled.asks());
        assertEquals(221173, settled.venueSequence(), "the first seq on a sid is the baseline, whatever its value");
    }

    @Test
    void lifecycleCaptureDeterminedThenSettled() {
        List<String> frames = Fixtures.lines("kalshi", LIFECYCLE);
        assertEquals(2, frames.size());
        KalshiSession session = session(10);
        session.subscribe(List.of("KXMLBSPREAD-26JUL191605WSHATH-ATH4", "KXBNB15M-26JUL191830-30"), out);
        feed(session, confirm(3, "market_lifecycle_v2", 1)); // not in the capture; id 3 is the lifecycle subscribe
        out.clear();

        feed(session, frames.get(0));
        StatusUpdate determined = only(StatusUpdate.class);
        assertEquals("KXMLBSPREAD-26JUL191605WSHATH-ATH4", determined.market().symbol());
        assertEquals(MarketStatus.DETERMINED, determined.status());
        assertEquals("determined: result=no, settlement_value=0.0000", determined.detail());
        assertEquals(1784501722000L, determined.venueTimestamp());
        out.clear();

        // The two frames are from different points of the feed (seq goes backwards): counted, still delivered.
        feed(session, frames.get(1));
        StatusUpdate settled = only(StatusUpdate.class);
        assertEquals("KXBNB15M-26JUL191830-30", settled.market().symbol());
        assertEquals(MarketStatus.SETTLED, settled.status());
        assertEquals(1784500206000L, settled.venueTimestamp());
        assertEquals(1, session.dataSequenceGaps());
        assertTrue(out.stale.isEmpty());
    }

    @Test
    void legacyTickerPrefersDollarsAndReadsIntegerCountsAndCents() throws Exception {
        String legacy = Fixtures.read("kalshi", LEGACY_TICKER);
        String ticker = "KXRANKLISTGOOGLESEARCH-26JAN-BIA";
        KalshiSession session = session(10);
        session.subscribe(List.of(ticker), out);
        feed(session, confirm(2, "ticker", 1)); // not in the capture
        out.clear();

        feed(session, legacy);
        Ticker t = only(Ticker.class);
        assertEquals(d("0.11"), t.bestBid());
        assertEquals(d("0.12"), t.bestAsk());
        assertEquals(d("0.12"), t.lastPrice());
        assertEquals(new java.math.BigDecimal("351970"), t.volume());
        assertEquals(new java.math.BigDecimal("182646"), t.openInterest());
        assertNull(t.bestBidSize());
        assertNull(t.bestAskSize());
        assertEquals(1732579880000L, t.venueTimestamp());
        out.clear();

        // The same capture without its *_dollars strings: the integer cents alone give the same prices.
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = (ObjectNode) json.readTree(legacy);
        ((ObjectNode) root.get("msg")).remove(List.of("price_dollars", "yes_bid_dollars", "yes_ask_dollars"));
        feed(session, json.writeValueAsString(root));
        Ticker cents = only(Ticker.class);
        assertEquals(d("0.11"), cents.bestBid());
        assertEquals(d("0.12"), cents.bestAsk());
        assertEquals(d("0.12"), cents.lastPrice());
        assertEquals(new java.math.BigDecimal("351970"), cents.volume());
    }

    // ---------------------------------------------------------------- helpers

    private static KalshiSession session(int batchSize) {
        return new KalshiSession(batchSize, Duration.ofSeconds(10));
    }

    private void feed(KalshiSession session, String frame) {
        session.onText(frame, RECEIVED, out);
    }

    private static String confirm(int requestId, String channel, int sid) {
        return "{\"type\":\"subscribed\",\"id\":" + requestId + ",\"msg\":{\"channel\":\"" + channel + "\",\"sid\":" + sid + "}}";
    }

    private <T> T only(Class<T> type) {
        assertEquals(List.of(), out.badFrames);
        List<T> matching = out.events.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, matching.size(), () -> "expected one " + type.getSimpleName() + " in " + out.events);
        T event = matching.get(0);
        out.clear();
        return event;
    }

    static long d(String decimal) {
        return Decimals.parse(decimal);
    }

    static PriceLevel level(String price, String size) {
        return new PriceLevel(d(price), d(size));
    }
}

package io.marketmesh.node.venue.kraken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.ChecksumLayout;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketStatus;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.StatusUpdate;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * The session's requests and its answers to what the venue sends besides the captured books: trades and tickers (in
 * the shapes of Kraken's v2 docs; no v2 trade or ticker capture exists), the system status, request refusals,
 * malformed and unknown frames, and the precisions of the {@code instrument} channel.
 */
class KrakenSessionTest {

    private static final long RECEIVED = 1_800_000_000_000L;

    private final RecordingOutput out = new RecordingOutput();
    private final KrakenSession session = new KrakenSession(25, 2, Duration.ofSeconds(10));

    @Test
    void subscribesInstrumentsOnceThenBooksTradesAndTickersPerBatch() {
        session.subscribe(List.of("BTC/USD", "ETH/USD", "SOL/EUR"), out);
        assertEquals(List.of(
                "{\"method\":\"subscribe\",\"params\":{\"channel\":\"instrument\",\"snapshot\":true},\"req_id\":1}",
                "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/USD\",\"ETH/USD\"],\"depth\":25,\"snapshot\":true},\"req_id\":2}",
                "{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"BTC/USD\",\"ETH/USD\"],\"snapshot\":false},\"req_id\":3}",
                "{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"BTC/USD\",\"ETH/USD\"],\"snapshot\":true},\"req_id\":4}",
                "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"SOL/EUR\"],\"depth\":25,\"snapshot\":true},\"req_id\":5}",
                "{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"SOL/EUR\"],\"snapshot\":false},\"req_id\":6}",
                "{\"method\":\"subscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"SOL/EUR\"],\"snapshot\":true},\"req_id\":7}"),
                out.sent);
        out.clear();
        session.subscribe(List.of("BTC/USD", "ADA/USD"), out); // BTC/USD already carried
        assertEquals(3, out.sent.size());
        assertTrue(out.sent.stream().allMatch(s -> s.contains("[\"ADA/USD\"]")), out.sent.toString());

        out.clear();
        session.unsubscribe(List.of("ETH/USD", "DOGE/USD"), out); // DOGE/USD never carried
        assertEquals(List.of(
                "{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"ETH/USD\"],\"depth\":25},\"req_id\":11}",
                "{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"trade\",\"symbol\":[\"ETH/USD\"]},\"req_id\":12}",
                "{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"ticker\",\"symbol\":[\"ETH/USD\"]},\"req_id\":13}"),
                out.sent);
        out.clear();
        session.heartbeat(out);
        assertEquals(List.of("{\"method\":\"ping\",\"req_id\":14}"), out.sent);
        assertEquals(Duration.ofSeconds(10), session.heartbeatInterval());
    }

    @Test
    void framesOfAnUnsubscribedMarketAreDropped() {
        session.subscribe(List.of("BTC/USD", "ETH/USD"), out);
        session.unsubscribe(List.of("ETH/USD"), out);
        out.clear();
        session.onText(book("snapshot", "ETH/USD", "[]", "[]", 0), RECEIVED, out);
        session.onText("{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"ETH/USD\",\"side\":\"buy\","
                + "\"price\":2000.1,\"qty\":1.0,\"ord_type\":\"limit\",\"trade_id\":7,\"timestamp\":\"2023-09-25T07:49:37.708706Z\"}]}",
                RECEIVED, out);
        assertTrue(out.events.isEmpty());
        assertTrue(out.badFrames.isEmpty());
        assertEquals(2, session.counters().framesNotFollowed());
    }

    @Test
    void tradesCarryTheTakersSide() {
        session.subscribe(List.of("MATIC/USD"), out);
        out.clear();
        // v2 docs example (trade channel): side is "the side of the taker order"
        session.onText("{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"MATIC/USD\",\"side\":\"sell\","
                + "\"price\":0.5117,\"qty\":40.0,\"ord_type\":\"market\",\"trade_id\":4665906,"
                + "\"timestamp\":\"2023-09-25T07:49:37.708706Z\"},{\"symbol\":\"MATIC/USD\",\"side\":\"buy\","
                + "\"price\":0.5118,\"qty\":0.00100000,\"ord_type\":\"limit\",\"trade_id\":4665907,"
                + "\"timestamp\":\"2023-09-25T07:49:37.708707Z\"}]}", RECEIVED, out);
        List<Trade> trades = out.events(Trade.class);
        assertEquals(2, trades.size());
        Trade sell = trades.get(0);
        assertEquals(MarketKey.of(Venue.KRAKEN, "MATIC/USD"), sell.market());
        assertEquals(Side.ASK, sell.aggressor(), "a taker sell hits the bids");
        assertEquals(Decimals.parse("0.5117"), sell.price());
        assertEquals(new BigDecimal("40"), sell.size());
        assertEquals("4665906", sell.tradeId());
        assertEquals(Instant.parse("2023-09-25T07:49:37.708Z").toEpochMilli(), sell.venueTimestamp());
        assertEquals(RECEIVED, sell.receivedAt());
        assertEquals(Side.BID, trades.get(1).aggressor(), "a taker buy lifts the asks");
        assertEquals(new BigDecimal("0.001"), trades.get(1).size());
        out.clear();
        // a micro-priced token's trade: 20 significant digits, exact
        session.onText("{\"channel\":\"trade\",\"type\":\"update\",\"data\":[{\"symbol\":\"MATIC/USD\",\"side\":\"buy\","
                + "\"price\":0.0000000123,\"qty\":123456789012.12345678,\"ord_type\":\"limit\",\"trade_id\":9}]}",
                RECEIVED, out);
        Trade wide = out.only(Trade.class);
        assertEquals(new BigDecimal("123456789012.12345678"), wide.size());
        assertEquals(new BigDecimal("0.0000000123"), Decimals.toBigDecimal(wide.price()));
    }

    @Test
    void tickerKeepsTheVenuesNumbersExactlyAndVolumeOfAnyWidth() {
        session.subscribe(List.of("ALGO/USD"), out);
        out.clear();
        // v2 docs example (ticker channel), then one with an 18-digit 24-hour volume
        session.onText("{\"channel\":\"ticker\",\"type\":\"snapshot\",\"data\":[{\"symbol\":\"ALGO/USD\",\"bid\":0.10025,"
                + "\"bid_qty\":740.0,\"ask\":0.10036,\"ask_qty\":1361.44813783,\"last\":0.10035,\"volume\":997038.98383185,"
                + "\"vwap\":0.10148,\"low\":0.09979,\"high\":0.10285,\"change\":-0.00017,\"change_pct\":-0.17,"
                + "\"timestamp\":\"2023-09-25T09:04:31.742648Z\"}]}", RECEIVED, out);
        session.onText("{\"channel\":\"ticker\",\"type\":\"update\",\"data\":[{\"symbol\":\"ALGO/USD\",\"bid\":0.10025,"
                + "\"bid_qty\":740.0,\"ask\":0.10036,\"ask_qty\":1361.44813783,\"last\":0.10035,"
                + "\"volume\":9876543210.12345678}]}", RECEIVED, out);
        List<Ticker> tickers = out.events(Ticker.class);
        assertEquals(2, tickers.size());
        Ticker t = tickers.get(0);
        assertEquals(Decimals.parse("0.10025"), t.bestBid());
        assertEquals(new BigDecimal("740"), t.bestBidSize());
        assertEquals(Decimals.parse("0.10036"), t.bestAsk());
        assertEquals(new BigDecimal("1361.44813783"), t.bestAskSize());
        assertEquals(Decimals.parse("0.10035"), t.lastPrice());
        assertEquals(new BigDecimal("997038.98383185"), t.volume());
        assertNull(t.openInterest());
        assertEquals(Instant.parse("2023-09-25T09:04:31.742Z").toEpochMilli(), t.venueTimestamp());
        assertEquals(new BigDecimal("9876543210.12345678"), tickers.get(1).volume());
        assertEquals(0, tickers.get(1).venueTimestamp());
    }

    @Test
    void thePrecisionOfTheInstrumentChannelWritesTheChecksumWhenTheWireIsShorter() {
        session.subscribe(List.of("BTC/USD"), out);
        session.onText("{\"channel\":\"instrument\",\"type\":\"snapshot\",\"data\":{\"assets\":[{\"id\":\"BTC\","
                + "\"status\":\"enabled\",\"precision\":10}],\"pairs\":[{\"symbol\":\"BTC/USD\",\"base\":\"BTC\","
                + "\"quote\":\"USD\",\"status\":\"online\",\"qty_precision\":8,\"qty_increment\":1e-08,"
                + "\"price_precision\":1,\"cost_precision\":5,\"price_increment\":0.1,\"qty_min\":0.0001}]}}",
                RECEIVED, out);
        out.clear();
        // Numbers as some of the venue's examples print them, without trailing zeros; the checksum is over the
        // numbers at the pair's precision, as Kraken's checksum guide writes them: "45285.2" → "452852",
        // "0.00100000" → "100000".
        session.onText(book("snapshot", "BTC/USD", "[{\"price\":45283.5,\"qty\":0.1}]",
                "[{\"price\":45285.2,\"qty\":0.001}]", crc("452852100000" + "45283510000000")), RECEIVED, out);
        BookSnapshot snapshot = out.only(BookSnapshot.class);
        assertEquals(new ChecksumLayout(10, ChecksumLayout.Order.ASKS_THEN_BIDS, "", ChecksumLayout.Numbers.FIXED_DIGITS,
                1, 8), ((BookClaim.Checksum) snapshot.claim()).layout());
        VerifiedBooks books = new VerifiedBooks();
        books.apply(snapshot);
        assertEquals(List.of(), books.failures);
        assertEquals(1, books.verified);
    }

    @Test
    void withoutTheInstrumentChannelTheSnapshotsOwnChecksumTellsThePrecision() {
        session.subscribe(List.of("BTC/USD"), out);
        out.clear();
        // Shortest numbers on the wire (qty 0.1, 0.001: three decimals at most), checksummed at the pair's 8.
        session.onText(book("snapshot", "BTC/USD", "[{\"price\":45283.5,\"qty\":0.1}]",
                "[{\"price\":45285.2,\"qty\":0.001}]", crc("452852100000" + "45283510000000")), RECEIVED, out);
        session.onText(book("update", "BTC/USD", "[{\"price\":45283.4,\"qty\":2.5}]", "[]",
                crc("452852100000" + "45283510000000" + "452834250000000")), RECEIVED, out);
        VerifiedBooks books = new VerifiedBooks();
        books.applyAll(out.events);
        assertEquals(List.of(), books.failures);
        assertEquals(2, books.verified);
        assertEquals(1, session.counters().precisionsCorrected());
        // A snapshot that matches no precision is passed on as it is: its market's check reports it.
        out.clear();
        session.onText(book("snapshot", "BTC/USD", "[{\"price\":45283.5,\"qty\":0.1}]", "[]", 12345), RECEIVED, out);
        books.applyAll(out.events);
        assertEquals(1, books.failures.size());
        assertEquals(1, session.counters().precisionsCorrected());
    }

    @Test
    void updatesBeforeTheSnapshotAreDroppedAndAnUnknownSymbolIsNotAnError() {
        session.subscribe(List.of("BTC/USD"), out);
        out.clear();
        session.onText(book("update", "BTC/USD", "[{\"price\":1.0,\"qty\":1.0}]", "[]", 1), RECEIVED, out);
        assertTrue(out.events.isEmpty());
        assertEquals(1, session.counters().updatesAwaitingSnapshot());
        session.onText(book("snapshot", "BTC/USD", "[{\"price\":1.0,\"qty\":1.0}]", "[]", 2), RECEIVED, out);
        session.onText(book("update", "BTC/USD", "[{\"price\":1.0,\"qty\":0.0}]", "[]", 3), RECEIVED, out);
        assertEquals(1, out.events(BookSnapshot.class).size());
        BookDelta delta = out.events(BookDelta.class).get(0);
        assertEquals(0, delta.updates().get(0).size(), "qty 0 removes the level");
        assertTrue(out.badFrames.isEmpty());
    }

    @Test
    void anUnreadableBookChangeIsABadFrameAndRefetchesThatBook() {
        session.subscribe(List.of("BTC/USD", "ETH/USD"), out);
        session.onText(book("snapshot", "BTC/USD", "[]", "[]", 0), RECEIVED, out);
        out.clear();
        session.onText(book("update", "BTC/USD", "[{\"price\":\"x1\",\"qty\":1.0}]", "[]", 1), RECEIVED, out);
        assertEquals(1, out.badFrames.size());
        assertTrue(out.badFrames.get(0).reason().contains("bad price 'x1'"), out.badFrameReasons().toString());
        assertEquals(List.of("BTC/USD"), out.staleSymbols());
        assertEquals(List.of(
                "{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/USD\"],\"depth\":25},\"req_id\":5}",
                "{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\",\"symbol\":[\"BTC/USD\"],\"depth\":25,\"snapshot\":true},\"req_id\":6}"),
                out.sent);
        assertTrue(out.events.isEmpty());
        assertEquals(1, session.counters().resyncsBySession());
    }

    @Test
    void aBookFrameCutShortRefetchesTheBooksItNamedOrElseEveryBook() {
        session.subscribe(List.of("BTC/USD", "ETH/USD"), out);
        out.clear();
        session.onText("{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"ETH/USD\",\"bids\":[{\"pri",
                RECEIVED, out);
        assertEquals(1, out.badFrames.size());
        assertTrue(out.badFrames.get(0).reason().startsWith("Kraken frame not understood: malformed JSON"));
        assertEquals(List.of("ETH/USD"), out.staleSymbols());
        out.clear();
        session.onText("{\"channel\":\"book\",\"type\":\"upd", RECEIVED, out);
        assertEquals(1, out.badFrames.size());
        assertEquals(List.of("BTC/USD", "ETH/USD"), out.staleSymbols().stream().sorted().toList());
        out.clear();
        // A book this socket does not carry: none of its books is touched.
        session.onText("{\"channel\":\"book\",\"type\":\"update\",\"data\":[{\"symbol\":\"SOL/USD\",\"bids\":[",
                RECEIVED, out);
        assertEquals(1, out.badFrames.size());
        assertTrue(out.stale.isEmpty() && out.sent.isEmpty());
        out.clear();
        // Not a book frame, or nothing to tell what it was: reported, no book refetched.
        session.onText("{\"channel\":\"trade\",\"data\":[{", RECEIVED, out);
        session.onText("not json", RECEIVED, out);
        assertEquals(2, out.badFrames.size());
        assertTrue(out.stale.isEmpty());
        assertTrue(out.sent.isEmpty());
    }

    @Test
    void unknownChannelsV1MessagesAndStrayAnswersAreBadFrames() {
        session.subscribe(List.of("BTC/USD"), out);
        out.clear();
        session.onText("{\"channel\":\"level3\",\"type\":\"update\",\"data\":[]}", RECEIVED, out);
        session.onText("{\"event\":\"heartbeat\"}", RECEIVED, out);
        session.onText("[1234,{\"a\":[[\"5541.30000\",\"2.50700000\",\"1534614248.456738\"]]},\"book-10\",\"XBT/USD\"]",
                RECEIVED, out);
        session.onText("{\"method\":\"edit_order\",\"success\":true}", RECEIVED, out);
        session.onText("{\"channel\":\"book\",\"type\":\"delta\",\"data\":[{\"symbol\":\"BTC/USD\",\"bids\":[],\"asks\":[]}]}",
                RECEIVED, out);
        session.onText("{}", RECEIVED, out);
        assertEquals(List.of(
                "unknown Kraken channel 'level3'",
                "Kraken WebSocket v1 message (event 'heartbeat'); this socket speaks v2",
                "Kraken frame not understood: a JSON array, as Kraken WebSocket v1 sends; this socket speaks v2 (JSON objects)",
                "unexpected Kraken answer to method 'edit_order'",
                "Kraken book message of type 'delta'",
                "Kraken frame with neither channel nor method"), out.badFrameReasons());
        assertTrue(out.events.isEmpty());
        // heartbeats and pongs are liveness only
        out.clear();
        session.onText("{\"channel\":\"heartbeat\"}", RECEIVED, out);
        session.onText("{\"method\":\"pong\",\"req_id\":9,\"time_in\":\"2023-09-24T14:10:23.799685Z\","
                + "\"time_out\":\"2023-09-24T14:10:23.799703Z\"}", RECEIVED, out);
        session.onText("{\"method\":\"subscribe\",\"result\":{\"channel\":\"book\",\"depth\":25,\"snapshot\":true,"
                + "\"symbol\":\"BTC/USD\"},\"success\":true,\"time_in\":\"2023-10-06T17:35:55.219022Z\","
                + "\"time_out\":\"2023-10-06T17:35:55.219067Z\",\"req_id\":2}", RECEIVED, out);
        assertTrue(out.badFrames.isEmpty() && out.venueErrors.isEmpty() && out.events.isEmpty());
    }

    @Test
    void aRefusedSubscriptionIsAVenueErrorNamingTheRequest() {
        session.subscribe(List.of("BTC/USD"), out);
        out.clear();
        session.onText("{\"error\":\"Subscription depth not supported\",\"method\":\"subscribe\",\"req_id\":2,"
                + "\"success\":false,\"symbol\":\"BTC/USD\",\"time_in\":\"2023-10-06T17:35:55.219022Z\","
                + "\"time_out\":\"2023-10-06T17:35:55.219067Z\"}", RECEIVED, out);
        assertEquals(List.of("Kraken refused 'subscribe book BTC/USD' for BTC/USD: Subscription depth not supported"),
                out.venueErrors);
        session.onText("{\"error\":\"Currency pair not supported\",\"method\":\"subscribe\",\"success\":false,"
                + "\"symbol\":\"XBT/USDX\"}", RECEIVED, out);
        assertEquals("Kraken refused 'subscribe XBT/USDX': Currency pair not supported", out.venueErrors.get(1));
        // An unsubscribe the venue cannot match is only logged (a resync after a refused subscription does that).
        session.onText("{\"error\":\"Subscription Not Found\",\"method\":\"unsubscribe\",\"req_id\":3,\"success\":false}",
                RECEIVED, out);
        assertEquals(2, out.venueErrors.size());
        assertTrue(out.badFrames.isEmpty());
    }

    @Test
    void maintenancePausesTheMarketsAndComingBackRefetchesEveryBook() {
        session.onText(status("online"), RECEIVED, out);
        assertTrue(out.events.isEmpty(), "no market carried yet");
        session.subscribe(List.of("BTC/USD", "ETH/USD"), out);
        assertEquals(List.of(MarketStatus.ACTIVE, MarketStatus.ACTIVE),
                out.events(StatusUpdate.class).stream().map(StatusUpdate::status).toList());
        session.onText(book("snapshot", "BTC/USD", "[]", "[]", 0), RECEIVED, out);
        out.clear();

        session.onText(status("maintenance"), RECEIVED, out);
        List<StatusUpdate> paused = out.events(StatusUpdate.class);
        assertEquals(2, paused.size());
        assertTrue(paused.stream().allMatch(s -> s.status() == MarketStatus.PAUSED
                && s.detail().equals("kraken system: maintenance")));
        assertTrue(out.sent.isEmpty() && out.stale.isEmpty(), "nothing trades: the book stays what it is");
        out.clear();

        session.onText(status("online"), RECEIVED, out);
        assertEquals(List.of(MarketStatus.ACTIVE, MarketStatus.ACTIVE),
                out.events(StatusUpdate.class).stream().map(StatusUpdate::status).toList());
        assertEquals(List.of("BTC/USD", "ETH/USD"), out.staleSymbols().stream().sorted().toList());
        assertEquals(2, out.sent.size(), "one unsubscribe and one subscribe of both books (batch of 2)");
        assertTrue(out.sent.get(0).startsWith("{\"method\":\"unsubscribe\",\"params\":{\"channel\":\"book\""));
        assertTrue(out.sent.get(1).startsWith("{\"method\":\"subscribe\",\"params\":{\"channel\":\"book\""));
        out.clear();

        session.onText(status("cancel_only"), RECEIVED, out);
        assertTrue(out.events(StatusUpdate.class).stream().allMatch(s -> s.status() == MarketStatus.PAUSED));
        out.clear();
        session.onText(status("post_only"), RECEIVED, out);
        assertTrue(out.events(StatusUpdate.class).stream().allMatch(s -> s.status() == MarketStatus.ACTIVE));
        assertTrue(out.sent.isEmpty(), "cancel_only keeps the book streaming: nothing to refetch");
        out.clear();
        session.onText(status("post_only"), RECEIVED, out);
        assertTrue(out.events.isEmpty(), "told on a change only");
    }

    @Test
    void resyncOfAMarketNotCarriedSendsNothing() {
        session.subscribe(List.of("BTC/USD"), out);
        out.clear();
        session.resync("ETH/USD", out);
        assertTrue(out.sent.isEmpty());
        session.resync("BTC/USD", out);
        assertEquals(2, out.sent.size());
        assertEquals(1, session.counters().resyncsRequested());
    }

    private static String book(String type, String symbol, String bids, String asks, long checksum) {
        return "{\"channel\":\"book\",\"type\":\"" + type + "\",\"data\":[{\"symbol\":\"" + symbol + "\",\"bids\":" + bids
                + ",\"asks\":" + asks + ",\"checksum\":" + checksum + ",\"timestamp\":\"2023-10-06T17:35:55.219022Z\"}]}";
    }

    private static String status(String system) {
        return "{\"channel\":\"status\",\"data\":[{\"api_version\":\"v2\",\"connection_id\":14949390454975033707,"
                + "\"system\":\"" + system + "\",\"version\":\"2.0.8\"}],\"type\":\"update\"}";
    }

    private static long crc(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.US_ASCII));
        return crc.getValue();
    }
}

package io.marketmesh.node.venue.cryptocom;

import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.RECEIVED;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.VENUE;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.d;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.fire;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.json;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.level;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.session;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.snapshot;
import static io.marketmesh.node.venue.cryptocom.CryptocomTestSupport.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every real Crypto.com capture, fed through a session. The v1 captures are isolated frames (no contiguous v1
 * recording exists publicly): where a captured delta's {@code pu} names a snapshot the capture does not hold, the test
 * first writes a snapshot with that {@code u} (marked "not in the capture") to show the delta chains, and shows that
 * without it the session calls the delta a gap. The long recording is the retired v2 API: its trades and tickers are
 * read, its books (full snapshots without {@code u}) cannot start a chain and are refused as such.
 */
class CryptocomFixturesTest {

    private static final String PROBE = "doc-embedded__ws-profile_probe_2026-09-22_v1_frames.jsonl";
    private static final String TARDIS = "tardis-node-test__v1_frames_2022-11-01.jsonl";
    private static final String DEPTH10 = "testcode-embedded__ETHUSD-PERP_book.update_depth10_2025-09-21.json";
    private static final String V2 = "cryptofeed_v3__CRYPTO.COM_v2api_ws_frames_recv_only_first229_2021-11-23.jsonl";

    private final RecordingOutput out = new RecordingOutput();

    @Test
    void everyCapturedFileHasATestHere() {
        Set<String> files = Fixtures.all(VENUE).stream().map(Path::getFileName).map(Path::toString)
                .collect(Collectors.toSet());
        assertEquals(Set.of(PROBE, TARDIS, DEPTH10, V2), files, "a new Crypto.com capture needs its own test here");
    }

    @Test
    void ourSubscribeFrameHasTheShapeTheLiveVenueAccepted() {
        JsonNode accepted = json(Fixtures.lines(VENUE, PROBE).get(0)); // line 1: a client frame the venue acked
        CryptocomSession session = session();
        session.subscribe(List.of("BTCUSD-PERP"), out);
        JsonNode ours = json(out.sent.get(0));
        assertEquals("subscribe", ours.get("method").asText());
        assertTrue(ours.get("id").isIntegralNumber() && ours.get("nonce").isIntegralNumber());
        // The book options sit inside params, next to channels, as in the frame the venue accepted.
        assertEquals(accepted.get("params").get("book_subscription_type"), ours.get("params").get("book_subscription_type"));
        assertEquals(fieldNames(accepted.get("params")), fieldNames(ours.get("params")));
        assertEquals(fieldNames(accepted), fieldNames(ours));
        assertEquals(List.of("book.BTCUSD-PERP.50", "trade.BTCUSD-PERP", "ticker.BTCUSD-PERP"),
                texts(ours.get("params").get("channels")));
        assertEquals(100, ours.get("params").get("book_update_frequency").asInt());
    }

    @Test
    void probeCaptureSnapshotIsPublishedAndItsNonAdjacentDeltaIsTakenAsAGap() {
        List<String> lines = Fixtures.lines(VENUE, PROBE);
        assertEquals(12, lines.size());
        CryptocomSession session = session();
        session.subscribe(List.of("ETHUSD-PERP", "NVDAUSD-PERP", "WALUSD-PERP", "NOPEUSD-PERP"), out);
        out.clear();

        session.onText(lines.get(1), RECEIVED, out); // the venue's ack of one channel
        assertTrue(out.events.isEmpty() && out.badFrames.isEmpty() && out.venueErrors.isEmpty());

        session.onText(lines.get(2), RECEIVED, out); // ETHUSD-PERP snapshot, trimmed by its author to 3 levels a side
        BookSnapshot snapshot = out.only(BookSnapshot.class);
        MarketKey eth = MarketKey.of(Venue.CRYPTOCOM, "ETHUSD-PERP");
        assertEquals(eth, snapshot.market());
        assertEquals(List.of(level("2749.61", "0.0786"), level("2749.59", "0.0001"), level("2749.44", "0.2000")),
                snapshot.bids());
        assertEquals(List.of(level("2749.62", "0.2008"), level("2749.79", "0.0001"), level("2749.90", "0.0008")),
                snapshot.asks());
        assertEquals(375554806244928L, snapshot.venueSequence());
        assertEquals(1790114273395L, snapshot.venueTimestamp());
        assertEquals(RECEIVED, snapshot.receivedAt());
        assertEquals(50, snapshot.depthLimit(), "the book is kept to the subscribed window");
        out.clear();

        // Line 4 is from the same run but not the next delta: pu 375554807297984 is not the snapshot's u.
        session.onText(lines.get(3), RECEIVED, out);
        assertTrue(out.events.isEmpty(), "a delta that does not follow is never applied");
        assertEquals(1, out.sequenceFailures);
        assertEquals(List.of("ETHUSD-PERP"), out.staleSymbols());
        assertTrue(out.stale.get(0).reason().contains("pu=375554807297984 does not follow u=375554806244928"));
        fire(session, CryptocomSession.RESYNC_TIMER, out);
        assertEquals(List.of(
                        "{\"id\":2,\"method\":\"unsubscribe\",\"params\":{\"channels\":[\"book.ETHUSD-PERP.50\"]},\"nonce\":"
                                + CryptocomTestSupport.NOW + "}",
                        "{\"id\":3,\"method\":\"subscribe\",\"params\":{\"channels\":[\"book.ETHUSD-PERP.50\"],"
                                + "\"book_subscription_type\":\"SNAPSHOT_AND_UPDATE\",\"book_update_frequency\":100},\"nonce\":"
                                + CryptocomTestSupport.NOW + "}"),
                out.sent);
        assertEquals(new SyncCounters(1, 1, 0, 0, 1, 0), session.syncCounters());
        out.clear();

        // Not in the capture: the fresh snapshot, numbered as the delta's predecessor. The captured delta now chains.
        session.onText(snapshot("ETHUSD-PERP", 50, 375554807297984L, "[\"2748.12\",\"1.5\",\"1\"]",
                "[\"2750.20\",\"0.3\",\"1\"]"), RECEIVED, out);
        out.clear();
        session.onText(lines.get(3), RECEIVED, out);
        BookDelta delta = out.only(BookDelta.class);
        assertEquals(BookDelta.Mode.ABSOLUTE, delta.mode());
        assertEquals(List.of(update(Side.ASK, "2750.20", "0"), update(Side.ASK, "2753.11", "0.2616"),
                update(Side.BID, "2748.12", "0"), update(Side.BID, "2748.10", "5.4582")), delta.updates());
        assertEquals(375554807336512L, delta.venueSequence());
        assertEquals(1790114273659L, delta.venueTimestamp());
        assertTrue(out.stale.isEmpty());
        out.clear();

        // Line 5: an idle delta (u == pu, nothing changed) keeps a chain that starts at its u; nothing to publish.
        session.onText(snapshot("NVDAUSD-PERP", 50, 369501268112000L, "", ""), RECEIVED, out); // not in the capture
        out.clear();
        session.onText(lines.get(4), RECEIVED, out);
        assertTrue(out.events.isEmpty() && out.stale.isEmpty() && out.badFrames.isEmpty());
        assertEquals(new SyncCounters(3, 1, 0, 0, 3, 0), session.syncCounters());

        // Line 6: the server's heartbeat, answered at once with its id: line 7 is what the live client sent back.
        session.onText(lines.get(5), RECEIVED, out);
        assertEquals(List.of(json(lines.get(6))), out.sent.stream().map(CryptocomTestSupport::json).toList());
        assertEquals(1, session.heartbeatsAnswered());
        out.clear();

        // Line 8: a subscription refused for an unknown symbol: told, and that market's book marked stale.
        session.onText(lines.get(7), RECEIVED, out);
        assertEquals(1, out.venueErrors.size());
        assertTrue(out.venueErrors.get(0).contains("book.NOPEUSD-PERP.50") && out.venueErrors.get(0).contains("40003")
                && out.venueErrors.get(0).contains("Unknown symbol"), out.venueErrors.get(0));
        assertEquals(List.of("NOPEUSD-PERP"), out.staleSymbols());
        out.clear();

        // Line 9: too many subscriptions, naming no channel; id 9 is no request of this session, so nothing is pinned.
        session.onText(lines.get(8), RECEIVED, out);
        assertEquals(1, out.venueErrors.size());
        assertTrue(out.venueErrors.get(0).contains("40107"), out.venueErrors.get(0));
        assertTrue(out.stale.isEmpty());
        out.clear();

        // Lines 10-12: mark, index and funding channels, which the node never subscribes: counted as bad frames.
        for (int i = 9; i < 12; i++) {
            session.onText(lines.get(i), RECEIVED, out);
        }
        assertTrue(out.events.isEmpty());
        assertEquals(List.of("unexpected Crypto.com channel 'mark' (never subscribed)",
                "unexpected Crypto.com channel 'index' (never subscribed)",
                "unexpected Crypto.com channel 'funding' (never subscribed)"), out.badFrameReasons());
    }

    @Test
    void tardisCaptureTickerTradesAndDeltaAreRead() {
        List<String> lines = Fixtures.lines(VENUE, TARDIS);
        assertEquals(4, lines.size());
        CryptocomSession session = session();
        session.subscribe(List.of("APEUSD-PERP", "DOGE_USDT", "BTC_USDT", "BTCUSD-PERP"), out);
        out.clear();

        session.onText(lines.get(0), RECEIVED, out);
        Ticker ticker = out.only(Ticker.class);
        assertEquals(new Ticker(MarketKey.of(Venue.CRYPTOCOM, "APEUSD-PERP"), d("4.6121"), d("25"), d("4.6148"),
                d("131"), d("4.6121"), new BigDecimal("123899"), new BigDecimal("55851"), 1667320303754L, RECEIVED),
                ticker);
        out.clear();

        // The DOGE_USDT delta before any snapshot: ignored, no gap (the snapshot is still to come).
        session.onText(lines.get(1), RECEIVED, out);
        assertTrue(out.events.isEmpty() && out.stale.isEmpty());
        assertEquals(1, session.syncCounters().deltasIgnored());
        // Not in the capture: the snapshot it follows. Then the captured delta applies: an add and a removal.
        session.onText(snapshot("DOGE_USDT", 50, 41261671840L, "[\"0.116116\",\"5000\",\"1\"]",
                "[\"0.136338\",\"10\",\"1\"]"), RECEIVED, out);
        out.clear();
        session.onText(lines.get(1), RECEIVED, out);
        BookDelta delta = out.only(BookDelta.class);
        assertEquals(List.of(update(Side.ASK, "0.136338", "1312"), update(Side.BID, "0.116116", "0")), delta.updates());
        assertEquals(41261686400L, delta.venueSequence());
        out.clear();

        // A spot trade: s = SELL is the taker's side, so the aggressor sold into the bid.
        session.onText(lines.get(2), RECEIVED, out);
        assertEquals(new Trade(MarketKey.of(Venue.CRYPTOCOM, "BTC_USDT"), "4611686018428108636", d("20432.51"),
                d("0.01163"), Side.ASK, 1667320314770L, RECEIVED), out.only(Trade.class));
        out.clear();

        // Four fills of one taker share one trade id, and two of them look alike: all four are trades.
        session.onText(lines.get(3), RECEIVED, out);
        List<Trade> fills = out.events(Trade.class);
        assertEquals(List.of(new BigDecimal("0.005"), new BigDecimal("0.1"), new BigDecimal("0.005"),
                new BigDecimal("0.0244")), fills.stream().map(Trade::size).toList());
        assertTrue(fills.stream().allMatch(t -> t.tradeId().equals("4611686018471467093") && t.aggressor() == Side.ASK
                && t.price() == d("20439.5")));
        assertTrue(out.badFrames.isEmpty());
    }

    @Test
    void depth10DeltaChainsOntoItsPredecessorAndKeepsTheTenLevelWindow() {
        String frame = Fixtures.read(VENUE, DEPTH10).strip();
        CryptocomSession session = session(new CryptocomSettings(10, 100, java.time.Duration.ZERO, 10),
                new TradeHistory());
        session.subscribe(List.of("ETHUSD-PERP"), out);
        session.onText(snapshot("ETHUSD-PERP", 10, 249977185983904L, "[\"4457.00\",\"1\",\"1\"]",
                "[\"4457.10\",\"2\",\"1\"]"), RECEIVED, out); // not in the capture
        assertEquals(10, out.only(BookSnapshot.class).depthLimit());
        out.clear();
        session.onText(frame, RECEIVED, out);
        BookDelta delta = out.only(BookDelta.class);
        assertEquals(List.of(update(Side.ASK, "4457.07", "4.4444")), delta.updates());
        assertEquals(249977186042272L, delta.venueSequence());
        assertEquals(1758447954211L, delta.venueTimestamp());
        assertEquals(new SyncCounters(1, 0, 0, 0, 1, 0), session.syncCounters());
        assertEquals(1, out.sequenceChecks, "counted where /api/v1/venues shows it");
        assertEquals(0, out.sequenceFailures);
    }

    @Test
    void legacyV2RecordingTradesAndTickersAreReadButItsUnnumberedBooksCannotStartAChain() {
        List<String> lines = Fixtures.lines(VENUE, V2);
        assertEquals(229, lines.size());
        Set<String> instruments = new LinkedHashSet<>();
        for (String line : lines) {
            JsonNode result = json(line).path("result");
            if (result.has("instrument_name")) {
                instruments.add(result.get("instrument_name").asText());
            }
        }
        assertEquals(10, instruments.size());
        CryptocomSession session = session();
        session.subscribe(List.copyOf(instruments), out);
        out.clear();
        for (String line : lines) {
            session.onText(line, RECEIVED, out);
        }
        // 71 book frames: full 150-level snapshots with numbers for strings and no u. Each is refused as unchainable.
        assertEquals(71, out.badFrames.size());
        assertTrue(out.badFrameReasons().stream().allMatch(r -> r.startsWith("book snapshot without 'u'")));
        assertEquals(71, out.stale.size());
        assertTrue(out.events(BookSnapshot.class).isEmpty() && out.events(BookDelta.class).isEmpty());
        // The one heartbeat (v2 sent it without a code) is answered.
        assertEquals(List.of("{\"id\":1637709519420,\"method\":\"public/respond-heartbeat\"}"), out.sent);
        // Tickers (numbers, not strings) are read exactly.
        List<Ticker> tickers = out.events(Ticker.class);
        assertEquals(123, tickers.size());
        Ticker band = tickers.stream().filter(t -> t.market().symbol().equals("BAND_USDT")).findFirst().orElseThrow();
        assertEquals(d("7.5248"), band.bestBid());
        assertEquals(d("7.5328"), band.bestAsk());
        assertEquals(new BigDecimal("35912.66"), band.volume());
        assertNull(band.bestBidSize(), "v2 tickers carry no sizes");
        // Trades: the on-subscribe history comes newest first and is published oldest first.
        List<Trade> matic = out.events(Trade.class).stream().filter(t -> t.market().symbol().equals("MATIC_USDT"))
                .toList();
        assertTrue(matic.size() >= 50);
        for (int i = 1; i < matic.size(); i++) {
            assertTrue(matic.get(i - 1).venueTimestamp() <= matic.get(i).venueTimestamp(), "oldest first");
        }
        Trade biggest = matic.stream().filter(t -> t.tradeId().equals("2008994549402889826")).findFirst().orElseThrow();
        assertEquals(new BigDecimal("715"), biggest.size());
        assertEquals(d("1.75595"), biggest.price());
        assertEquals(Side.ASK, biggest.aggressor());
        assertNull(out.events(Trade.class).stream().filter(t -> t.aggressor() == null).findAny().orElse(null));
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}

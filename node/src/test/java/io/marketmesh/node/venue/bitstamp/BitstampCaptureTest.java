package io.marketmesh.node.venue.bitstamp;

import static io.marketmesh.node.venue.bitstamp.BitstampTestSupport.answerSnapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.node.venue.bitstamp.BitstampTestSupport.Book;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Trade;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The 2022 Bitstamp recording (747 frames of one cryptofeed session, and the 10 REST order books it fetched) and the
 * 2026 probe frames, fed unchanged through a session. The session must splice each recorded diff stream onto its REST
 * snapshot on microtimestamp: the books it builds are compared with books rebuilt here independently (BigDecimal, the
 * JSON read as a tree).
 */
class BitstampCaptureTest {

    private static final String WS_2022 = "cryptofeed_master__BITSTAMP_ws_frames_recv_only_2022-01-05.jsonl";
    private static final String PAIRS_2022 = "cryptofeed_master__BITSTAMP_rest_trading-pairs-info_2022-01-05.json";
    private static final String PROBE_2026 = "doc-embedded__ws-profile_probe_2026-09-15_frames.jsonl";
    private static final List<String> PAIRS = List.of("sgbeur", "ethusd", "xrpeur", "bateur", "usdteur", "usdtusd",
            "xlmgbp", "adaeur", "batbtc", "galaeur");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordingOutput out = new RecordingOutput();

    private static String restFile(String pair) {
        return "cryptofeed_master__BITSTAMP_rest_order_book_" + pair + "_2022-01-05.json";
    }

    @Test
    void everyCapturedFileHasATestHere() {
        Set<String> files = Fixtures.all("bitstamp").stream().map(Path::getFileName).map(Path::toString)
                .collect(Collectors.toSet());
        Set<String> covered = new java.util.HashSet<>(Set.of(WS_2022, PAIRS_2022, PROBE_2026));
        PAIRS.forEach(p -> covered.add(restFile(p)));
        assertEquals(covered, files, "a new Bitstamp capture needs its own test");
    }

    @Test
    void theRecordedSessionSplicesOntoItsRestSnapshotsWithTheRecordedStreamBuffered() throws Exception {
        BitstampSession session = BitstampTestSupport.session();
        session.subscribe(PAIRS, out);
        List<String> frames = Fixtures.lines("bitstamp", WS_2022);
        assertEquals(747, frames.size());
        for (String frame : frames) {
            session.onText(frame, BitstampTestSupport.RECEIVED, out);
        }
        assertEquals(List.of(), out.badFrames);
        assertEquals(List.of(), out.events(BookDelta.class), "nothing goes out before its snapshot");
        for (String pair : PAIRS) {
            answerSnapshot(session, out, pair, 200, Fixtures.read("bitstamp", restFile(pair)));
        }

        Map<String, BookSnapshot> books = new LinkedHashMap<>();
        out.events(BookSnapshot.class).forEach(s -> books.put(s.market().symbol(), s));
        assertEquals(PAIRS, List.copyOf(books.keySet()), "one spliced book per pair");
        for (String pair : PAIRS) {
            Book ours = new Book();
            ours.apply(books.get(pair));
            assertEquals(reference(pair, frames, Long.MAX_VALUE), ours, pair + " spliced as REST + diffs after it");
            assertTrue(ours.bids.firstKey().compareTo(ours.asks.firstKey()) < 0, pair + " is not crossed");
        }
        // The validation of the notes, at microsecond precision: 102 recorded diffs are older than or as old as their
        // snapshot (among them one diff each of ethusd and xrpeur stamped exactly at the snapshot: dropped, not
        // re-applied as a seconds-precision rule would) and 615 newer ones applied.
        BitstampCounters counters = session.counters();
        assertEquals(102, counters.diffsInSnapshot());
        assertEquals(10, counters.snapshotsSpliced());
        assertEquals(0, counters.snapshotsTooOld());
        assertEquals(0, counters.sequenceFailures());
        assertEquals(717 - 9, counters.sequenceChecks(), "every buffered diff after a pair's first is checked");
        long applied = 0;
        for (String pair : PAIRS) {
            applied += diffs(frames, pair).stream().filter(d -> micros(d) > snapshotMicros(pair)).count();
        }
        assertEquals(615, applied);
        for (BookSnapshot snapshot : books.values()) {
            List<JsonNode> after = diffs(frames, snapshot.market().symbol()).stream()
                    .filter(d -> micros(d) > snapshotMicros(snapshot.market().symbol())).toList();
            long expected = after.isEmpty() ? snapshotMicros(snapshot.market().symbol()) : micros(after.get(after.size() - 1));
            assertEquals(expected, snapshot.venueSequence(), "a spliced book carries the microtimestamp it is at");
            assertEquals(expected / 1000, snapshot.venueTimestamp());
        }
    }

    @Test
    void snapshotArrivingMidStreamSplicesAndTheRestGoesOutLiveInOrder() throws Exception {
        List<String> frames = Fixtures.lines("bitstamp", WS_2022);
        BitstampSession session = BitstampTestSupport.session();
        session.subscribe(PAIRS, out);
        // Frames in microtimestamp order (the recorder logged them all at once): each snapshot answers once the
        // stream has reached 1.5 s past its microtimestamp, as a REST book 0.4-2.6 s old would.
        List<String> byTime = new ArrayList<>(frames.stream().filter(f -> !f.contains("subscription_succeeded")).toList());
        byTime.sort(Comparator.comparingLong(f -> micros(tree(f).get("data"))));
        Map<String, Boolean> answered = new LinkedHashMap<>();
        for (String frame : byTime) {
            long now = micros(tree(frame).get("data"));
            for (String pair : PAIRS) {
                if (!answered.containsKey(pair) && snapshotMicros(pair) + 1_500_000 <= now) {
                    answerSnapshot(session, out, pair, 200, Fixtures.read("bitstamp", restFile(pair)));
                    answered.put(pair, true);
                }
            }
            session.onText(frame, BitstampTestSupport.RECEIVED, out);
        }
        for (String pair : PAIRS) {
            if (!answered.containsKey(pair)) {
                answerSnapshot(session, out, pair, 200, Fixtures.read("bitstamp", restFile(pair)));
            }
        }
        assertEquals(List.of(), out.badFrames);
        assertEquals(List.of(), out.stale.stream().filter(s -> !s.reason().startsWith("waiting")).toList());
        for (String pair : PAIRS) {
            Book ours = new Book();
            out.events.stream().filter(e -> e.market().symbol().equals(pair)).forEach(ours::apply);
            assertEquals(reference(pair, frames, Long.MAX_VALUE), ours, pair + " after the live diffs");
        }
        assertEquals(102, session.counters().diffsInSnapshot());
    }

    @Test
    void aSnapshotOlderThanTheFirstBufferedDiffIsFetchedAgainAndANewerOneSplices() throws Exception {
        List<String> frames = Fixtures.lines("bitstamp", WS_2022);
        String pair = "ethusd";
        long m = snapshotMicros(pair);
        BitstampSession session = BitstampTestSupport.session();
        session.subscribe(List.of(pair), out);
        // Subscribed after the snapshot was taken: the first buffered diff is newer than the REST book.
        List<JsonNode> later = diffs(frames, pair).stream().filter(d -> micros(d) > m).toList();
        for (String frame : framesOf(frames, pair)) {
            if (micros(tree(frame).get("data")) > m) {
                session.onText(frame, BitstampTestSupport.RECEIVED, out);
            }
        }
        answerSnapshot(session, out, pair, 200, Fixtures.read("bitstamp", restFile(pair)));
        assertEquals(List.of(), out.events(BookSnapshot.class), "a snapshot older than the buffer is not spliced");
        assertEquals(1, session.counters().snapshotsTooOld());
        assertEquals(java.time.Duration.ofMillis(500), out.timers.get("fetch|" + pair), "fetched again after the retry delay");

        // The venue's next REST book is the one after the 40th recorded diff past the first snapshot.
        JsonNode at = later.get(39);
        Book truth = reference(pair, frames, micros(at));
        answerSnapshot(session, out, pair, 200, restBody(micros(at), truth));
        Book ours = new Book();
        ours.apply(out.only(BookSnapshot.class));
        assertEquals(reference(pair, frames, Long.MAX_VALUE), ours);
        assertEquals(40, session.counters().diffsInSnapshot());
    }

    @Test
    void aSnapshotThatStaysTooOldLeavesTheBookStaleUntilItsMarketAsksAgain() throws Exception {
        List<String> frames = Fixtures.lines("bitstamp", WS_2022);
        String pair = "xrpeur";
        long m = snapshotMicros(pair);
        BitstampSession session = new BitstampSession(BitstampTestSupport.settings(java.time.Duration.ZERO, 2),
                java.time.Duration.ofSeconds(10), BitstampTestSupport.REST);
        session.subscribe(List.of(pair), out);
        framesOf(frames, pair).stream().filter(f -> micros(tree(f).get("data")) > m)
                .forEach(f -> session.onText(f, BitstampTestSupport.RECEIVED, out));
        out.stale.clear();
        answerSnapshot(session, out, pair, 200, Fixtures.read("bitstamp", restFile(pair)));
        answerSnapshot(session, out, pair, 200, Fixtures.read("bitstamp", restFile(pair)));
        assertEquals(BookSync.Mode.GIVEN_UP, session.mode(pair));
        assertEquals(1, out.stale.size());
        assertTrue(out.stale.get(0).reason().startsWith("no usable REST snapshot after 2 fetch(es)"), out.stale.toString());
        assertNull(out.timers.get("fetch|" + pair), "no more fetches of its own");

        session.resync(pair, out);
        assertEquals(BookSync.Mode.SYNCING, session.mode(pair));
        assertEquals(java.time.Duration.ofSeconds(1), out.timers.get("fetch|" + pair));
    }

    @Test
    void recordedTradesNameTheTakerAsTheBookShowsIt() throws Exception {
        List<String> frames = Fixtures.lines("bitstamp", WS_2022);
        BitstampSession session = BitstampTestSupport.session();
        session.subscribe(PAIRS, out);
        frames.forEach(f -> session.onText(f, BitstampTestSupport.RECEIVED, out));
        List<Trade> trades = out.events(Trade.class);
        assertEquals(10, trades.size());
        for (Trade trade : trades) {
            // Each trade's price, in the ethusd book just before it: a buy-typed trade took a resting ask, a
            // sell-typed one a resting bid, so "type" names the side of the order that arrived and took liquidity.
            JsonNode data = frames.stream().map(BitstampCaptureTest::tree).filter(f -> f.path("event").asText().equals("trade"))
                    .map(f -> f.get("data")).filter(d -> d.get("id").asText().equals(trade.tradeId())).findFirst().orElseThrow();
            Book before = reference("ethusd", frames, micros(data) - 1);
            BigDecimal price = Decimals.toBigDecimal(trade.price()).stripTrailingZeros();
            if (trade.aggressor() == Side.BID) {
                assertTrue(before.asks.containsKey(price) && !before.bids.containsKey(price), trade.toString());
            }
            assertEquals(0, new BigDecimal(data.get("price_str").asText()).compareTo(Decimals.toBigDecimal(trade.price())));
            assertEquals(0, new BigDecimal(data.get("amount_str").asText()).compareTo(trade.size()));
            assertEquals(micros(data) / 1000, trade.venueTimestamp());
            // The taker's order is the one that arrived last: the newer (higher) order id.
            boolean buyNewer = data.get("buy_order_id").asLong() > data.get("sell_order_id").asLong();
            assertEquals(buyNewer ? Side.BID : Side.ASK, trade.aggressor(), "trade " + trade.tradeId());
        }
        Trade lift = trades.get(0);
        assertEquals("216000477", lift.tradeId());
        assertEquals(Side.BID, lift.aggressor(), "type 0: a buyer lifted the best ask, 3805.44");
        Book beforeLift = reference("ethusd", frames, 1641343699596000L - 1);
        assertEquals(new BigDecimal("3805.44"), beforeLift.asks.firstKey());
        Trade hit = trades.get(2);
        assertEquals(Side.ASK, hit.aggressor(), "type 1: a seller hit resting bids");
        Book beforeHit = reference("ethusd", frames, 1641343709599000L - 1);
        assertEquals(new BigDecimal("3.2394864"), beforeHit.bids.get(new BigDecimal("3802.89")),
                "trade 216000485 took the whole 3802.89 bid, 3.23948640");
        assertEquals(0, trades.stream().filter(t -> t.aggressor() == null).count());
    }

    @Test
    void theProbeFramesOf2026() {
        List<String> frames = Fixtures.lines("bitstamp", PROBE_2026);
        assertEquals(11, frames.size());
        BitstampSession session = BitstampTestSupport.session();
        session.subscribe(List.of("btcusd-perp", "asterusd-perp"), out);
        out.stale.clear();
        frames.forEach(f -> session.onText(f, BitstampTestSupport.RECEIVED, out));

        // Not followed here: the stateless order_book_ channel, funding rates, live orders.
        assertEquals(List.of("Bitstamp data on a channel not subscribed here: order_book_btcusd-perp",
                "unknown Bitstamp event 'funding_rate_saved'", "unknown Bitstamp event 'order_deleted'"),
                out.badFrameReasons());
        assertEquals(List.of("Bitstamp error: Incorrect JSON format.", "Bitstamp error: Bad subscription string.",
                "Bitstamp error: Invalid channel provided."), out.venueErrors);
        Trade trade = out.only(Trade.class);
        assertEquals("2001939623936278528", trade.tradeId(), "an id past 2^53, exact");
        assertEquals(Decimals.parse("77204"), trade.price());
        assertEquals(new BigDecimal("0.00921"), trade.size());
        assertEquals(Side.BID, trade.aggressor(), "type 0; its buy order (…601216) is newer than its sell order (…740993)");
        assertEquals(1789456400586L, trade.venueTimestamp(), "from microtimestamp; this perp's timestamp is in ms");
        assertEquals(List.of(), out.stale);

        // Zero spelled "0.00000" and "0" both remove their level from a live book holding them.
        RecordingOutput live = new RecordingOutput();
        BitstampSession second = BitstampTestSupport.session();
        second.subscribe(List.of("btcusd-perp", "asterusd-perp"), live);
        answerSnapshot(second, live, "btcusd-perp", 200, BitstampTestSupport.restBook(1789456316000000L,
                "[\"77049\",\"1.5\"],[\"77035\",\"0.1\"]", "[\"77409\",\"2\"],[\"77410\",\"3\"]"));
        answerSnapshot(second, live, "asterusd-perp", 200, BitstampTestSupport.restBook(1789456316000000L,
                "[\"0.68704\",\"1\"],[\"0.68647\",\"5\"],[\"0.68616\",\"6\"]", "[\"0.68810\",\"7\"],[\"0.68900\",\"1\"]"));
        frames.stream().filter(f -> f.contains("diff_order_book_")).forEach(f -> second.onText(f, 0, live));
        assertEquals(2, live.events(BookDelta.class).size());
        Book btc = new Book();
        Book aster = new Book();
        live.events.forEach(e -> (e.market().symbol().equals("btcusd-perp") ? btc : aster).apply(e));
        Book expectedBtc = new Book();
        expectedBtc.set(true, "77035", "2.45710");
        expectedBtc.set(false, "77410", "3");
        assertEquals(expectedBtc, btc);
        Book expectedAster = new Book();
        expectedAster.set(true, "0.68704", "18089");
        expectedAster.set(false, "0.68806", "30");
        expectedAster.set(false, "0.68900", "1");
        assertEquals(expectedAster, aster);
    }

    // ---------------------------------------------------------------- the independent reference

    /** REST book + every recorded diff newer than it and at or before {@code until}, in microtimestamp order. */
    static Book reference(String pair, List<String> frames, long until) {
        JsonNode rest = tree(Fixtures.read("bitstamp", restFile(pair)));
        Book book = new Book();
        rest.get("bids").forEach(l -> book.set(true, l.get(0).asText(), l.get(1).asText()));
        rest.get("asks").forEach(l -> book.set(false, l.get(0).asText(), l.get(1).asText()));
        long m = Long.parseLong(rest.get("microtimestamp").asText());
        List<JsonNode> diffs = new ArrayList<>(diffs(frames, pair));
        diffs.sort(Comparator.comparingLong(BitstampCaptureTest::micros));
        for (JsonNode d : diffs) {
            if (micros(d) > m && micros(d) <= until) {
                d.get("bids").forEach(l -> book.set(true, l.get(0).asText(), l.get(1).asText()));
                d.get("asks").forEach(l -> book.set(false, l.get(0).asText(), l.get(1).asText()));
            }
        }
        return book;
    }

    private static String restBody(long micros, Book book) {
        StringBuilder bids = new StringBuilder();
        book.bids.forEach((p, s) -> bids.append(bids.length() == 0 ? "" : ",").append("[\"").append(p.toPlainString())
                .append("\",\"").append(s.toPlainString()).append("\"]"));
        StringBuilder asks = new StringBuilder();
        book.asks.forEach((p, s) -> asks.append(asks.length() == 0 ? "" : ",").append("[\"").append(p.toPlainString())
                .append("\",\"").append(s.toPlainString()).append("\"]"));
        return BitstampTestSupport.restBook(micros, bids.toString(), asks.toString());
    }

    static List<JsonNode> diffs(List<String> frames, String pair) {
        return framesOf(frames, pair).stream().map(f -> tree(f).get("data")).toList();
    }

    static List<String> framesOf(List<String> frames, String pair) {
        return frames.stream().filter(f -> f.contains("\"channel\":\"diff_order_book_" + pair + "\"")
                && f.contains("\"event\":\"data\"")).toList();
    }

    static long snapshotMicros(String pair) {
        return Long.parseLong(tree(Fixtures.read("bitstamp", restFile(pair))).get("microtimestamp").asText());
    }

    static long micros(JsonNode data) {
        return Long.parseLong(data.get("microtimestamp").asText());
    }

    static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

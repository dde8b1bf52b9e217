package io.marketmesh.node.venue.binance;

import static io.marketmesh.node.venue.binance.BinanceTestSupport.FRAMES;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.RECEIVED_AT;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.RECORDING;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.VENUE;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.d;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.level;
import static io.marketmesh.node.venue.binance.BinanceTestSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every real captured Binance file (cryptofeed's 2021 recording of NKNUSDT, BLZETH, LRCBTC and RUNEEUR: REST depth
 * snapshots and the combined diff, bookTicker, aggTrade and kline streams, in captured order) fed through a session.
 * The session asks for each snapshot after the first diff of its market; the test answers with the snapshot the
 * recording holds for it.
 */
class BinanceCaptureTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SYMBOLS = List.of("NKNUSDT", "BLZETH", "LRCBTC", "RUNEEUR");

    private final RecordingOutput out = new RecordingOutput();
    private final AtomicLong clock = new AtomicLong(RECEIVED_AT);

    @Test
    void everyCapturedFileHasATestHere() {
        Set<String> files = Fixtures.all(VENUE).stream().map(Path::getFileName).map(Path::toString)
                .collect(Collectors.toSet());
        Set<String> tested = new java.util.HashSet<>(Set.of(RECORDING, FRAMES));
        SYMBOLS.forEach(s -> tested.add(restFile(s)));
        assertEquals(tested, files, "a new Binance capture needs its own test in this class");
    }

    @Test
    void theRecordingSyncsEveryBookFromItsRestSnapshot() throws Exception {
        Replay replay = replay(0);

        assertEquals(List.of(), out.stale, "the recording has no gap");
        assertEquals(List.of(), out.venueErrors);
        assertEquals(List.of("unknown Binance event type 'kline'", "unknown Binance event type 'kline'"),
                out.badFrameReasons(), "only the kline frames, a stream the node never subscribes, are not read");
        // The diffs each snapshot already held (u <= lastUpdateId): 1 for NKNUSDT, BLZETH and RUNEEUR, 2 for LRCBTC.
        assertEquals(5, replay.session.counters().diffsDroppedAtSplice());
        assertEquals(0, replay.session.counters().sequenceFailures());
        assertEquals(4, replay.session.counters().snapshotsApplied());
        assertEquals(0, replay.session.counters().snapshotsTooOld());

        for (String symbol : SYMBOLS) {
            BinanceTestSupport.Book book = BinanceTestSupport.Book.of(out.events, symbol);
            Reference truth = replay.references.get(symbol);
            assertEquals(1, book.snapshots, symbol);
            assertEquals(truth.applied, book.deltas, symbol + ": every diff after the snapshot applied");
            assertEquals(truth.lastU, book.sequence, symbol);
            assertEquals(truth.bids(), book.bidLevels(), symbol + " bids");
            assertEquals(truth.asks(), book.askLevels(), symbol + " asks");
            assertEquals(BookSync.State.LIVE, replay.session.book(symbol).state(), symbol);
        }
        // One check per applied diff: the first bridges its snapshot, each next follows the one before.
        int applied = replay.references.values().stream().mapToInt(r -> r.applied).sum();
        assertEquals(applied, replay.session.counters().sequenceChecks());
        assertEquals(applied, out.sequenceChecks, "every check reported to the socket's integrity counts");
        assertEquals(0, out.sequenceFailures);
        assertEquals(150 + 15 + 10 + 2 - 5, applied);
    }

    @Test
    void theRecordingSyncsTooWhenTheSnapshotsArriveAfterManyBufferedDiffs() throws Exception {
        Replay replay = replay(40);

        assertEquals(List.of(), out.stale);
        assertEquals(0, replay.session.counters().sequenceFailures());
        for (String symbol : SYMBOLS) {
            BinanceTestSupport.Book book = BinanceTestSupport.Book.of(out.events, symbol);
            Reference truth = replay.references.get(symbol);
            assertEquals(truth.bids(), book.bidLevels(), symbol + " bids");
            assertEquals(truth.asks(), book.askLevels(), symbol + " asks");
            assertEquals(truth.lastU, book.sequence, symbol);
        }
        // NKNUSDT's snapshot came 40 frames late: the diffs buffered meanwhile were checked as they came, then spliced.
        assertTrue(replay.session.counters().sequenceChecks() > 150, replay.session.counters().toString());
    }

    @Test
    void microPricesAndSizesStayExact() throws Exception {
        replay(0);
        BookSnapshot lrc = out.events(BookSnapshot.class).stream()
                .filter(s -> s.market().symbol().equals("LRCBTC")).findFirst().orElseThrow();
        assertEquals(level("0.00000637", "6500"), lrc.bids().get(0));
        assertEquals("0.00000637", Decimals.toString(lrc.bids().get(0).price()));
        assertEquals(259345543, lrc.venueSequence());
        BookSnapshot blz = out.events(BookSnapshot.class).stream()
                .filter(s -> s.market().symbol().equals("BLZETH")).findFirst().orElseThrow();
        assertEquals(level("0.00006547", "100"), blz.bids().get(0));
    }

    @Test
    void aggTradesGiveTheTakersSide() throws Exception {
        replay(0);
        List<Trade> trades = out.events(Trade.class);
        assertEquals(2, trades.size());
        Trade nkn = trades.get(0);
        assertEquals("NKNUSDT", nkn.market().symbol());
        assertEquals("15683430", nkn.tradeId());
        assertEquals(d("0.3528"), nkn.price());
        assertEquals(new BigDecimal("58"), nkn.size());
        assertEquals(Side.BID, nkn.aggressor(), "m=false: the buyer took liquidity");
        assertEquals(1633998523963L, nkn.venueTimestamp());
        Trade lrc = trades.get(1);
        assertEquals("LRCBTC", lrc.market().symbol());
        assertEquals(d("0.00000638"), lrc.price());
        assertEquals(Side.BID, lrc.aggressor());
    }

    @Test
    void bookTickersBecomeTickers() throws Exception {
        replay(0);
        List<Ticker> tickers = out.events(Ticker.class);
        assertEquals(74 + 9 + 1, tickers.size(), "every bookTicker frame of the followed markets");
        Ticker first = tickers.get(0);
        assertEquals("NKNUSDT", first.market().symbol());
        assertEquals(d("0.3521"), first.bestBid());
        assertEquals(new BigDecimal("672"), first.bestBidSize());
        assertEquals(d("0.3526"), first.bestAsk());
        assertEquals(new BigDecimal("3199"), first.bestAskSize());
        assertEquals(Decimals.NONE, first.lastPrice());
        assertNull(first.volume());
    }

    @Test
    void theStandaloneRestSnapshotsParseExactly() throws Exception {
        for (String symbol : SYMBOLS) {
            String body = Fixtures.read(VENUE, restFile(symbol));
            DepthSnapshot snapshot = DepthSnapshot.parse(body);
            JsonNode tree = JSON.readTree(body);
            assertEquals(tree.get("lastUpdateId").asLong(), snapshot.lastUpdateId(), symbol);
            assertEquals(reference(tree.get("bids")), snapshot.bids(), symbol + " bids");
            assertEquals(reference(tree.get("asks")), snapshot.asks(), symbol + " asks");
        }
        assertEquals(1000, DepthSnapshot.parse(Fixtures.read(VENUE, restFile("NKNUSDT"))).asks().size());
    }

    @Test
    void everyFrameOfTheRecvOnlyFileIsReadOrRefusedForAReason() {
        BinanceSession session = BinanceTestSupport.session(clock);
        session.subscribe(SYMBOLS, out);
        List<String> frames = Fixtures.lines(VENUE, FRAMES);
        assertEquals(265, frames.size());
        for (String frame : frames) {
            session.onText(frame, RECEIVED_AT, out);
        }
        assertEquals(2, out.badFrames.size(), out.badFrameReasons().toString());
        assertTrue(out.badFrames.stream().allMatch(b -> b.frame().contains("\"e\":\"kline\"")));
        // Without snapshot answers the books only buffer: one snapshot asked for per market, nothing stale.
        assertEquals(4, out.fetches.size());
        assertEquals(List.of(), out.stale);
        assertEquals(84, out.events(Ticker.class).size());
        assertEquals(2, out.events(Trade.class).size());
    }

    // ---------------------------------------------------------------- replay

    private record Replay(BinanceSession session, Map<String, Reference> references) {
    }

    /**
     * Feeds the recording's frames; each snapshot the session asks for is answered with the recorded one after
     * {@code delay} more frames.
     */
    private Replay replay(int delay) throws Exception {
        Map<String, String> snapshots = new HashMap<>();
        List<String> frames = new ArrayList<>();
        for (String line : Fixtures.lines(VENUE, RECORDING)) {
            JsonNode record = JSON.readTree(line);
            switch (record.get("t").asText()) {
                case "http" -> {
                    String url = record.get("url").asText();
                    if (url.contains("/api/v3/depth?symbol=")) {
                        snapshots.put(url.replaceAll(".*symbol=([A-Z]+).*", "$1"), record.get("data").asText());
                    }
                }
                case "recv" -> frames.add(record.get("data").asText());
                default -> {
                }
            }
        }
        assertEquals(Set.copyOf(SYMBOLS), snapshots.keySet());
        BinanceSession session = BinanceTestSupport.session(10, Map.of("trade-stream", "aggTrade"), clock);
        session.subscribe(SYMBOLS, out);
        assertEquals(List.of("{\"method\":\"SUBSCRIBE\",\"params\":[\"nknusdt@depth@100ms\",\"nknusdt@aggTrade\","
                + "\"nknusdt@bookTicker\",\"blzeth@depth@100ms\",\"blzeth@aggTrade\",\"blzeth@bookTicker\","
                + "\"lrcbtc@depth@100ms\",\"lrcbtc@aggTrade\",\"lrcbtc@bookTicker\",\"runeeur@depth@100ms\","
                + "\"runeeur@aggTrade\",\"runeeur@bookTicker\"],\"id\":1}"), out.sent);

        Map<String, Integer> answerAt = new LinkedHashMap<>();
        Map<String, RecordingOutput.Fetch> asked = new HashMap<>();
        int answered = 0;
        for (int i = 0; i < frames.size(); i++) {
            session.onText(frames.get(i), RECEIVED_AT + i, out);
            for (; answered < out.fetches.size(); answered++) {
                RecordingOutput.Fetch fetch = out.fetches.get(answered);
                String symbol = fetch.request().url().replaceAll(".*symbol=([A-Z]+).*", "$1");
                assertEquals(BinanceTestSupport.REST + "/api/v3/depth?symbol=" + symbol + "&limit=1000",
                        fetch.request().url());
                asked.put(symbol, fetch);
                answerAt.put(symbol, i + delay);
            }
            for (Map.Entry<String, Integer> due : List.copyOf(answerAt.entrySet())) {
                if (due.getValue() <= i) {
                    answerAt.remove(due.getKey());
                    session.onFetched(asked.get(due.getKey()).tag(), ok(snapshots.get(due.getKey())), out);
                }
            }
        }
        for (String symbol : List.copyOf(answerAt.keySet())) {
            session.onFetched(asked.get(symbol).tag(), ok(snapshots.get(symbol)), out);
        }
        Map<String, Reference> references = new HashMap<>();
        for (String symbol : SYMBOLS) {
            references.put(symbol, Reference.build(snapshots.get(symbol), frames, symbol));
        }
        return new Replay(session, references);
    }

    /**
     * The book the documented algorithm gives, computed apart from the session: the snapshot, then every diff of the
     * market with {@code u > lastUpdateId}, in order, with BigDecimal arithmetic on the texts as sent.
     */
    private static final class Reference {
        final TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Collections.reverseOrder());
        final TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
        int applied;
        long lastU;

        static Reference build(String snapshotBody, List<String> frames, String symbol) throws Exception {
            Reference r = new Reference();
            JsonNode snapshot = JSON.readTree(snapshotBody);
            snapshot.get("bids").forEach(l -> r.bids.put(new BigDecimal(l.get(0).asText()), new BigDecimal(l.get(1).asText())));
            snapshot.get("asks").forEach(l -> r.asks.put(new BigDecimal(l.get(0).asText()), new BigDecimal(l.get(1).asText())));
            r.lastU = snapshot.get("lastUpdateId").asLong();
            for (String frame : frames) {
                JsonNode data = JSON.readTree(frame).get("data");
                if (!"depthUpdate".equals(data.path("e").asText()) || !symbol.equals(data.get("s").asText())
                        || data.get("u").asLong() <= r.lastU) {
                    continue;
                }
                data.get("b").forEach(l -> r.set(r.bids, l));
                data.get("a").forEach(l -> r.set(r.asks, l));
                r.lastU = data.get("u").asLong();
                r.applied++;
            }
            return r;
        }

        private void set(TreeMap<BigDecimal, BigDecimal> side, JsonNode level) {
            BigDecimal price = new BigDecimal(level.get(0).asText());
            BigDecimal size = new BigDecimal(level.get(1).asText());
            if (size.signum() == 0) {
                side.remove(price);
            } else {
                side.put(price, size);
            }
        }

        List<PriceLevel> bids() {
            return levels(bids);
        }

        List<PriceLevel> asks() {
            return levels(asks);
        }

        private static List<PriceLevel> levels(TreeMap<BigDecimal, BigDecimal> side) {
            List<PriceLevel> levels = new ArrayList<>();
            side.forEach((p, s) -> levels.add(new PriceLevel(d(p.toPlainString()), d(s.toPlainString()))));
            return levels;
        }
    }

    private static List<PriceLevel> reference(JsonNode side) {
        List<PriceLevel> levels = new ArrayList<>();
        side.forEach(l -> levels.add(new PriceLevel(d(new BigDecimal(l.get(0).asText()).toPlainString()),
                d(new BigDecimal(l.get(1).asText()).toPlainString()))));
        return levels;
    }

    private static String restFile(String symbol) {
        return "cryptofeed_v3__BINANCE_rest_depth_" + symbol + "_limit1000.json";
    }
}

package io.marketmesh.node.venue.bybit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.marketmesh.node.market.OrderBook;
import io.marketmesh.node.testkit.Fixtures;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every real Bybit capture, fed unchanged through sessions. The recording holds two sockets of cryptofeed's, a linear
 * one ({@code BYBIT.ws.2}, four perpetuals) and a spot one ({@code BYBIT.ws.3}, two pairs), both at
 * {@code orderbook.200}; each is replayed through a session of its category, as the node would run them. The
 * recv-only file is the same frames without the socket they came on.
 */
class BybitCaptureTest {

    private static final String RECORDING = "cryptofeed_v3__BYBIT_recording_2026-08-09.jsonl";
    private static final String RECV_ONLY = "cryptofeed_v3__BYBIT_ws_frames_recv_only.jsonl";
    private static final String LINEAR_SOCKET = "BYBIT.ws.2";
    private static final String SPOT_SOCKET = "BYBIT.ws.3";
    private static final List<String> LINEAR = List.of("linear:BTCUSDT", "linear:ETHUSDT", "linear:SOLUSDT",
            "linear:DOGEUSDT");
    private static final List<String> SPOT = List.of("BTCUSDT", "ETHUSDT");
    private static final int DEPTH = 200;
    private static final long RECEIVED = 1_800_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One socket of the recording replayed through a session, every book rebuilt and checked after each change. */
    private static final class Replay {
        final BybitSession session;
        final RecordingOutput out = new RecordingOutput();
        final Map<MarketKey, OrderBook> books = new HashMap<>();
        int deltasApplied;
        int deletesOfAbsentLevels;
        int booksNotFull;
        int crossed;

        Replay(BybitCategory category, List<String> symbols) {
            session = new BybitSession(category, DEPTH, 10, Duration.ofSeconds(20));
            session.subscribe(symbols, out);
        }

        void feed(String frame) {
            int before = out.events.size();
            session.onText(frame, RECEIVED, out);
            for (MarketEvent event : out.events.subList(before, out.events.size())) {
                if (event instanceof BookSnapshot s) {
                    OrderBook book = books.computeIfAbsent(s.market(), k -> new OrderBook());
                    assertEquals(OrderBook.Result.APPLIED, book.replace(s.bids(), s.asks()));
                    book.keepBest(s.depthLimit());
                } else if (event instanceof BookDelta d) {
                    OrderBook book = books.get(d.market());
                    for (LevelUpdate u : d.updates()) {
                        if (u.size() == 0 && book.sizeAt(u.side(), u.price()) == 0) {
                            deletesOfAbsentLevels++;
                        }
                    }
                    assertEquals(OrderBook.Result.APPLIED, book.apply(d.updates(), false));
                    book.keepBest(DEPTH);
                    deltasApplied++;
                    booksNotFull += book.bidDepth() == DEPTH && book.askDepth() == DEPTH ? 0 : 1;
                    crossed += book.isCrossed() ? 1 : 0;
                }
            }
        }
    }

    @Test
    void everyCapturedFileHasATestHere() {
        Set<String> files = Fixtures.all("bybit").stream().map(Path::getFileName).map(Path::toString)
                .collect(Collectors.toSet());
        assertEquals(Set.of(RECORDING, RECV_ONLY), files, "a new Bybit capture needs its own test in this class");
    }

    /** The recorded frames of one socket (null: of both), in order. */
    private static List<String> framesOf(String socket) throws Exception {
        List<String> frames = new ArrayList<>();
        for (String line : Fixtures.lines("bybit", RECORDING)) {
            JsonNode record = JSON.readTree(line);
            if ("recv".equals(record.path("t").asText())
                    && (socket == null || socket.equals(record.path("conn").asText()))) {
                frames.add(record.path("data").asText());
            }
        }
        return frames;
    }

    private static Replay replay(String socket, BybitCategory category, List<String> symbols) throws Exception {
        Replay replay = new Replay(category, symbols);
        replay.out.clear();
        for (String frame : framesOf(socket)) {
            replay.feed(frame);
        }
        return replay;
    }

    @Test
    void linearSocketReplaysWithNoGapAndEveryBookStaysAWhole200LevelWindow() throws Exception {
        Replay linear = replay(LINEAR_SOCKET, BybitCategory.LINEAR, LINEAR);

        assertEquals(new BybitChecks(1594, 0, 4, 0), linear.session.checks(),
                "every one of the 1594 deltas follows its predecessor's u by exactly 1");
        assertEquals(1594, linear.out.sequenceChecks, "every check reported to the connection's integrity counts");
        assertEquals(0, linear.out.sequenceFailures);
        assertEquals(List.of(), linear.out.stale);
        assertEquals(List.of(), linear.out.venueErrors, "17 subscribe acks, all successes");
        assertEquals(List.of(), linear.out.sent, "nothing asked of the venue: no resubscription");
        assertEquals(1594, linear.deltasApplied);
        assertEquals(0, linear.deletesOfAbsentLevels, "a lost delta would show as a delete of a level not held");
        assertEquals(0, linear.booksNotFull, "Bybit keeps exactly 200 levels a side, sending what enters and leaves");
        assertEquals(0, linear.crossed);
        assertEquals(Set.copyOf(LINEAR.stream().map(s -> MarketKey.of(Venue.BYBIT, s)).toList()),
                linear.books.keySet(), "linear books keyed by their linear: symbols");
        // Only cryptofeed's kline topic is not followed by the node: 71 frames, reported, never applied.
        assertEquals(71, linear.out.badFrames.size());
        assertTrue(linear.out.badFrameReasons().stream().allMatch(r -> r.startsWith("Bybit topic not followed by "
                + "this node: kline.1.")), linear.out.badFrameReasons().toString());
    }

    @Test
    void spotSocketReplaysWithNoGapAndEveryBookStaysAWhole200LevelWindow() throws Exception {
        Replay spot = replay(SPOT_SOCKET, BybitCategory.SPOT, SPOT);

        assertEquals(new BybitChecks(548, 0, 2, 0), spot.session.checks());
        assertEquals(List.of(), spot.out.stale);
        assertEquals(List.of(), spot.out.venueErrors);
        assertEquals(548, spot.deltasApplied);
        assertEquals(0, spot.deletesOfAbsentLevels);
        assertEquals(0, spot.booksNotFull);
        assertEquals(0, spot.crossed);
        assertEquals(25, spot.out.badFrames.size(), "the 25 kline frames");

        // The first spot BTCUSDT snapshot, then its first delta, exactly as sent (spot prices have no fixed decimals).
        BookSnapshot first = spot.out.events(BookSnapshot.class).get(0);
        assertEquals(MarketKey.of(Venue.BYBIT, "BTCUSDT"), first.market());
        assertEquals(62505424, first.venueSequence());
        assertEquals(1786310816516L, first.venueTimestamp());
        assertEquals(DEPTH, first.depthLimit());
        assertEquals(new PriceLevel(d("65140.4"), d("0.885797")), first.bids().get(0));
        assertEquals(new PriceLevel(d("65140"), d("0.014")), first.bids().get(1));
        assertEquals(DEPTH, first.bids().size());
        assertEquals(DEPTH, first.asks().size());
        BookDelta delta = spot.out.events(BookDelta.class).get(0);
        assertEquals(62505425, delta.venueSequence());
        assertEquals(BookDelta.Mode.ABSOLUTE, delta.mode());
        assertEquals(List.of(new LevelUpdate(Side.BID, d("65140.4"), d("0.875077")),
                new LevelUpdate(Side.ASK, d("65154.6"), d("0.09948")),
                new LevelUpdate(Side.ASK, d("65154.7"), d("0.123013")),
                new LevelUpdate(Side.ASK, d("65239"), d("0.155135")),
                new LevelUpdate(Side.ASK, d("65239.1"), 0)), delta.updates());
        assertNull(delta.claim(), "Bybit sends no checksum");
    }

    @Test
    void tradesCarryTheTakerSideAsBybitDefinesIt() throws Exception {
        Replay linear = replay(LINEAR_SOCKET, BybitCategory.LINEAR, LINEAR);
        List<Trade> trades = linear.out.events(Trade.class);
        assertEquals(327, trades.size());
        // S is the taker's side: "Sell" = the taker sold into the bid.
        assertEquals(215, trades.stream().filter(t -> t.aggressor() == Side.ASK).count());
        assertEquals(112, trades.stream().filter(t -> t.aggressor() == Side.BID).count());
        Trade first = trades.get(0);
        assertEquals(new Trade(MarketKey.of(Venue.BYBIT, "linear:BTCUSDT"), "a9188a0a-82bc-50de-be60-03eedbe3cdd7",
                d("65114.20"), d("0.004"), Side.ASK, 1786310819680L, RECEIVED), first);

        Replay spot = replay(SPOT_SOCKET, BybitCategory.SPOT, SPOT);
        List<Trade> spotTrades = spot.out.events(Trade.class);
        assertEquals(20, spotTrades.size());
        assertEquals(new Trade(MarketKey.of(Venue.BYBIT, "ETHUSDT"), "2280000001739247417", d("1923.28"),
                d("0.04537"), Side.ASK, 1786310821917L, RECEIVED), spotTrades.get(0));
        assertEquals(8, spotTrades.stream().filter(t -> t.aggressor() == Side.BID).count());
    }

    @Test
    void linearTickerDeltasAreMergedIntoTheirSnapshot() throws Exception {
        Replay linear = replay(LINEAR_SOCKET, BybitCategory.LINEAR, LINEAR);
        List<Ticker> btc = linear.out.events(Ticker.class).stream()
                .filter(t -> t.market().symbol().equals("linear:BTCUSDT")).toList();
        Ticker snapshot = btc.get(0);
        assertEquals(d("65114.20"), snapshot.bestBid());
        assertEquals(new BigDecimal("5.954"), snapshot.bestBidSize());
        assertEquals(d("65114.30"), snapshot.bestAsk());
        assertEquals(new BigDecimal("10.47"), snapshot.bestAskSize(), "10.470 as sent, normalized");
        assertEquals(d("65114.30"), snapshot.lastPrice());
        assertEquals(new BigDecimal("17573.9120"), snapshot.volume());
        assertEquals(new BigDecimal("59891.732"), snapshot.openInterest());
        // The first delta sends only the book top; the last price, volume and open interest are the snapshot's.
        Ticker merged = btc.get(1);
        assertEquals(new BigDecimal("6.054"), merged.bestBidSize());
        assertEquals(new BigDecimal("10.486"), merged.bestAskSize());
        assertEquals(d("65114.30"), merged.lastPrice());
        assertEquals(new BigDecimal("17573.9120"), merged.volume());
        assertEquals(new BigDecimal("59891.732"), merged.openInterest());
        assertEquals(1786310817883L, merged.venueTimestamp());
        assertEquals(758, linear.out.events(Ticker.class).size(), "4 snapshots and 754 deltas");
    }

    @Test
    void spotTickersAreSnapshotsWithoutABookTop() throws Exception {
        Replay spot = replay(SPOT_SOCKET, BybitCategory.SPOT, SPOT);
        List<Ticker> tickers = spot.out.events(Ticker.class);
        assertEquals(81, tickers.size());
        Ticker btc = tickers.get(0);
        assertEquals(new Ticker(MarketKey.of(Venue.BYBIT, "BTCUSDT"), Decimals.NONE, Decimals.NONE, Decimals.NONE,
                Decimals.NONE, d("65140.5"), new BigDecimal("2953.835931"), null, 1786310819126L, RECEIVED), btc);
    }

    @Test
    void recvOnlyFileIsTheRecordingsFramesAndEveryOneParses() throws Exception {
        List<String> recvOnly = Fixtures.lines("bybit", RECV_ONLY);
        assertEquals(3227, recvOnly.size());
        assertEquals(framesOf(null), recvOnly, "the recording's frames, in its order (the replays above follow it)");
        BybitFrame frame = new BybitFrame();
        Map<BybitFrame.Kind, Integer> kinds = new HashMap<>();
        int controls = 0;
        for (String line : recvOnly) {
            frame.read(line);
            if (frame.op != BybitFrame.Op.NONE) {
                controls++;
                assertEquals(1, frame.success);
            } else {
                kinds.merge(frame.kind, 1, Integer::sum);
                assertNotEquals(BybitFrame.Type.MISSING, frame.type, line);
            }
        }
        assertEquals(24, controls, "subscribe acks");
        assertEquals(Map.of(BybitFrame.Kind.ORDERBOOK, 2148, BybitFrame.Kind.TICKERS, 839,
                BybitFrame.Kind.PUBLIC_TRADE, 120, BybitFrame.Kind.OTHER, 96), kinds);
    }

    @Test
    void aDeltaDroppedFromTheRecordingIsCaughtByTheChainAndTheBookResubscribed() throws Exception {
        Replay linear = new Replay(BybitCategory.LINEAR, LINEAR);
        linear.out.clear();
        int btcDeltas = 0;
        String dropped = null;
        for (String frame : framesOf(LINEAR_SOCKET)) {
            boolean btcDelta = frame.contains("\"topic\":\"orderbook.200.BTCUSDT\",\"type\":\"delta\"");
            if (btcDelta && ++btcDeltas == 100) {
                dropped = frame;
                continue; // lost on the way
            }
            linear.feed(frame);
        }
        long droppedU = JSON.readTree(dropped).path("data").path("u").asLong();
        assertEquals(List.of(new RecordingOutput.Stale("linear:BTCUSDT", "update id gap on orderbook.200.BTCUSDT: "
                + "expected u=" + droppedU + " got u=" + (droppedU + 1) + "; resubscribed for a fresh snapshot")),
                linear.out.stale);
        assertEquals(List.of("{\"req_id\":\"3\",\"op\":\"unsubscribe\",\"args\":[\"orderbook.200.BTCUSDT\"]}",
                "{\"req_id\":\"4\",\"op\":\"subscribe\",\"args\":[\"orderbook.200.BTCUSDT\"]}"), linear.out.sent);
        // 99 BTC deltas applied, the 101st checked and refused, the other 312 dropped until a snapshot comes.
        assertEquals(new BybitChecks(1594 - 413 + 100, 1, 4, 413 - 101), linear.session.checks());
        assertEquals(1, linear.out.sequenceFailures);
        assertEquals(1594 - 413 + 100, linear.out.sequenceChecks);
        assertEquals(0, linear.deletesOfAbsentLevels);
    }

    private static long d(String text) {
        return Decimals.parse(text);
    }
}

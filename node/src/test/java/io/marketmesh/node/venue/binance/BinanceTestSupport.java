package io.marketmesh.node.venue.binance;

import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Settings, a hand-driven clock and a book built from a session's events, shared by the Binance tests. */
final class BinanceTestSupport {

    static final String VENUE = "binance";
    static final String RECORDING = "cryptofeed_v3__BINANCE_recording_2021-10-11.jsonl";
    static final String FRAMES = "cryptofeed_v3__BINANCE_ws_frames_recv_only.jsonl";
    static final String REST = "http://rest.test";
    static final long RECEIVED_AT = 1_800_000_000_000L;

    private BinanceTestSupport() {
    }

    static VenueSettings settings(int batchSize, Map<String, Object> options) {
        return new VenueSettings(io.marketmesh.protocol.Venue.BINANCE, true, "wss://stream.binance.com:9443/ws", REST,
                List.of(), 5, 50, batchSize, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(5),
                ConfigFactory.parseMap(options));
    }

    /** A session on {@link #settings} whose clock the test moves. */
    static BinanceSession session(int batchSize, Map<String, Object> options, AtomicLong clock) {
        VenueSettings settings = settings(batchSize, options);
        return new BinanceSession(settings, BinanceOptions.of(settings), clock::get);
    }

    static BinanceSession session(AtomicLong clock) {
        return session(10, Map.of(), clock);
    }

    static FetchResponse ok(String body) {
        return new FetchResponse(200, body, null);
    }

    static long d(String decimal) {
        return Decimals.parse(decimal);
    }

    static PriceLevel level(String price, String size) {
        return new PriceLevel(d(price), d(size));
    }

    /** The last fetch the session asked for (its tag and URL), failing when there is none. */
    static RecordingOutput.Fetch lastFetch(RecordingOutput out) {
        if (out.fetches.isEmpty()) {
            throw new AssertionError("the session asked for no snapshot");
        }
        return out.fetches.get(out.fetches.size() - 1);
    }

    /** A depthUpdate as the raw stream sends it. */
    static String diff(String symbol, long first, long last, String bids, String asks) {
        return "{\"e\":\"depthUpdate\",\"E\":" + (1_700_000_000_000L + last) + ",\"s\":\"" + symbol + "\",\"U\":" + first
                + ",\"u\":" + last + ",\"b\":[" + bids + "],\"a\":[" + asks + "]}";
    }

    static String snapshot(long lastUpdateId, String bids, String asks) {
        return "{\"lastUpdateId\":" + lastUpdateId + ",\"bids\":[" + bids + "],\"asks\":[" + asks + "]}";
    }

    /** One market's book as its actor would hold it after the session's events, best first. */
    static final class Book {
        final TreeMap<Long, Long> bids = new TreeMap<>(Collections.reverseOrder());
        final TreeMap<Long, Long> asks = new TreeMap<>();
        int snapshots;
        int deltas;
        long sequence;

        /** Applies every snapshot and delta of {@code events} for {@code symbol}, in order. */
        static Book of(List<MarketEvent> events, String symbol) {
            Book book = new Book();
            for (MarketEvent e : events) {
                if (e instanceof BookSnapshot s && s.market().symbol().equals(symbol)) {
                    book.bids.clear();
                    book.asks.clear();
                    s.bids().forEach(l -> book.bids.put(l.price(), l.size()));
                    s.asks().forEach(l -> book.asks.put(l.price(), l.size()));
                    book.snapshots++;
                    book.sequence = s.venueSequence();
                } else if (e instanceof BookDelta delta && delta.market().symbol().equals(symbol)) {
                    for (LevelUpdate u : delta.updates()) {
                        TreeMap<Long, Long> side = u.side() == Side.BID ? book.bids : book.asks;
                        if (u.size() == 0) {
                            side.remove(u.price());
                        } else {
                            side.put(u.price(), u.size());
                        }
                    }
                    book.deltas++;
                    book.sequence = delta.venueSequence();
                }
            }
            return book;
        }

        List<PriceLevel> bidLevels() {
            return levels(bids);
        }

        List<PriceLevel> askLevels() {
            return levels(asks);
        }

        private static List<PriceLevel> levels(TreeMap<Long, Long> side) {
            List<PriceLevel> levels = new ArrayList<>();
            side.forEach((p, s) -> levels.add(new PriceLevel(p, s)));
            return levels;
        }
    }
}

package io.marketmesh.node.venue.bitstamp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.marketmesh.node.testkit.RecordingOutput;
import io.marketmesh.node.venue.FetchResponse;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/** What the Bitstamp tests share: a session on test settings, and books rebuilt from what it emitted. */
final class BitstampTestSupport {

    static final String REST = "https://rest.test";
    static final long RECEIVED = 1_800_000_000_000L;

    private BitstampTestSupport() {
    }

    static BitstampSettings settings(Duration recheck, int attempts) {
        return new BitstampSettings(Duration.ofSeconds(1), Duration.ofMillis(500), attempts, recheck, Duration.ZERO, 20_000);
    }

    static BitstampSession session() {
        return new BitstampSession(settings(Duration.ZERO, 3), Duration.ofSeconds(10), REST);
    }

    /** Fires the due fetch timer of {@code pair} and answers its fetch with {@code body}. */
    static void answerSnapshot(BitstampSession session, RecordingOutput out, String pair, int status, String body) {
        assertNotNull(out.timers.remove("fetch|" + pair), "a snapshot fetch is due for " + pair + ": " + out.timers);
        session.onTimer("fetch|" + pair, out);
        RecordingOutput.Fetch fetch = out.fetches.remove(out.fetches.size() - 1);
        assertEquals(REST + "/api/v2/order_book/" + pair + "/", fetch.request().url());
        session.onFetched(fetch.tag(), new FetchResponse(status, body, null), out);
    }

    static String diff(String pair, long micros, String bids, String asks) {
        return "{\"data\":{\"timestamp\":\"" + micros / 1_000_000 + "\",\"microtimestamp\":\"" + micros + "\",\"bids\":["
                + bids + "],\"asks\":[" + asks + "]},\"channel\":\"diff_order_book_" + pair + "\",\"event\":\"data\"}";
    }

    static String restBook(long micros, String bids, String asks) {
        return "{\"timestamp\":\"" + micros / 1_000_000 + "\",\"microtimestamp\":\"" + micros + "\",\"bids\":[" + bids
                + "],\"asks\":[" + asks + "]}";
    }

    /** A book as a MarketActor would hold it: snapshots replace, absolute deltas set (zero removes). */
    static final class Book {
        final TreeMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Collections.reverseOrder());
        final TreeMap<BigDecimal, BigDecimal> asks = new TreeMap<>();

        void apply(MarketEvent event) {
            if (event instanceof BookSnapshot s) {
                bids.clear();
                asks.clear();
                s.bids().forEach(l -> put(bids, l.price(), l.exactSize()));
                s.asks().forEach(l -> put(asks, l.price(), l.exactSize()));
            } else if (event instanceof BookDelta d) {
                for (LevelUpdate u : d.updates()) {
                    put(u.side() == Side.BID ? bids : asks, u.price(), u.exactSize());
                }
            }
        }

        void set(boolean bid, String price, String size) {
            TreeMap<BigDecimal, BigDecimal> side = bid ? bids : asks;
            BigDecimal p = new BigDecimal(price).stripTrailingZeros();
            BigDecimal s = new BigDecimal(size);
            if (s.signum() == 0) {
                side.remove(p);
            } else {
                side.put(p, s.stripTrailingZeros());
            }
        }

        private static void put(TreeMap<BigDecimal, BigDecimal> side, long price, BigDecimal size) {
            BigDecimal p = Decimals.toBigDecimal(price).stripTrailingZeros();
            if (size.signum() == 0) {
                side.remove(p);
            } else {
                side.put(p, size.stripTrailingZeros());
            }
        }

        /**
         * The CRC32 of the whole book written the way {@link SplicedBook#WHOLE_BOOK} describes, computed here
         * independently of the session: bids best first, then asks, every number in its shortest plain form.
         */
        long crc() {
            StringBuilder text = new StringBuilder();
            for (Map<BigDecimal, BigDecimal> side : List.of(bids, asks)) {
                side.forEach((p, s) -> text.append(text.length() == 0 ? "" : ":").append(p.toPlainString()).append(':')
                        .append(s.toPlainString()));
            }
            CRC32 crc = new CRC32();
            crc.update(text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return crc.getValue();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Book b && b.bids.equals(bids) && b.asks.equals(asks);
        }

        @Override
        public int hashCode() {
            return bids.hashCode() * 31 + asks.hashCode();
        }

        @Override
        public String toString() {
            return "bids " + bids + " asks " + asks;
        }
    }

    static PriceLevel level(String price, String size) {
        return new PriceLevel(Decimals.parse(price), Decimals.parse(size));
    }
}

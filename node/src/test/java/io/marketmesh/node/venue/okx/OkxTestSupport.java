package io.marketmesh.node.venue.okx;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.marketmesh.node.market.OrderBook;
import io.marketmesh.node.venue.VenueSettings;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.Venue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/** Settings, sessions on a test clock, and an OKX checksum computed the venue's documented way, for the OKX tests. */
final class OkxTestSupport {

    static final long T0 = 1_800_000_000_000L;

    private OkxTestSupport() {
    }

    static VenueSettings settings(String optionsHocon) {
        return settings(optionsHocon, Duration.ofSeconds(20), 20);
    }

    static VenueSettings settings(String optionsHocon, Duration heartbeat, int marketsPerSocket) {
        Config options = ConfigFactory.parseString(optionsHocon);
        return new VenueSettings(Venue.OKX, true, "ws://127.0.0.1/ws/v5/public", "http://127.0.0.1", List.of(), 5,
                marketsPerSocket, 20, heartbeat, Duration.ofSeconds(30), Duration.ofSeconds(5), options);
    }

    /** A session whose clock the test moves. */
    static OkxSession session(AtomicLong clock, int requestsPerHour, int perFrame) {
        return new OkxSession(new OkxSettings(OkxSettings.DEFAULT.instTypes(), requestsPerHour), perFrame,
                Duration.ofSeconds(20), clock::get);
    }

    /**
     * Books rebuilt from a session's events as a MarketActor would hold them (the 400-level window included), one per
     * instrument.
     */
    static final class Books {
        final Map<String, OrderBook> books = new HashMap<>();

        OrderBook apply(MarketEvent event) {
            if (event instanceof BookSnapshot s) {
                OrderBook book = books.computeIfAbsent(s.market().symbol(), k -> new OrderBook());
                book.replace(s.bids(), s.asks());
                if (s.depthLimit() > 0) {
                    book.keepBest(s.depthLimit());
                }
                return book;
            }
            if (event instanceof BookDelta d) {
                OrderBook book = books.get(d.market().symbol());
                if (book.apply(d.updates(), d.mode() == BookDelta.Mode.RELATIVE) != OrderBook.Result.APPLIED) {
                    throw new AssertionError("delta not applicable: " + d);
                }
                book.keepBest(OkxBookChain.DEPTH);
                return book;
            }
            return null;
        }
    }

    /**
     * OKX's checksum as its docs describe it, written here independently of the node's verifier: the best 25 bids and
     * 25 asks as {@code bidPx:bidSz:askPx:askSz:...}, interleaved, the longer side continuing alone, CRC32 of the
     * text, returned unsigned.
     */
    static long okxChecksum(OrderBook book) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            if (i < book.bidDepth()) {
                append(text, book.bidPriceAt(i), book.bidSizeAt(i));
            }
            if (i < book.askDepth()) {
                append(text, book.askPriceAt(i), book.askSizeAt(i));
            }
        }
        CRC32 crc = new CRC32();
        crc.update(text.toString().getBytes(StandardCharsets.US_ASCII));
        return crc.getValue();
    }

    private static void append(StringBuilder text, long price, long size) {
        if (!text.isEmpty()) {
            text.append(':');
        }
        text.append(Decimals.toString(price)).append(':').append(Decimals.toString(size));
    }
}

package io.marketmesh.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A full book that replaces whatever was held. Both sides are best first: bids descending, asks ascending.
 * {@code venueSequence} is the venue's own sequence number, or 0 where it has none.
 *
 * @param depthLimit levels per side the venue keeps in this book, for venues whose feed is a window on the top of
 *                   the book (Kraken, OKX, Bybit, Crypto.com): a level pushed beyond it gets no removal from the venue,
 *                   so the holder drops it. 0 (omitted in JSON) = the whole book.
 * @param claim      what the venue promises about this book (a checksum), or null
 */
public record BookSnapshot(MarketKey market, List<PriceLevel> bids, List<PriceLevel> asks, long venueSequence,
                           long venueTimestamp, long receivedAt,
                           @JsonInclude(JsonInclude.Include.NON_DEFAULT) int depthLimit,
                           @JsonInclude(JsonInclude.Include.NON_NULL) BookClaim claim) implements MarketEvent {

    public BookSnapshot {
        bids = List.copyOf(bids);
        asks = List.copyOf(asks);
        if (depthLimit < 0) {
            throw new IllegalArgumentException("depthLimit must be >= 0");
        }
    }

    /** The whole book, without a claim. */
    public BookSnapshot(MarketKey market, List<PriceLevel> bids, List<PriceLevel> asks, long venueSequence,
                        long venueTimestamp, long receivedAt) {
        this(market, bids, asks, venueSequence, venueTimestamp, receivedAt, 0, null);
    }
}

package io.marketmesh.protocol;

import java.util.List;

/**
 * A full book that replaces whatever was held. Both sides are best first: bids descending, asks
 * ascending. {@code venueSequence} is the venue's own sequence number, or 0 where it has none.
 */
public record BookSnapshot(MarketKey market, List<PriceLevel> bids, List<PriceLevel> asks,
                           long venueSequence, long venueTimestamp, long receivedAt) implements MarketEvent {

    public BookSnapshot {
        bids = List.copyOf(bids);
        asks = List.copyOf(asks);
    }
}

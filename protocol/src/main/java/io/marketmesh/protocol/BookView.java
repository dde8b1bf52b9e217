package io.marketmesh.protocol;

import java.util.List;

/**
 * What {@code GET /api/v1/markets/{venue}/{symbol}/book?depth=N} answers: both sides best first, each
 * level {@code ["price","size"]}, with the same integrity fields as {@link MarketState}.
 * {@code bootstrappedFrom}: when the book served was published to Kafka by an earlier run of the node (epoch ms);
 * 0 once the venue's own snapshot replaced it (or it never came from Kafka).
 */
public record BookView(MarketKey market, List<PriceLevel> bids, List<PriceLevel> asks, boolean stale,
                       String staleReason, MarketStatus status, long sequence, long venueSequence,
                       long venueTimestamp, long updatedAt, long snapshotAt, long bootstrappedFrom) {

    public BookView {
        bids = List.copyOf(bids);
        asks = List.copyOf(asks);
    }
}

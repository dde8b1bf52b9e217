package io.marketmesh.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A normalized change from a venue, parsed from its wire format. Timestamps are epoch milliseconds:
 * {@code venueTimestamp} as stamped by the venue (0 when it sent none), {@code receivedAt} when the frame
 * reached marketmesh.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = BookSnapshot.class, name = "book_snapshot"),
    @JsonSubTypes.Type(value = BookDelta.class, name = "book_delta"),
    @JsonSubTypes.Type(value = BookReset.class, name = "book_reset"),
    @JsonSubTypes.Type(value = Trade.class, name = "trade"),
    @JsonSubTypes.Type(value = Ticker.class, name = "ticker"),
    @JsonSubTypes.Type(value = StatusUpdate.class, name = "status")
})
public sealed interface MarketEvent permits BookSnapshot, BookDelta, BookReset, Trade, Ticker, StatusUpdate {

    MarketKey market();

    long venueTimestamp();

    long receivedAt();
}

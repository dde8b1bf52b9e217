package io.marketmesh.protocol;

/**
 * The venue invalidated the book (for example Polymarket's tick size change): the held book is dropped
 * and changes are ignored until the next {@link BookSnapshot}.
 */
public record BookReset(MarketKey market, String reason, long venueTimestamp, long receivedAt) implements MarketEvent {
}

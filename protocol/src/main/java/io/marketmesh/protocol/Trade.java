package io.marketmesh.protocol;

/** A trade. {@code aggressor} is the taker's side (BID = taker bought), null when the venue does not say. */
public record Trade(MarketKey market, String tradeId, @Fixed long price, @Fixed long size, Side aggressor,
                    long venueTimestamp, long receivedAt) implements MarketEvent {
}

package io.marketmesh.protocol;

/**
 * The venue's own summary of a market. Any field the venue did not send is {@link Decimals#NONE}
 * (JSON {@code null}).
 */
public record Ticker(MarketKey market, @Fixed long bestBid, @Fixed long bestBidSize, @Fixed long bestAsk,
                     @Fixed long bestAskSize, @Fixed long lastPrice, @Fixed long volume, @Fixed long openInterest,
                     long venueTimestamp, long receivedAt) implements MarketEvent {
}

package io.marketmesh.protocol;

import java.math.BigDecimal;

/**
 * The venue's own summary of a market. A price or size the venue did not send is {@link Decimals#NONE} (JSON
 * {@code null}). {@code volume} and {@code openInterest} are totals, which can outgrow the 17 digits of a
 * {@link Decimals} value (a memecoin's daily volume at the venue's eight decimals), so they are exact
 * {@link BigDecimal}s of any width; null when not sent.
 */
public record Ticker(MarketKey market, @Fixed long bestBid, @Fixed long bestBidSize, @Fixed long bestAsk,
                     @Fixed long bestAskSize, @Fixed long lastPrice, @Exact BigDecimal volume,
                     @Exact BigDecimal openInterest, long venueTimestamp, long receivedAt) implements MarketEvent {
}

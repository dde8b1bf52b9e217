package io.marketmesh.protocol;

import java.math.BigDecimal;

/**
 * The venue's own summary of a market. A price the venue did not send is {@link Decimals#NONE} (JSON {@code null}).
 * Sizes ({@code bestBidSize}, {@code bestAskSize}) and totals ({@code volume}, {@code openInterest}) are exact
 * {@link BigDecimal}s of any width: a level of a micro-priced token, or its daily volume, can outgrow the 17 digits of
 * a {@link Decimals} value. Null when not sent.
 */
public record Ticker(MarketKey market, @Fixed long bestBid, @Exact BigDecimal bestBidSize, @Fixed long bestAsk,
                     @Exact BigDecimal bestAskSize, @Fixed long lastPrice, @Exact BigDecimal volume,
                     @Exact BigDecimal openInterest, long venueTimestamp, long receivedAt) implements MarketEvent {

    public Ticker {
        bestBidSize = bestBidSize == null ? null : WideSizes.normalize(bestBidSize);
        bestAskSize = bestAskSize == null ? null : WideSizes.normalize(bestAskSize);
    }

    /** With {@link Decimals} sizes ({@link Decimals#NONE}: not sent). */
    public Ticker(MarketKey market, long bestBid, long bestBidSize, long bestAsk, long bestAskSize, long lastPrice,
                  BigDecimal volume, BigDecimal openInterest, long venueTimestamp, long receivedAt) {
        this(market, bestBid, exact(bestBidSize), bestAsk, exact(bestAskSize), lastPrice, volume, openInterest,
                venueTimestamp, receivedAt);
    }

    private static BigDecimal exact(long size) {
        return size == Decimals.NONE ? null : Decimals.toBigDecimal(size);
    }
}

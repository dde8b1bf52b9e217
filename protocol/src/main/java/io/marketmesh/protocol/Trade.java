package io.marketmesh.protocol;

import java.math.BigDecimal;

/**
 * A trade. {@code aggressor} is the taker's side (BID = taker bought), null when the venue does not say.
 * {@code size} is exact at any width (a trade of a micro-priced token can need more than the 17 digits of a
 * {@link Decimals} value); parse a venue's text with {@link WideSizes#parse}.
 */
public record Trade(MarketKey market, String tradeId, @Fixed long price, @Exact BigDecimal size, Side aggressor,
                    long venueTimestamp, long receivedAt) implements MarketEvent {

    public Trade {
        size = size == null ? null : WideSizes.normalize(size);
    }

    /** With a {@link Decimals} size ({@link Decimals#NONE}: not sent). */
    public Trade(MarketKey market, String tradeId, long price, long size, Side aggressor, long venueTimestamp,
                 long receivedAt) {
        this(market, tradeId, price, size == Decimals.NONE ? null : Decimals.toBigDecimal(size), aggressor,
                venueTimestamp, receivedAt);
    }
}

package io.marketmesh.protocol;

import java.math.BigDecimal;

/**
 * One price level of one market, as an instrument's summary names it: its price, the size there, and the market
 * ({@code venue:symbol}) it is on. Prices are in the instrument's terms: a prediction-market leg whose YES is the
 * instrument's NO shows {@code 1 - price} of the opposite side.
 */
public record Quote(@Exact BigDecimal price, @Exact BigDecimal size, String market) {
}

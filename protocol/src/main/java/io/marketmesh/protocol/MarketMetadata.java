package io.marketmesh.protocol;

import java.math.BigDecimal;

/**
 * One market of the catalogue: what its venue says about it, as {@code GET /api/v1/markets} lists it and the compacted
 * {@code marketmesh.markets} topic carries it (keyed {@code venue:symbol}). Every field but {@code market} may be
 * unknown (null): a market the venue has not described yet (its metadata is fetched after it is followed), or a field
 * the venue does not have (a crypto pair has no title, a prediction market no base asset).
 *
 * @param market      {@code venue:symbol}
 * @param title       title or question (prediction markets)
 * @param outcome     the outcome this market's book trades ({@code Yes}/{@code No} for a Polymarket token; a Kalshi
 *                    market's subtitle)
 * @param event       the event it belongs to (Polymarket condition id, Kalshi event ticker)
 * @param base        base asset, upper case (crypto); Kraken's {@code XBT} as the venue spells it
 * @param quote       quote asset, upper case (crypto)
 * @param kind        {@code spot}, {@code binary}, or the venue's derivative type ({@code SWAP}, {@code linear})
 * @param tickSize    price increment, exact
 * @param lotSize     size increment, exact
 * @param status      the venue's status word, lower case ({@code trading}, {@code active}, {@code closed}, ...)
 * @param active      whether the venue lists it as open for trading
 * @param openTime    epoch ms it opened, 0 when unknown
 * @param closeTime   epoch ms it closes or closed, 0 when unknown
 * @param url         the venue's web page for it
 * @param closedSince epoch ms when marketmesh first saw it closed or delisted (0: open); it is unfollowed a grace
 *                    period later ({@code marketmesh.catalog.closed-grace})
 * @param updatedAt   epoch ms of the venue answer this entry comes from (0: never described)
 */
public record MarketMetadata(MarketKey market, String title, String outcome, String event, String base, String quote,
                             String kind, @Exact BigDecimal tickSize, @Exact BigDecimal lotSize, String status,
                             boolean active, long openTime, long closeTime, String url, long closedSince,
                             long updatedAt) {

    /** A market nothing is known about yet. */
    public static MarketMetadata unknown(MarketKey market) {
        return new MarketMetadata(market, null, null, null, null, null, null, null, null, null, true, 0, 0, null, 0, 0);
    }
}

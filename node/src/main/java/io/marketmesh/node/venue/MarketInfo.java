package io.marketmesh.node.venue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;

/**
 * What a venue's REST API says about one market it lists, as discovery or {@link VenueAdapter#describe} reads it: the
 * seed of the market catalogue. Every field but {@code symbol} may be unknown (null, or empty for the asset names).
 *
 * @param symbol    the venue's native symbol, the market key's symbol ({@code BTCUSDT}, {@code BTC/USD}, a Polymarket
 *                  token id, a Kalshi ticker)
 * @param base      base asset, upper case as the venue spells it ({@code BTC}; Kraken's from its v2 name, {@code BTC});
 *                  empty for prediction markets
 * @param quote     quote asset, upper case ({@code USDT}); empty for prediction markets
 * @param kind      {@code spot}, {@code binary} (a prediction market's outcome), or the venue's own name of a
 *                  derivative type ({@code SWAP}, {@code linear})
 * @param tickSize  price increment, exact; null when the venue does not say
 * @param lotSize   size increment, exact; null when the venue does not say
 * @param status    the venue's status word, lower case ({@code trading}, {@code online}, {@code active},
 *                  {@code closed}, ...)
 * @param volume    24-hour volume in the quote asset where the venue reports it (ranks discovery); null otherwise
 * @param title     the market's title or question as the venue writes it (prediction markets); null for crypto
 * @param outcome   which outcome this market's book trades: {@code Yes} / {@code No} for a Polymarket token, the
 *                  market's own subtitle or {@code Yes} for a Kalshi market; null for crypto
 * @param event     the event the market belongs to (Polymarket's event or condition id, Kalshi's event ticker); null
 *                  for crypto
 * @param openTime  when the market opened for trading, where the venue says
 * @param closeTime when it closes (or closed), where the venue says
 * @param url       the venue's own web page for the market, where there is one
 * @param active    whether the venue lists it as open for trading now: false means closed, settled, delisted or
 *                  halted for good, which the catalogue shows and, after a grace period, stops following
 */
public record MarketInfo(String symbol, String base, String quote, String kind, BigDecimal tickSize,
                         BigDecimal lotSize, String status, BigDecimal volume, String title, String outcome,
                         String event, Instant openTime, Instant closeTime, String url, boolean active) {

    public MarketInfo {
        if (symbol == null || symbol.isEmpty()) {
            throw new IllegalArgumentException("symbol must not be empty");
        }
        base = base == null ? "" : base.toUpperCase(Locale.ROOT);
        quote = quote == null ? "" : quote.toUpperCase(Locale.ROOT);
        status = status == null ? "" : status.toLowerCase(Locale.ROOT);
    }

    /** A tradable crypto market, without the prediction-market fields. */
    public MarketInfo(String symbol, String base, String quote, String kind, BigDecimal tickSize,
                      BigDecimal lotSize, String status, BigDecimal volume) {
        this(symbol, base, quote, kind, tickSize, lotSize, status, volume, null, null, null, null, null, null, true);
    }

    /** Only the symbol: what a venue without metadata discovery gives. */
    public static MarketInfo bare(String symbol) {
        return new MarketInfo(symbol, "", "", "", null, null, "", null, null, null, null, null, null, null, true);
    }

    public MarketInfo withVolume(BigDecimal newVolume) {
        return new MarketInfo(symbol, base, quote, kind, tickSize, lotSize, status, newVolume, title, outcome, event,
                openTime, closeTime, url, active);
    }
}

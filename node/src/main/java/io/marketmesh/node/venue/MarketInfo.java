package io.marketmesh.node.venue;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * What a venue's REST API says about one market it lists, as discovery reads it: the seed of the market catalogue.
 *
 * @param symbol    the venue's native symbol, the market key's symbol ({@code BTCUSDT}, {@code BTC/USD}, ...)
 * @param base      base asset, upper case as the venue spells it ({@code BTC}; Kraken's {@code XBT} stays {@code XBT})
 * @param quote     quote asset, upper case ({@code USDT})
 * @param kind      {@code spot}, or the venue's own name of a derivative type ({@code SWAP}, {@code linear})
 * @param tickSize  price increment, exact; null when the venue does not say
 * @param lotSize   size increment, exact; null when the venue does not say
 * @param status    the venue's status word, lower case ({@code trading}, {@code online}, ...)
 * @param volume    24-hour volume in the quote asset where the venue reports it (ranks discovery); null otherwise
 */
public record MarketInfo(String symbol, String base, String quote, String kind, BigDecimal tickSize,
                         BigDecimal lotSize, String status, BigDecimal volume) {

    public MarketInfo {
        if (symbol == null || symbol.isEmpty()) {
            throw new IllegalArgumentException("symbol must not be empty");
        }
        base = base == null ? "" : base.toUpperCase(Locale.ROOT);
        quote = quote == null ? "" : quote.toUpperCase(Locale.ROOT);
        status = status == null ? "" : status.toLowerCase(Locale.ROOT);
    }
}

package io.marketmesh.node.simulator;

import java.math.BigDecimal;
import java.util.List;

/**
 * One instrument the simulated crypto venues list, in neutral terms; each venue names it its own way
 * ({@code BTCUSDT}, {@code BTC-USDT}, {@code BTC/USDT}, {@code BTC_USDT}, {@code btcusdt}).
 *
 * @param base     base asset, upper case
 * @param quote    quote asset, upper case
 * @param tick     price increment (the venue's tick size); prices are multiples of it
 * @param lot      size increment (lot size); sizes are multiples of it
 * @param mid      where the book starts
 * @param maxLots  the largest level size, in lots
 */
public record CryptoPair(String base, String quote, BigDecimal tick, BigDecimal lot, BigDecimal mid, long maxLots) {

    /**
     * The instruments every simulated crypto venue lists, in this order; a venue serves the first
     * {@code crypto-markets} of them. A micro-priced token with huge sizes is among them on purpose.
     */
    public static final List<CryptoPair> ALL = List.of(
            pair("BTC", "USDT", "0.01", "0.00001", "65000.00", 500_000),
            pair("ETH", "USDT", "0.01", "0.0001", "3200.00", 500_000),
            // Sizes up to 19 significant digits: wider than a long holds (see WideSizes).
            pair("PEPE", "USDT", "0.0000000001", "0.0000001", "0.0000123456", 9_000_000_000_000_000_000L),
            pair("SOL", "USDC", "0.001", "0.001", "151.250", 900_000),
            pair("BTC", "USD", "0.1", "0.00000001", "64990.0", 90_000_000),
            pair("ETH", "EUR", "0.01", "0.0001", "2950.00", 300_000),
            pair("XRP", "USDT", "0.0001", "0.1", "0.5123", 9_000_000),
            pair("DOGE", "USD", "0.00001", "1", "0.12345", 5_000_000));

    private static CryptoPair pair(String base, String quote, String tick, String lot, String mid, long maxLots) {
        return new CryptoPair(base, quote, new BigDecimal(tick), new BigDecimal(lot), new BigDecimal(mid), maxLots);
    }

    /** Decimals of a price on this pair (the tick's scale). */
    public int priceDecimals() {
        return Math.max(0, tick.stripTrailingZeros().scale());
    }

    /** Decimals of a size on this pair (the lot's scale). */
    public int sizeDecimals() {
        return Math.max(0, lot.stripTrailingZeros().scale());
    }
}

package io.marketmesh.protocol;

/**
 * How a venue writes the text its book checksum is the CRC32 of: which levels, in which order, each price and size
 * written how, joined by what. Data only, so a venue package can describe its rule and the book's owner, which knows
 * no venue, can verify it.
 *
 * @param levels        levels taken from each side, best first (fewer when the side is shorter)
 * @param order         how the two sides are laid out
 * @param separator     put between consecutive numbers (OKX {@code ":"}, Kraken nothing)
 * @param numbers       how each number is written
 * @param priceDecimals with {@link Numbers#FIXED} and {@link Numbers#FIXED_DIGITS}: the decimals every price is
 *                      written with (the instrument's price precision); with {@link Numbers#FIXED}, -1 writes prices
 *                      shortest (a venue that pads one field, not the other); ignored otherwise
 * @param sizeDecimals  the same for sizes
 */
public record ChecksumLayout(int levels, Order order, String separator, Numbers numbers, int priceDecimals,
                             int sizeDecimals) {

    public ChecksumLayout {
        if (levels < 1) {
            throw new IllegalArgumentException("levels must be >= 1");
        }
        int lowest = numbers == Numbers.FIXED ? -1 : 0;
        if (priceDecimals < lowest || sizeDecimals < lowest || priceDecimals > Decimals.MAX_DECIMALS
                || sizeDecimals > Decimals.MAX_DECIMALS) {
            throw new IllegalArgumentException("decimals must be within " + lowest + ".." + Decimals.MAX_DECIMALS);
        }
        separator = separator == null ? "" : separator;
    }

    public enum Order {
        /** Each ask's price and size, best (lowest) first, then each bid's, best (highest) first (Kraken). */
        ASKS_THEN_BIDS,
        /** Bids first, then asks. */
        BIDS_THEN_ASKS,
        /** Bid 1, ask 1, bid 2, ask 2, ...; when one side runs out, the other continues alone (OKX). */
        INTERLEAVED_BID_FIRST
    }

    public enum Numbers {
        /** Plain decimal text without trailing zeros: {@code 0.5}, {@code 100}, {@code 14694.07509503}. */
        SHORTEST,
        /** Plain decimal text with exactly the layout's decimals: {@code 0.50000} at 5. */
        FIXED,
        /** As {@link #FIXED}, then the point and the leading zeros removed: {@code 0.12291} at 5 → {@code 12291}. */
        FIXED_DIGITS
    }
}

package io.marketmesh.node.instrument;

import io.marketmesh.protocol.Decimals;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * One member market's top levels, held in the instrument's terms in arrays allocated once: best first, prices and
 * sizes as {@link Decimals} longs, and beside each size its exact value when it is wider than a long holds (null
 * otherwise, the usual case). A leg whose YES is the instrument's NO is turned over on the way in: its asks become the
 * instrument's bids at {@code 1 - price}, its bids the asks, sizes unchanged.
 */
final class LegBook {

    static final String NO_BOOK_YET = "no book yet";
    static final String UNREPRESENTABLE = "price not representable in the instrument's terms";

    final String market;
    final boolean yes;
    final long[] bidPrices;
    final long[] bidSizes;
    final BigDecimal[] bidWide;
    final long[] askPrices;
    final long[] askSizes;
    final BigDecimal[] askWide;
    int bidCount;
    int askCount;
    /** Whether the last {@link #take} changed any bid level (price, size or count), any ask level. */
    boolean bidsChanged;
    boolean asksChanged;
    /** Whether a wide size sits anywhere in the arrays (so they are cleared before the next copy). */
    private boolean bidWideHeld;
    private boolean askWideHeld;
    boolean stale = true;
    String staleReason = NO_BOOK_YET;
    /** Epoch ms of the last change of its top of book (0: none yet). */
    long updatedAt;

    LegBook(String market, boolean yes, int depth) {
        this.market = market;
        this.yes = yes;
        bidPrices = new long[depth];
        bidSizes = new long[depth];
        bidWide = new BigDecimal[depth];
        askPrices = new long[depth];
        askSizes = new long[depth];
        askWide = new BigDecimal[depth];
    }

    /**
     * Takes the member's levels in its own venue's terms (best first; wide arrays may be null) and returns whether its
     * best bid or ask, price or size, changed.
     *
     * @throws ArithmeticException when {@code 1 - price} needs more than 17 digits (the leg is then left empty)
     */
    boolean take(long[] venueBidPrices, long[] venueBidSizes, BigDecimal[] venueBidWide, int venueBids,
                 long[] venueAskPrices, long[] venueAskSizes, BigDecimal[] venueAskWide, int venueAsks) {
        long oldBid = bidCount == 0 ? Decimals.NONE : bidPrices[0];
        long oldBidSize = bidCount == 0 ? 0 : bidSizes[0];
        BigDecimal oldBidWide = bidCount == 0 ? null : bidWide[0];
        long oldAsk = askCount == 0 ? Decimals.NONE : askPrices[0];
        long oldAskSize = askCount == 0 ? 0 : askSizes[0];
        BigDecimal oldAskWide = askCount == 0 ? null : askWide[0];
        try {
            // A side holding a wide size counts as changed (rare; comparing exact values is not worth it).
            int bids = Math.min(yes ? venueBids : venueAsks, bidPrices.length);
            int asks = Math.min(yes ? venueAsks : venueBids, askPrices.length);
            boolean wideBefore = bidWideHeld;
            bidsChanged = bids != bidCount;
            bidsChanged |= yes ? copy(venueBidPrices, venueBidSizes, bids, bidPrices, bidSizes)
                    : turnOver(venueAskPrices, venueAskSizes, bids, bidPrices, bidSizes);
            bidCount = bids;
            bidWideHeld = copyWide(yes ? venueBidWide : venueAskWide, bids, bidWide, bidWideHeld);
            bidsChanged |= wideBefore || bidWideHeld;
            wideBefore = askWideHeld;
            asksChanged = asks != askCount;
            asksChanged |= yes ? copy(venueAskPrices, venueAskSizes, asks, askPrices, askSizes)
                    : turnOver(venueBidPrices, venueBidSizes, asks, askPrices, askSizes);
            askCount = asks;
            askWideHeld = copyWide(yes ? venueAskWide : venueBidWide, asks, askWide, askWideHeld);
            asksChanged |= wideBefore || askWideHeld;
        } catch (ArithmeticException e) {
            clear();
            throw e;
        }
        return !sameTop(oldBid, oldBidSize, oldBidWide, bidPrices, bidSizes, bidWide, bidCount)
                || !sameTop(oldAsk, oldAskSize, oldAskWide, askPrices, askSizes, askWide, askCount);
    }

    void clear() {
        bidsChanged = bidCount > 0;
        asksChanged = askCount > 0;
        Arrays.fill(bidWide, null);
        Arrays.fill(askWide, null);
        bidWideHeld = false;
        askWideHeld = false;
        bidCount = 0;
        askCount = 0;
    }

    BigDecimal exactBidSize(int i) {
        return bidWide[i] != null ? bidWide[i] : Decimals.toBigDecimal(bidSizes[i]);
    }

    BigDecimal exactAskSize(int i) {
        return askWide[i] != null ? askWide[i] : Decimals.toBigDecimal(askSizes[i]);
    }

    /** Copies {@code n} levels; returns whether any differs from what was there. */
    private static boolean copy(long[] prices, long[] sizes, int n, long[] toPrices, long[] toSizes) {
        boolean changed = !Arrays.equals(prices, 0, n, toPrices, 0, n) || !Arrays.equals(sizes, 0, n, toSizes, 0, n);
        if (changed) {
            System.arraycopy(prices, 0, toPrices, 0, n);
            System.arraycopy(sizes, 0, toSizes, 0, n);
        }
        return changed;
    }

    /** Copies {@code n} levels of the other side at {@code 1 - price}; returns whether any differs. */
    private static boolean turnOver(long[] prices, long[] sizes, int n, long[] toPrices, long[] toSizes) {
        boolean changed = !Arrays.equals(sizes, 0, n, toSizes, 0, n);
        for (int i = 0; i < n; i++) {
            long price = Decimals.subtract(Decimals.ONE, prices[i]);
            changed |= price != toPrices[i];
            toPrices[i] = price;
        }
        if (changed) {
            System.arraycopy(sizes, 0, toSizes, 0, n);
        }
        return changed;
    }

    /** Copies the exact sizes (none when {@code wide} is null); returns whether any is held now. */
    private static boolean copyWide(BigDecimal[] wide, int n, BigDecimal[] toWide, boolean held) {
        if (held) {
            Arrays.fill(toWide, null);
        }
        if (wide == null) {
            return false;
        }
        boolean any = false;
        for (int i = 0; i < n; i++) {
            toWide[i] = wide[i];
            any |= wide[i] != null;
        }
        return any;
    }

    private static boolean sameTop(long oldPrice, long oldSize, BigDecimal oldWide,
                                   long[] prices, long[] sizes, BigDecimal[] wide, int count) {
        if (count == 0) {
            return oldPrice == Decimals.NONE;
        }
        if (prices[0] != oldPrice || sizes[0] != oldSize) {
            return false;
        }
        return oldWide == null ? wide[0] == null : wide[0] != null && oldWide.compareTo(wide[0]) == 0;
    }
}

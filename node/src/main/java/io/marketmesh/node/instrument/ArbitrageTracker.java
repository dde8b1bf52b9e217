package io.marketmesh.node.instrument;

import io.marketmesh.protocol.ArbitrageEvent;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.WideSizes;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The opportunities of one instrument, one slot per ordered (buy leg, sell leg) pair. After a leg changes only the
 * pairs that involve it can change, so {@link #legChanged} checks at most 2 × (legs - 1) pairs (half when only one
 * side of its book moved). A check compares the best
 * prices; only a crossing pair walks its two books for the size. An event (and any allocation) happens only when an
 * opportunity opens, closes, or its prices or size move; the profit follows from the prices (fees are fixed).
 */
final class ArbitrageTracker {

    static final String UNCROSSED = "uncrossed";
    static final String STALE = "stale";
    static final String REMOVED = "removed";

    private final String instrument;
    private final LegBook[] legs;
    private final TakerFees fees;
    private final ArbitrageListener listener;

    // Per pair, at index buy * legs + sell.
    private final boolean[] open;
    private final int[] serial;
    private final long[] openedAt;
    private final long[] buyPrice;
    private final long[] sellPrice;
    private final long[] size;
    private final BigDecimal[] wideSize;
    private final ArbitrageEvent[] last;
    private int openCount;

    // The last walk's result: its size as a long, and exactly when a long cannot hold it (null otherwise).
    private long walkSize;
    private BigDecimal walkWide;

    ArbitrageTracker(String instrument, LegBook[] legs, TakerFees fees, ArbitrageListener listener) {
        this.instrument = instrument;
        this.legs = legs;
        this.fees = fees;
        this.listener = listener;
        int pairs = legs.length * legs.length;
        open = new boolean[pairs];
        serial = new int[pairs];
        openedAt = new long[pairs];
        buyPrice = new long[pairs];
        sellPrice = new long[pairs];
        size = new long[pairs];
        wideSize = new BigDecimal[pairs];
        last = new ArbitrageEvent[pairs];
    }

    /** Re-examines every pair with {@code leg} on either side. */
    void legChanged(int leg, long now) {
        legChanged(leg, now, true, true);
    }

    /**
     * Re-examines the pairs where {@code leg} buys (its asks changed) and those where it sells (its bids changed). A
     * pair depends only on the buyer's asks, the seller's bids and both staleness flags, and every change of those is
     * checked when it happens: skipping a pair whose inputs did not move is exact.
     */
    void legChanged(int leg, long now, boolean asBuyer, boolean asSeller) {
        for (int other = 0; other < legs.length; other++) {
            if (other != leg) {
                if (asBuyer) {
                    check(leg, other, now);
                }
                if (asSeller) {
                    check(other, leg, now);
                }
            }
        }
    }

    /** Closes every open opportunity (the instrument is removed), with {@code reason}. */
    void closeAll(String reason, long now) {
        for (int pair = 0; pair < open.length; pair++) {
            if (open[pair]) {
                close(pair, reason, now);
            }
        }
    }

    /** The open opportunities, pairs in leg order, each as its last step with the duration so far. */
    List<ArbitrageEvent> open(long now) {
        List<ArbitrageEvent> result = new ArrayList<>(openCount);
        for (int pair = 0; pair < open.length; pair++) {
            if (open[pair]) {
                ArbitrageEvent e = last[pair];
                result.add(new ArbitrageEvent(e.type(), e.id(), e.instrument(), e.buyMarket(), e.sellMarket(),
                        e.buyPrice(), e.sellPrice(), e.buyFee(), e.sellFee(), e.profitPercent(), e.size(),
                        e.openedAt(), e.updatedAt(), 0, Math.max(0, now - e.openedAt()), null));
            }
        }
        return result;
    }

    private void check(int buy, int sell, long now) {
        int pair = buy * legs.length + sell;
        LegBook buyLeg = legs[buy];
        LegBook sellLeg = legs[sell];
        if (buyLeg.stale || sellLeg.stale) {
            if (open[pair]) {
                close(pair, STALE, now);
            }
            return;
        }
        // A non-positive ask (a turned-over leg bid at 1) has no profit percent: never an opportunity.
        if (buyLeg.askCount == 0 || sellLeg.bidCount == 0 || buyLeg.askPrices[0] <= 0
                || !fees.pays(buy, buyLeg.askPrices[0], sell, sellLeg.bidPrices[0])) {
            if (open[pair]) {
                close(pair, UNCROSSED, now);
            }
            return;
        }
        walk(buy, sell);
        long ask = buyLeg.askPrices[0];
        long bid = sellLeg.bidPrices[0];
        if (!open[pair]) {
            open[pair] = true;
            openCount++;
            serial[pair]++;
            openedAt[pair] = now;
            remember(pair, ask, bid);
            step(ArbitrageEvent.OPENED, pair, buy, sell, now);
        } else if (ask != buyPrice[pair] || bid != sellPrice[pair]) {
            remember(pair, ask, bid);
            step(ArbitrageEvent.UPDATED, pair, buy, sell, now);
        } else if (walkSize != size[pair] || !sameWide(walkWide, wideSize[pair])) {
            // Only the size moved (the usual step): the prices and the profit are the last step's.
            remember(pair, ask, bid);
            sized(pair, now);
        }
    }

    private void remember(int pair, long ask, long bid) {
        buyPrice[pair] = ask;
        sellPrice[pair] = bid;
        size[pair] = walkSize;
        wideSize[pair] = walkWide;
    }

    private void step(String type, int pair, int buy, int sell, long now) {
        LegBook buyLeg = legs[buy];
        LegBook sellLeg = legs[sell];
        long ask = buyPrice[pair];
        long bid = sellPrice[pair];
        String id = type.equals(ArbitrageEvent.OPENED)
                // The opening time keeps ids unique across membership changes and actor restarts (the serial starts
                // over with each book), the serial within one millisecond.
                ? instrument + '/' + buyLeg.market + '/' + sellLeg.market + '#' + openedAt[pair] + '-' + serial[pair]
                : last[pair].id();
        BigDecimal exactSize = wideSize[pair] != null ? wideSize[pair] : Decimals.toBigDecimal(size[pair]);
        ArbitrageEvent event = new ArbitrageEvent(type, id, instrument, buyLeg.market, sellLeg.market,
                Decimals.toBigDecimal(ask), Decimals.toBigDecimal(bid), fees.rate(buy), fees.rate(sell),
                fees.profitPercent(buy, ask, sell, bid), exactSize, openedAt[pair], now, 0, now - openedAt[pair], null);
        last[pair] = event;
        listener.onEvent(event);
    }

    private void sized(int pair, long now) {
        ArbitrageEvent e = last[pair];
        BigDecimal exactSize = wideSize[pair] != null ? wideSize[pair] : Decimals.toBigDecimal(size[pair]);
        ArbitrageEvent event = new ArbitrageEvent(ArbitrageEvent.UPDATED, e.id(), instrument, e.buyMarket(),
                e.sellMarket(), e.buyPrice(), e.sellPrice(), e.buyFee(), e.sellFee(), e.profitPercent(), exactSize,
                openedAt[pair], now, 0, now - openedAt[pair], null);
        last[pair] = event;
        listener.onEvent(event);
    }

    /** The closing step repeats the opportunity's last prices, profit and size: what was there to take. */
    private void close(int pair, String reason, long now) {
        open[pair] = false;
        openCount--;
        ArbitrageEvent e = last[pair];
        last[pair] = null;
        wideSize[pair] = null;
        listener.onEvent(new ArbitrageEvent(ArbitrageEvent.CLOSED, e.id(), e.instrument(), e.buyMarket(),
                e.sellMarket(), e.buyPrice(), e.sellPrice(), e.buyFee(), e.sellFee(), e.profitPercent(), e.size(),
                e.openedAt(), now, now, now - e.openedAt(), reason));
    }

    /**
     * Walks the buy leg's asks up and the sell leg's bids down, taking the smaller remaining size of the two current
     * levels while that pair of levels still pays after fees. In longs; in exact decimals when a level's size is wide
     * or a running total outgrows 17 digits (both rare).
     */
    private void walk(int buy, int sell) {
        try {
            if (walkLongs(buy, sell)) {
                return;
            }
        } catch (ArithmeticException e) {
            // A sum or remainder needs more than 17 digits: the exact walk below holds any width.
        }
        walkExact(buy, sell);
    }

    private boolean walkLongs(int buy, int sell) {
        LegBook asks = legs[buy];
        LegBook bids = legs[sell];
        int i = 0;
        int j = 0;
        long askLeft = 0;
        long bidLeft = 0;
        long total = 0;
        while (i < asks.askCount && j < bids.bidCount && fees.pays(buy, asks.askPrices[i], sell, bids.bidPrices[j])) {
            if (askLeft == 0) {
                if (asks.askWide[i] != null) {
                    return false;
                }
                askLeft = asks.askSizes[i];
            }
            if (bidLeft == 0) {
                if (bids.bidWide[j] != null) {
                    return false;
                }
                bidLeft = bids.bidSizes[j];
            }
            long take = Math.min(askLeft, bidLeft);
            total = Decimals.add(total, take);
            askLeft = Decimals.subtract(askLeft, take);
            bidLeft = Decimals.subtract(bidLeft, take);
            if (askLeft == 0) {
                i++;
            }
            if (bidLeft == 0) {
                j++;
            }
        }
        walkSize = total;
        walkWide = null;
        return true;
    }

    private void walkExact(int buy, int sell) {
        LegBook asks = legs[buy];
        LegBook bids = legs[sell];
        int i = 0;
        int j = 0;
        BigDecimal askLeft = BigDecimal.ZERO;
        BigDecimal bidLeft = BigDecimal.ZERO;
        BigDecimal total = BigDecimal.ZERO;
        while (i < asks.askCount && j < bids.bidCount && fees.pays(buy, asks.askPrices[i], sell, bids.bidPrices[j])) {
            if (askLeft.signum() == 0) {
                askLeft = asks.exactAskSize(i);
            }
            if (bidLeft.signum() == 0) {
                bidLeft = bids.exactBidSize(j);
            }
            BigDecimal take = askLeft.min(bidLeft);
            total = total.add(take);
            askLeft = askLeft.subtract(take);
            bidLeft = bidLeft.subtract(take);
            if (askLeft.signum() == 0) {
                i++;
            }
            if (bidLeft.signum() == 0) {
                j++;
            }
        }
        walkWide = WideSizes.exactIfWide(total);
        walkSize = walkWide == null ? Decimals.fromBigDecimal(total) : WideSizes.approximate(total);
    }

    private static boolean sameWide(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }
}

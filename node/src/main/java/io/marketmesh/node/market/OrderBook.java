package io.marketmesh.node.market;

import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import java.util.ArrayList;
import java.util.List;

/**
 * An exact L2 book: fixed-point prices and sizes on two {@link BookSide}s. Knows nothing of venues; the
 * venue packages normalize into {@link io.marketmesh.protocol.BookSnapshot} / {@link io.marketmesh.protocol.BookDelta}
 * before anything reaches it. Not thread-safe: owned by one MarketActor.
 */
public final class OrderBook {

    /** Outcome of applying a change. */
    public enum Result {
        APPLIED,
        /** A relative change took a level below zero: the book no longer matches the venue's. */
        NEGATIVE_SIZE,
        /** An absolute size below zero arrived: the frame is wrong, the book is untouched. */
        INVALID_SIZE
    }

    private final BookSide bids = new BookSide(true, 64);
    private final BookSide asks = new BookSide(false, 64);

    public void clear() {
        bids.clear();
        asks.clear();
    }

    /** Replaces the whole book. Levels may come in any order; zero sizes are dropped. */
    public Result replace(List<PriceLevel> bidLevels, List<PriceLevel> askLevels) {
        for (PriceLevel l : bidLevels) {
            if (l.size() < 0) {
                return Result.INVALID_SIZE;
            }
        }
        for (PriceLevel l : askLevels) {
            if (l.size() < 0) {
                return Result.INVALID_SIZE;
            }
        }
        bids.clear();
        asks.clear();
        for (PriceLevel l : bidLevels) {
            bids.set(l.price(), l.size());
        }
        for (PriceLevel l : askLevels) {
            asks.set(l.price(), l.size());
        }
        return Result.APPLIED;
    }

    /** Sets a level's total size (0 removes it). */
    public Result set(Side side, long price, long size) {
        if (size < 0) {
            return Result.INVALID_SIZE;
        }
        sideOf(side).set(price, size);
        return Result.APPLIED;
    }

    /** Adds a signed change to a level; a level reaching exactly 0 is removed. */
    public Result add(Side side, long price, long delta) {
        return sideOf(side).add(price, delta) == BookSide.AddResult.NEGATIVE ? Result.NEGATIVE_SIZE : Result.APPLIED;
    }

    /** Applies level updates in order; stops at the first one that fails and reports it. */
    public Result apply(List<LevelUpdate> updates, boolean relative) {
        for (int i = 0, n = updates.size(); i < n; i++) {
            LevelUpdate u = updates.get(i);
            Result r = relative ? add(u.side(), u.price(), u.size()) : set(u.side(), u.price(), u.size());
            if (r != Result.APPLIED) {
                return r;
            }
        }
        return Result.APPLIED;
    }

    public long bestBid() {
        return bids.bestPrice();
    }

    public long bestBidSize() {
        return bids.bestSize();
    }

    public long bestAsk() {
        return asks.bestPrice();
    }

    public long bestAskSize() {
        return asks.bestSize();
    }

    public int bidDepth() {
        return bids.depth();
    }

    public int askDepth() {
        return asks.depth();
    }

    public boolean isEmpty() {
        return bids.isEmpty() && asks.isEmpty();
    }

    /** Best bid at or above best ask: impossible on a healthy book. */
    public boolean isCrossed() {
        return !bids.isEmpty() && !asks.isEmpty() && bids.bestPrice() >= asks.bestPrice();
    }

    public long sizeAt(Side side, long price) {
        return sideOf(side).sizeOf(price);
    }

    /** Top {@code depth} bids, best first. */
    public List<PriceLevel> topBids(int depth) {
        return top(bids, depth);
    }

    /** Top {@code depth} asks, best first. */
    public List<PriceLevel> topAsks(int depth) {
        return top(asks, depth);
    }

    private static List<PriceLevel> top(BookSide side, int depth) {
        int n = Math.min(Math.max(depth, 0), side.depth());
        List<PriceLevel> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new PriceLevel(side.priceAt(i), side.sizeAt(i)));
        }
        return out;
    }

    private BookSide sideOf(Side side) {
        return side == Side.BID ? bids : asks;
    }

    @Override
    public String toString() {
        return "OrderBook[bid=" + Decimals.toString(bestBid()) + " ask=" + Decimals.toString(bestAsk())
                + " depth=" + bids.depth() + "/" + asks.depth() + "]";
    }
}

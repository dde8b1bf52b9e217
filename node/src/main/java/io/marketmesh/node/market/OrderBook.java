package io.marketmesh.node.market;

import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * An exact L2 book: decimal prices and sizes on two {@link BookSide}s. Knows nothing of venues; the venue packages
 * normalize into {@link io.marketmesh.protocol.BookSnapshot} / {@link io.marketmesh.protocol.BookDelta} before
 * anything reaches it. Every change is whole or nothing: a change that fails part-way is undone before it returns, so
 * a refused frame leaves the book exactly as it was. {@link #changes()} lists what the last change did. Not
 * thread-safe: owned by one MarketActor.
 */
public final class OrderBook {

    /** Outcome of applying a change. Anything but {@link #APPLIED} leaves the book untouched. */
    public enum Result {
        APPLIED,
        /** A relative change would take a level below zero: the book no longer matches the venue's. */
        NEGATIVE_SIZE,
        /** An absolute size below zero arrived: the frame is wrong. */
        INVALID_SIZE,
        /** A level priced at or below zero arrived: no venue followed here quotes one, so the frame is wrong. */
        INVALID_PRICE,
        /** A relative change would make a size with more significant digits than a decimal holds. */
        UNREPRESENTABLE
    }

    /**
     * Room for 8 levels a side at first, doubled as a side grows (a snapshot sizes it at once): most followed books are
     * small (a prediction market's dozen levels), and 100,000 books starting at 64 levels held 200 MB of empty arrays.
     */
    private final BookSide bids = new BookSide(true, 8);
    private final BookSide asks = new BookSide(false, 8);
    private final BookChanges changes = new BookChanges();

    public void clear() {
        bids.clear();
        asks.clear();
        changes.clear();
    }

    /** Replaces the whole book. Levels may come in any order; zero sizes are dropped. */
    public Result replace(List<PriceLevel> bidLevels, List<PriceLevel> askLevels) {
        changes.clear();
        Result check = check(bidLevels, askLevels);
        if (check != Result.APPLIED) {
            return check;
        }
        bids.replaceAll(bidLevels);
        asks.replaceAll(askLevels);
        return Result.APPLIED;
    }

    /** What {@link #replace} would answer for these levels, without changing anything. */
    public static Result check(List<PriceLevel> bidLevels, List<PriceLevel> askLevels) {
        for (List<PriceLevel> side : List.of(bidLevels, askLevels)) {
            for (PriceLevel l : side) {
                if (l.size() < 0) {
                    return Result.INVALID_SIZE;
                }
                if (l.price() <= 0) {
                    return Result.INVALID_PRICE;
                }
            }
        }
        return Result.APPLIED;
    }

    /** Sets a level's total size (0 removes it). */
    public Result set(Side side, long price, long size) {
        changes.clear();
        if (size < 0) {
            return Result.INVALID_SIZE;
        }
        if (price <= 0) {
            return Result.INVALID_PRICE;
        }
        setLevel(side == Side.BID, price, size);
        return Result.APPLIED;
    }

    /** Adds a signed change to a level; a level reaching exactly 0 is removed. */
    public Result add(Side side, long price, long delta) {
        changes.clear();
        if (price <= 0) {
            return Result.INVALID_PRICE;
        }
        return addToLevel(side == Side.BID, price, delta);
    }

    /**
     * Applies level updates in order, all or none: absolute sizes ({@code relative} false) are checked before
     * anything changes; a relative one that would take a level below zero undoes the ones before it. One search per
     * level. {@link #changes()} then lists each level's size before and after.
     */
    public Result apply(List<LevelUpdate> updates, boolean relative) {
        changes.clear();
        int n = updates.size();
        for (int i = 0; i < n; i++) {
            LevelUpdate u = updates.get(i);
            if (!relative && u.size() < 0) {
                return Result.INVALID_SIZE;
            }
            // Checked before anything changes: a mangled frame (a price of -0.5, say) must not reach the book.
            if (u.price() <= 0) {
                return Result.INVALID_PRICE;
            }
        }
        for (int i = 0; i < n; i++) {
            LevelUpdate u = updates.get(i);
            boolean bid = u.side() == Side.BID;
            if (!relative) {
                setLevel(bid, u.price(), u.size(), u.wideSize());
                continue;
            }
            if (u.wideSize() != null) {
                undo();
                return Result.UNREPRESENTABLE;
            }
            Result result = addToLevel(bid, u.price(), u.size());
            if (result != Result.APPLIED) {
                undo();
                return result;
            }
        }
        return Result.APPLIED;
    }

    private void setLevel(boolean bid, long price, long size) {
        setLevel(bid, price, size, null);
    }

    private void setLevel(boolean bid, long price, long size, BigDecimal wideSize) {
        BookSide side = bid ? bids : asks;
        long before = side.put(price, size, wideSize);
        changes.record(bid, price, before, size, side.wideBeforeLastPut(), size == 0 ? null : wideSize);
    }

    /** Anything but {@link Result#APPLIED} leaves the side untouched. */
    private Result addToLevel(boolean bid, long price, long delta) {
        BookSide side = bid ? bids : asks;
        long after;
        try {
            after = side.add(price, delta);
        } catch (ArithmeticException tooManyDigits) {
            return Result.UNREPRESENTABLE;
        }
        if (after == BookSide.WOULD_BE_NEGATIVE) {
            return Result.NEGATIVE_SIZE;
        }
        changes.record(bid, price, side.sizeBeforeLastAdd(), after);
        return Result.APPLIED;
    }

    /**
     * Drops the levels beyond the best {@code depth} of each side (a venue's window on its book: levels pushed out
     * get no removal from the venue). The dropped levels are added to {@link #changes()}.
     */
    public void keepBest(int depth) {
        bids.keepBest(depth, changes);
        asks.keepBest(depth, changes);
    }

    /** What the last {@link #apply} (and a {@link #keepBest} after it) changed; valid until the next change. */
    public BookChanges changes() {
        return changes;
    }

    private void undo() {
        for (int i = changes.size() - 1; i >= 0; i--) {
            (changes.isBid(i) ? bids : asks).put(changes.price(i), changes.before(i), changes.wideBefore(i));
        }
        changes.clear();
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

    /** The best bid's size exactly, whatever its width; null when there are no bids. */
    public BigDecimal bestBidExactSize() {
        return bids.isEmpty() ? null : exact(bids.sizeAt(0), bids.wideSizeAt(0));
    }

    /** The best ask's size exactly, whatever its width; null when there are no asks. */
    public BigDecimal bestAskExactSize() {
        return asks.isEmpty() ? null : exact(asks.sizeAt(0), asks.wideSizeAt(0));
    }

    private static BigDecimal exact(long size, BigDecimal wideSize) {
        return wideSize != null ? wideSize : Decimals.toBigDecimal(size);
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

    /** Price of the i-th best bid (0 = best); i below {@link #bidDepth()}. */
    public long bidPriceAt(int i) {
        return bids.priceAt(i);
    }

    public long bidSizeAt(int i) {
        return bids.sizeAt(i);
    }

    /** Price of the i-th best ask (0 = best); i below {@link #askDepth()}. */
    public long askPriceAt(int i) {
        return asks.priceAt(i);
    }

    public long askSizeAt(int i) {
        return asks.sizeAt(i);
    }

    /** The exact size of the i-th best bid when it is wider than a long holds, else null ({@code WideSizes}). */
    public BigDecimal bidWideSizeAt(int i) {
        return bids.wideSizeAt(i);
    }

    public BigDecimal askWideSizeAt(int i) {
        return asks.wideSizeAt(i);
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
            out.add(new PriceLevel(side.priceAt(i), side.sizeAt(i), side.wideSizeAt(i)));
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

package io.marketmesh.node.market;

import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.PriceLevel;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * One side of a book as two parallel primitive arrays, kept sorted so that the BEST level is the LAST
 * element: bids ascending, asks descending. Most changes land at or near the top of book, so keeping it
 * at the end makes inserts and removals there shift almost nothing. Prices and sizes are exact decimals in
 * ordered longs ({@link Decimals}), compared as they are. Not thread-safe: owned by one MarketActor.
 */
final class BookSide {

    /** What {@link #add} returns when the change would take the level below zero (the side is left untouched). */
    static final long WOULD_BE_NEGATIVE = Decimals.NONE;

    private final boolean bids;
    private long[] prices;
    private long[] sizes;
    private int count;
    private long sizeBeforeLastAdd;
    /**
     * Exact sizes of the levels whose size is wider than a long holds ({@link WideSizes}), by price; null while there
     * are none, which is nearly always. The long size of such a level is its rounding.
     */
    private HashMap<Long, BigDecimal> wide;
    private BigDecimal wideBeforeLastPut;

    BookSide(boolean bids, int initialCapacity) {
        this.bids = bids;
        this.prices = new long[Math.max(4, initialCapacity)];
        this.sizes = new long[prices.length];
    }

    int depth() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    void clear() {
        count = 0;
        wide = null;
    }

    /** Best price, or {@link Decimals#NONE} when empty. */
    long bestPrice() {
        return count == 0 ? Decimals.NONE : prices[count - 1];
    }

    long bestSize() {
        return count == 0 ? Decimals.NONE : sizes[count - 1];
    }

    /** Price of the i-th level counted from the best (0 = best). */
    long priceAt(int fromBest) {
        return prices[count - 1 - fromBest];
    }

    long sizeAt(int fromBest) {
        return sizes[count - 1 - fromBest];
    }

    /** The exact size of the i-th level from the best when it is wider than a long holds, else null. */
    BigDecimal wideSizeAt(int fromBest) {
        return wide == null ? null : wide.get(prices[count - 1 - fromBest]);
    }

    /** Size at {@code price}, 0 when there is no such level. */
    long sizeOf(long price) {
        int i = find(price);
        return i >= 0 ? sizes[i] : 0;
    }

    /** Sets the level's total size (0 removes it) with one search; returns the size it had (0: no such level). */
    long put(long price, long size) {
        return put(price, size, null);
    }

    /**
     * As {@link #put(long, long)}, with the exact size when it is wider than a long ({@code size} is then its
     * rounding); the exact size the level had is then in {@link #wideBeforeLastPut()}.
     */
    long put(long price, long size, BigDecimal wideSize) {
        if (wide != null) {
            wideBeforeLastPut = wideSize == null || size == 0 ? wide.remove(price) : wide.put(price, wideSize);
        } else {
            wideBeforeLastPut = null;
            if (wideSize != null && size != 0) {
                wide = new HashMap<>();
                wide.put(price, wideSize);
            }
        }
        int i = find(price);
        if (i >= 0) {
            long before = sizes[i];
            if (size == 0) {
                removeAt(i);
            } else {
                sizes[i] = size;
            }
            return before;
        }
        if (size != 0) {
            insertAt(-i - 1, price, size);
        }
        return 0;
    }

    /**
     * Adds a signed change to a level with one search; a result of exactly 0 removes it. Returns the level's new size
     * (0: removed), or {@link #WOULD_BE_NEGATIVE} (the side untouched) when it would be below zero; the size it had
     * is then in {@link #sizeBeforeLastAdd()}.
     */
    long add(long price, long delta) {
        if (wide != null && wide.containsKey(price)) {
            throw new ArithmeticException("relative change to a size wider than a long holds");
        }
        int i = find(price);
        long before = i >= 0 ? sizes[i] : 0;
        long result = Decimals.add(before, delta);
        if (result < 0) {
            return WOULD_BE_NEGATIVE;
        }
        sizeBeforeLastAdd = before;
        if (i >= 0) {
            if (result == 0) {
                removeAt(i);
            } else {
                sizes[i] = result;
            }
        } else if (result != 0) {
            insertAt(-i - 1, price, result);
        }
        return result;
    }

    BigDecimal wideBeforeLastPut() {
        return wideBeforeLastPut;
    }

    long sizeBeforeLastAdd() {
        return sizeBeforeLastAdd;
    }

    /**
     * Replaces every level with {@code levels} (any order; zero sizes dropped; of two levels at one price the later
     * wins). Sorted once and filled in bulk: a venue's snapshot of tens of thousands of levels, best first, would
     * otherwise shift the arrays once per level.
     */
    void replaceAll(List<PriceLevel> levels) {
        int n = levels.size();
        // Storage order is ascending "goodness": bids by price, asks by negated price; the index breaks ties so that
        // the later of two levels at one price comes last. A cold path (snapshots), so boxed indexes are fine.
        Integer[] indexes = new Integer[n];
        for (int i = 0; i < n; i++) {
            indexes[i] = i;
        }
        Arrays.sort(indexes, (a, b) -> {
            long pa = levels.get(a).price();
            long pb = levels.get(b).price();
            int byPrice = bids ? Long.compare(pa, pb) : Long.compare(pb, pa);
            return byPrice != 0 ? byPrice : Integer.compare(a, b);
        });
        if (prices.length < n) {
            prices = new long[n];
            sizes = new long[n];
        }
        wide = null;
        count = 0;
        for (int k = 0; k < n; k++) {
            PriceLevel level = levels.get(indexes[k]);
            if (count > 0 && prices[count - 1] == level.price()) {
                count--; // a later level at the same price replaces the earlier one
                if (wide != null) {
                    wide.remove(level.price());
                }
            }
            if (level.size() == 0) {
                continue;
            }
            prices[count] = level.price();
            sizes[count] = level.size();
            if (level.wideSize() != null) {
                if (wide == null) {
                    wide = new HashMap<>();
                }
                wide.put(level.price(), level.wideSize());
            }
            count++;
        }
    }

    /** Keeps the best {@code keep} levels, recording each level dropped in {@code changes}. */
    void keepBest(int keep, BookChanges changes) {
        int drop = count - keep;
        if (drop <= 0) {
            return;
        }
        // The worst levels sit at the start: record them, then shift the kept ones down once.
        for (int k = 0; k < drop; k++) {
            changes.record(bids, prices[k], sizes[k], 0, wide == null ? null : wide.remove(prices[k]), null);
        }
        System.arraycopy(prices, drop, prices, 0, keep);
        System.arraycopy(sizes, drop, sizes, 0, keep);
        count = keep;
    }

    /**
     * Binary search in storage order. Returns the index, or {@code -(insertionPoint) - 1}. Storage is
     * ascending by "goodness": bids by price, asks by negated price.
     */
    private int find(long price) {
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long p = prices[mid];
            if (p == price) {
                return mid;
            }
            boolean midIsWorse = bids ? p < price : p > price;
            if (midIsWorse) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -(lo + 1);
    }

    private void insertAt(int i, long price, long size) {
        if (count == prices.length) {
            int capacity = prices.length * 2;
            prices = Arrays.copyOf(prices, capacity);
            sizes = Arrays.copyOf(sizes, capacity);
        }
        int tail = count - i;
        if (tail > 0) {
            System.arraycopy(prices, i, prices, i + 1, tail);
            System.arraycopy(sizes, i, sizes, i + 1, tail);
        }
        prices[i] = price;
        sizes[i] = size;
        count++;
    }

    private void removeAt(int i) {
        int tail = count - i - 1;
        if (tail > 0) {
            System.arraycopy(prices, i + 1, prices, i, tail);
            System.arraycopy(sizes, i + 1, sizes, i, tail);
        }
        count--;
    }
}

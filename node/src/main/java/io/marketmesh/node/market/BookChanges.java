package io.marketmesh.node.market;

import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.Side;
import java.util.ArrayList;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The level changes an {@link OrderBook} operation made, in order: each level's size before and after. The book uses
 * it to undo a change it cannot finish (so a frame is applied whole or not at all); the market's owner publishes it
 * (the net change per level) without searching the book again. Reused, never shared: owned by the book's actor.
 */
public final class BookChanges {

    /** Up to this many changes, finding a level's other changes by scanning costs less than indexing them. */
    private static final int SMALL = 16;

    /** Room for a frame of this many changes at first (most change one or two levels), doubled as needed. */
    private static final int INITIAL = 4;

    private boolean[] bid = new boolean[INITIAL];
    private long[] price = new long[INITIAL];
    private long[] before = new long[INITIAL];
    private long[] after = new long[INITIAL];
    /** Exact sizes wider than a long, before and after (null: the long is exact); see {@code WideSizes}. */
    private BigDecimal[] wideBefore = new BigDecimal[INITIAL];
    private BigDecimal[] wideAfter = new BigDecimal[INITIAL];
    private int count;

    void clear() {
        count = 0;
    }

    void record(boolean isBid, long levelPrice, long sizeBefore, long sizeAfter) {
        record(isBid, levelPrice, sizeBefore, sizeAfter, null, null);
    }

    void record(boolean isBid, long levelPrice, long sizeBefore, long sizeAfter, BigDecimal exactBefore,
                BigDecimal exactAfter) {
        if (count == price.length) {
            int capacity = count * 2;
            bid = Arrays.copyOf(bid, capacity);
            price = Arrays.copyOf(price, capacity);
            before = Arrays.copyOf(before, capacity);
            after = Arrays.copyOf(after, capacity);
            wideBefore = Arrays.copyOf(wideBefore, capacity);
            wideAfter = Arrays.copyOf(wideAfter, capacity);
        }
        bid[count] = isBid;
        price[count] = levelPrice;
        before[count] = sizeBefore;
        after[count] = sizeAfter;
        wideBefore[count] = exactBefore;
        wideAfter[count] = exactAfter;
        count++;
    }

    public int size() {
        return count;
    }

    public Side side(int i) {
        return bid[i] ? Side.BID : Side.ASK;
    }

    boolean isBid(int i) {
        return bid[i];
    }

    public long price(int i) {
        return price[i];
    }

    public long before(int i) {
        return before[i];
    }

    public long after(int i) {
        return after[i];
    }

    /** The exact size before the i-th change when it was wider than a long, else null. */
    BigDecimal wideBefore(int i) {
        return wideBefore[i];
    }

    /**
     * The net change of each level touched, in the order of each level's last change: its size after the last change
     * if that differs from its size before the first. A level set and set back is not there.
     */
    List<LevelUpdate> net() {
        List<LevelUpdate> net = new ArrayList<>(count);
        if (count <= SMALL) {
            for (int i = 0; i < count; i++) {
                int first = firstChange(i);
                if (!changedAgainLater(i) && differs(i, first)) {
                    net.add(new LevelUpdate(side(i), price[i], after[i], wideAfter[i]));
                }
            }
            return net;
        }
        // A large frame (a deep diff): index the levels instead of scanning the list for each change.
        Map<Long, Integer> firstBid = new HashMap<>();
        Map<Long, Integer> firstAsk = new HashMap<>();
        Map<Long, Integer> lastBid = new HashMap<>();
        Map<Long, Integer> lastAsk = new HashMap<>();
        for (int i = 0; i < count; i++) {
            (bid[i] ? firstBid : firstAsk).putIfAbsent(price[i], i);
            (bid[i] ? lastBid : lastAsk).put(price[i], i);
        }
        for (int i = 0; i < count; i++) {
            if ((bid[i] ? lastBid : lastAsk).get(price[i]) == i
                    && differs(i, (bid[i] ? firstBid : firstAsk).get(price[i]))) {
                net.add(new LevelUpdate(side(i), price[i], after[i], wideAfter[i]));
            }
        }
        return net;
    }

    private boolean changedAgainLater(int i) {
        for (int k = i + 1; k < count; k++) {
            if (price[k] == price[i] && bid[k] == bid[i]) {
                return true;
            }
        }
        return false;
    }

    /** The index of the first change of the i-th change's level. */
    private int firstChange(int i) {
        for (int k = 0; k < i; k++) {
            if (price[k] == price[i] && bid[k] == bid[i]) {
                return k;
            }
        }
        return i;
    }

    /** Whether the level's size after change {@code last} differs from its size before change {@code first}. */
    private boolean differs(int last, int first) {
        return after[last] != before[first] || !Objects.equals(wideAfter[last], wideBefore[first]);
    }
}

package io.marketmesh.node.market;

import io.marketmesh.protocol.Side;
import java.util.Arrays;

/**
 * The level changes an {@link OrderBook} operation made, in order: each level's size before and after. The book uses
 * it to undo a change it cannot finish (so a frame is applied whole or not at all); the market's owner publishes it
 * (the net change per level) without searching the book again. Reused, never shared: owned by the book's actor.
 */
public final class BookChanges {

    private boolean[] bid = new boolean[16];
    private long[] price = new long[16];
    private long[] before = new long[16];
    private long[] after = new long[16];
    private int count;

    void clear() {
        count = 0;
    }

    void record(boolean isBid, long levelPrice, long sizeBefore, long sizeAfter) {
        if (count == price.length) {
            int capacity = count * 2;
            bid = Arrays.copyOf(bid, capacity);
            price = Arrays.copyOf(price, capacity);
            before = Arrays.copyOf(before, capacity);
            after = Arrays.copyOf(after, capacity);
        }
        bid[count] = isBid;
        price[count] = levelPrice;
        before[count] = sizeBefore;
        after[count] = sizeAfter;
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

    /** Whether a later change in this list touches the same level as change {@code i} (its net result is later). */
    public boolean changedAgainLater(int i) {
        for (int k = i + 1; k < count; k++) {
            if (price[k] == price[i] && bid[k] == bid[i]) {
                return true;
            }
        }
        return false;
    }

    /** The size the level of change {@code i} had before the first change to it in this list. */
    public long firstBefore(int i) {
        for (int k = 0; k < i; k++) {
            if (price[k] == price[i] && bid[k] == bid[i]) {
                return before[k];
            }
        }
        return before[i];
    }
}

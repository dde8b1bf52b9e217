package io.marketmesh.node.simulator;

import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

/**
 * A simulated crypto venue's true book for one instrument: exact decimals (prices on the pair's tick, sizes in lots),
 * moving by random level changes near the touch, never crossed, never empty on a side. Kept small (about a dozen
 * levels a side) so depth-limited venues see levels enter and leave their window.
 */
public final class CryptoBook {

    /** Price to size, bids highest first. */
    final NavigableMap<BigDecimal, BigDecimal> bids = new TreeMap<>(Comparator.reverseOrder());
    /** Price to size, asks lowest first. */
    final NavigableMap<BigDecimal, BigDecimal> asks = new TreeMap<>();
    final CryptoPair pair;
    /**
     * The best level {@link #removeBest} took away unannounced, until the next {@link #move}: that move stays on the
     * same side at a worse price, so it cannot put the level back and quietly undo the fault it is meant to reveal.
     */
    private LevelChange hidden;

    /** One level set to a new absolute size ({@code newSize} zero removes it). */
    public record LevelChange(boolean bid, BigDecimal price, BigDecimal oldSize, BigDecimal newSize) {
    }

    private CryptoBook(CryptoPair pair) {
        this.pair = pair;
    }

    static CryptoBook seeded(CryptoPair pair, Random random) {
        CryptoBook book = new CryptoBook(pair);
        for (int i = 1; i <= 12; i++) {
            book.bids.put(book.priceAt(-i), book.randomSize(random));
            book.asks.put(book.priceAt(i), book.randomSize(random));
        }
        return book;
    }

    /** The price {@code ticks} ticks away from the pair's starting mid. */
    private BigDecimal priceAt(long ticks) {
        return pair.mid().add(pair.tick().multiply(BigDecimal.valueOf(ticks)));
    }

    public BigDecimal bestBid() {
        return bids.firstKey();
    }

    public BigDecimal bestAsk() {
        return asks.firstKey();
    }

    /** Bids, best first. */
    public NavigableMap<BigDecimal, BigDecimal> bids() {
        return java.util.Collections.unmodifiableNavigableMap(bids);
    }

    /** Asks, best first. */
    public NavigableMap<BigDecimal, BigDecimal> asks() {
        return java.util.Collections.unmodifiableNavigableMap(asks);
    }

    /** Sets one level within 14 ticks of the touch to a new size, or removes it; applied before it is returned. */
    LevelChange move(Random random) {
        boolean bid = hidden != null ? hidden.bid() : random.nextBoolean();
        NavigableMap<BigDecimal, BigDecimal> side = bid ? bids : asks;
        BigDecimal price;
        if (hidden != null) {
            // one tick worse than the hidden level, still positive: a lower bid was left when it went
            price = bid ? hidden.price().subtract(pair.tick()) : hidden.price().add(pair.tick());
            hidden = null;
        } else if (bid) {
            // anywhere from 14 ticks below the best ask up to one tick below it, so the bid can improve but not cross
            long steps = 1 + random.nextInt(14);
            price = bestAsk().subtract(pair.tick().multiply(BigDecimal.valueOf(steps)));
        } else {
            long steps = 1 + random.nextInt(14);
            price = bestBid().add(pair.tick().multiply(BigDecimal.valueOf(steps)));
        }
        if (price.signum() <= 0) {
            price = bid ? bestBid() : bestAsk();
        }
        BigDecimal old = side.getOrDefault(price, BigDecimal.ZERO);
        boolean remove = old.signum() > 0 && side.size() > 3 && random.nextInt(3) == 0;
        BigDecimal size = remove ? BigDecimal.ZERO : randomSize(random);
        if (remove) {
            side.remove(price);
        } else {
            side.put(price, size);
        }
        return new LevelChange(bid, price, old, size);
    }

    /**
     * The level changes that move every level of the book by {@code ticks} ticks (up when positive), in an order whose
     * every intermediate book is uncrossed and has both sides: the side moving away from the other goes first, and on
     * each side new prices are set before old ones are removed. Nothing is applied: apply each with {@link #apply}
     * before publishing it. A downward shift is cut short so the lowest bid stays above zero.
     */
    List<LevelChange> shiftChanges(long ticks) {
        long applied = clampShift(ticks);
        if (applied == 0) {
            return List.of();
        }
        // The shift's own messages show a hidden change (every level moves); a worse price picked from the hidden
        // level's old place afterwards could cross the moved book.
        hidden = null;
        BigDecimal delta = pair.tick().multiply(BigDecimal.valueOf(applied));
        List<LevelChange> changes = new ArrayList<>();
        // Moving up, the asks move away from the bids: they go first; moving down, the bids do.
        boolean bidsFirst = applied < 0;
        sideChanges(bidsFirst, delta, changes);
        sideChanges(!bidsFirst, delta, changes);
        return changes;
    }

    /** {@code ticks}, or for a downward shift at most as many ticks as keep the lowest price above zero. */
    long clampShift(long ticks) {
        return ticks >= 0 ? ticks : Math.max(ticks, -maxDownTicks());
    }

    /** How many ticks the book can move down with its lowest price still positive. */
    private long maxDownTicks() {
        BigDecimal lowest = bids.isEmpty() ? asks.firstKey() : bids.lastKey();
        long ticks = lowest.divideToIntegralValue(pair.tick()).longValueExact();
        // a price exactly on a multiple of the tick may move that many ticks less one, to stay above zero
        return lowest.remainder(pair.tick()).signum() == 0 ? ticks - 1 : ticks;
    }

    private void sideChanges(boolean bid, BigDecimal delta, List<LevelChange> changes) {
        NavigableMap<BigDecimal, BigDecimal> side = bid ? bids : asks;
        NavigableMap<BigDecimal, BigDecimal> moved = new TreeMap<>(side.comparator());
        for (Map.Entry<BigDecimal, BigDecimal> level : side.entrySet()) {
            moved.put(level.getKey().add(delta), level.getValue());
        }
        for (Map.Entry<BigDecimal, BigDecimal> level : moved.entrySet()) {
            BigDecimal old = side.getOrDefault(level.getKey(), BigDecimal.ZERO);
            if (old.compareTo(level.getValue()) != 0) {
                changes.add(new LevelChange(bid, level.getKey(), old, level.getValue()));
            }
        }
        for (Map.Entry<BigDecimal, BigDecimal> level : side.entrySet()) {
            if (!moved.containsKey(level.getKey())) {
                changes.add(new LevelChange(bid, level.getKey(), level.getValue(), BigDecimal.ZERO));
            }
        }
    }

    /** Applies one change planned by {@link #shiftChanges}: sets the level to its new size, or removes it. */
    void apply(LevelChange change) {
        NavigableMap<BigDecimal, BigDecimal> side = change.bid() ? bids : asks;
        if (change.newSize().signum() == 0) {
            side.remove(change.price());
        } else {
            side.put(change.price(), change.newSize());
        }
    }

    /**
     * Removes the best level of a side that has more than one, as a hidden change; returns it. The book's next
     * {@link #move} then changes a worse level of that side, so the next checksum or touch the venue sends shows it.
     */
    LevelChange removeBest(boolean bid) {
        NavigableMap<BigDecimal, BigDecimal> side = bid ? bids : asks;
        Map.Entry<BigDecimal, BigDecimal> best = side.pollFirstEntry();
        hidden = new LevelChange(bid, best.getKey(), best.getValue(), BigDecimal.ZERO);
        return hidden;
    }

    private BigDecimal randomSize(Random random) {
        long lots = 1 + Math.floorMod(random.nextLong(), pair.maxLots());
        return pair.lot().multiply(BigDecimal.valueOf(lots));
    }

    /** The whole book (or its top {@code depth} levels a side), normalized as the node serves it. */
    public BookSnapshot toSnapshot(MarketKey key, int depth) {
        return new BookSnapshot(key, levels(bids, depth), levels(asks, depth), 0, 0, 0);
    }

    private static List<PriceLevel> levels(NavigableMap<BigDecimal, BigDecimal> side, int depth) {
        List<PriceLevel> levels = new ArrayList<>(Math.min(depth, side.size()));
        for (Map.Entry<BigDecimal, BigDecimal> level : side.entrySet()) {
            if (levels.size() == depth) {
                break;
            }
            levels.add(PriceLevel.parse(io.marketmesh.protocol.Decimals.parse(level.getKey().toPlainString()),
                    level.getValue().toPlainString()));
        }
        return levels;
    }

    /** A decimal as a venue writing fixed decimals would: {@code 0.01000000} for 0.01 with 8 decimals. */
    public static String fixed(BigDecimal value, int decimals) {
        return value.setScale(decimals, java.math.RoundingMode.UNNECESSARY).toPlainString();
    }

    /** A decimal as a venue writing the shortest exact form would: {@code 0.01}, {@code 65000}. */
    public static String plain(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
}

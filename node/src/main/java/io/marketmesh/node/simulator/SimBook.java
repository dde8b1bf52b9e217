package io.marketmesh.node.simulator;

import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

/**
 * The simulator's true book for one market: prices in whole cents of probability (1..99), sizes in hundredths.
 * It moves by random level changes near the touch and never crosses or empties a side, so every venue format
 * (Polymarket's bid/ask, Kalshi's YES bids and NO bids) can be written from it exactly.
 */
final class SimBook {

    /** Price in cents to size in hundredths of a contract/share. */
    final TreeMap<Integer, Long> bids = new TreeMap<>();
    final TreeMap<Integer, Long> asks = new TreeMap<>();
    /** The level {@link #removeBest} hid, until the next {@link #move}. */
    private LevelChange hidden;

    /** One level set to a new absolute size (0 removes it). */
    record LevelChange(boolean bid, int priceCents, long oldSize, long newSize) {
    }

    static SimBook seeded(Random random) {
        SimBook book = new SimBook();
        int mid = 15 + random.nextInt(70);
        for (int i = 1; i <= 6; i++) {
            if (mid - i >= 1) {
                book.bids.put(mid - i, randomSize(random));
            }
            if (mid + i <= 99) {
                book.asks.put(mid + i, randomSize(random));
            }
        }
        return book;
    }

    /**
     * Removes the best level of a side that has more than one without telling anyone; returns it. The book's next
     * {@link #move} then changes a worse level of that side, so it cannot put the level back and quietly undo the
     * change: the venue's next top-of-book claim shows it.
     */
    LevelChange removeBest(boolean bid) {
        Map.Entry<Integer, Long> best = bid ? bids.pollLastEntry() : asks.pollFirstEntry();
        hidden = new LevelChange(bid, best.getKey(), best.getValue(), 0);
        return hidden;
    }

    int bestBid() {
        return bids.lastKey();
    }

    int bestAsk() {
        return asks.firstKey();
    }

    /** Sets one level near the touch to a new size, or removes it; applied here before it is returned. */
    LevelChange move(Random random) {
        boolean bid = hidden != null ? hidden.bid() : random.nextBoolean();
        int price;
        if (hidden != null) {
            // one cent worse than the hidden level, still in 1..99: a worse level was left on that side when it went
            price = bid ? hidden.priceCents() - 1 : hidden.priceCents() + 1;
            hidden = null;
        } else if (bid) {
            int lower = Math.max(1, bestAsk() - 10);
            price = lower + random.nextInt(bestAsk() - lower);
        } else {
            int upper = Math.min(99, bestBid() + 10);
            price = bestBid() + 1 + random.nextInt(upper - bestBid());
        }
        TreeMap<Integer, Long> side = bid ? bids : asks;
        long old = side.getOrDefault(price, 0L);
        long size = old > 0 && side.size() > 1 && random.nextInt(4) == 0 ? 0 : randomSize(random);
        if (size == 0) {
            side.remove(price);
        } else {
            side.put(price, size);
        }
        return new LevelChange(bid, price, old, size);
    }

    /** The normalized book (bids and asks best first, prices as probabilities) as the node should serve it. */
    BookSnapshot toSnapshot(MarketKey key) {
        return new BookSnapshot(key, levels(bids.descendingMap()), levels(asks), 0, 0, 0);
    }

    private static List<PriceLevel> levels(NavigableMap<Integer, Long> side) {
        List<PriceLevel> levels = new ArrayList<>(side.size());
        for (Map.Entry<Integer, Long> level : side.entrySet()) {
            levels.add(new PriceLevel(Decimals.of(level.getKey(), 2), Decimals.of(level.getValue(), 2)));
        }
        return levels;
    }

    private static long randomSize(Random random) {
        // Whole sizes half the time, as the venues mostly show, fractional the rest.
        long hundredths = 100 + random.nextInt(500_000);
        return random.nextBoolean() ? hundredths - hundredths % 100 : hundredths;
    }
}

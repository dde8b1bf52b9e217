package io.marketmesh.node.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Venue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Top-N views over random books: a client that holds only its window's snapshot and applies every window delta the
 * hub would send it must hold exactly the top N levels of the true book after each change, whatever the change does
 * (levels removed from the window so that deeper ones enter it, levels inserted above it, both sides, crossed books,
 * sizes wider than a long holds), and for every window depth at once, as the hub computes them from the deepest.
 */
class BookWindowPropertyTest {

    private static final MarketKey MARKET = MarketKey.of(Venue.POLYMARKET, "window");
    private static final int[] DEPTHS = {1, 2, 3, 5, 8};

    @Test
    void everyWindowStaysTheTopOfTheTrueBookThroughRandomChanges() {
        for (long seed = 1; seed <= 300; seed++) {
            run(new Random(seed), seed);
        }
    }

    private static void run(Random random, long seed) {
        MarketStream market = new MarketStream(MARKET);
        // A price range narrow enough that changes hit the window's levels often, and bids and asks overlap (crossed).
        int prices = 4 + random.nextInt(20);
        List<PriceLevel> bids = new ArrayList<>();
        List<PriceLevel> asks = new ArrayList<>();
        for (int p = 1; p <= prices; p++) {
            if (random.nextInt(3) > 0) {
                bids.add(level(random, p));
            }
            if (random.nextInt(3) > 0) {
                asks.add(level(random, p));
            }
        }
        market.book.replace(bids, asks);
        int deepest = DEPTHS[DEPTHS.length - 1];
        List<Held> clients = new ArrayList<>();
        for (int depth : DEPTHS) {
            clients.add(new Held(depth, market.bids(depth), market.asks(depth)));
        }
        for (int step = 0; step < 200; step++) {
            List<LevelUpdate> updates = new ArrayList<>();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                Side side = random.nextBoolean() ? Side.BID : Side.ASK;
                long price = price(1 + random.nextInt(prices));
                int kind = random.nextInt(10);
                if (kind < 4) {
                    updates.add(new LevelUpdate(side, price, 0));
                } else if (kind < 5) {
                    // Remove the side's best level: a deeper one enters every window.
                    List<PriceLevel> top = side == Side.BID ? market.bids(1) : market.asks(1);
                    if (!top.isEmpty()) {
                        updates.add(new LevelUpdate(side, top.get(0).price(), 0));
                    }
                } else {
                    PriceLevel l = level(random, 1 + random.nextInt(prices));
                    updates.add(new LevelUpdate(side, price, l.size(), l.wideSize()));
                }
            }
            List<PriceLevel> bidsBefore = market.bids(deepest);
            List<PriceLevel> asksBefore = market.asks(deepest);
            assertEquals(true, market.apply(new BookDelta(MARKET, BookDelta.Mode.ABSOLUTE, updates, step, 0, 0)));
            List<PriceLevel> bidsAfter = market.bids(deepest);
            List<PriceLevel> asksAfter = market.asks(deepest);
            for (Held client : clients) {
                client.apply(BookWindow.diff(bidsBefore, bidsAfter, asksBefore, asksAfter, client.depth));
                int at = step;
                assertEquals(market.bids(client.depth), client.levels(client.bids),
                        () -> "bids, seed " + seed + " step " + at + " depth " + client.depth + " after " + updates);
                assertEquals(market.asks(client.depth), client.levels(client.asks),
                        () -> "asks, seed " + seed + " step " + at + " depth " + client.depth + " after " + updates);
            }
        }
    }

    private static long price(int tick) {
        return Decimals.parse("0." + String.format("%02d", tick));
    }

    private static PriceLevel level(Random random, int tick) {
        if (random.nextInt(8) == 0) {
            // More significant digits than a long holds exactly.
            return new PriceLevel(price(tick), 0, new BigDecimal("123456789012345678." + (1 + random.nextInt(9))));
        }
        return new PriceLevel(price(tick), Decimals.parse(String.valueOf(1 + random.nextInt(5))));
    }

    /** A top-N client's book: only what its snapshot and window deltas said. */
    private static final class Held {
        final int depth;
        final TreeMap<Long, PriceLevel> bids = new TreeMap<>(Collections.reverseOrder());
        final TreeMap<Long, PriceLevel> asks = new TreeMap<>();

        Held(int depth, List<PriceLevel> bidSnapshot, List<PriceLevel> askSnapshot) {
            this.depth = depth;
            bidSnapshot.forEach(l -> bids.put(l.price(), l));
            askSnapshot.forEach(l -> asks.put(l.price(), l));
        }

        void apply(List<LevelUpdate> updates) {
            for (LevelUpdate u : updates) {
                TreeMap<Long, PriceLevel> side = u.side() == Side.BID ? bids : asks;
                if (u.size() == 0 && u.wideSize() == null) {
                    side.remove(u.price());
                } else {
                    side.put(u.price(), new PriceLevel(u.price(), u.size(), u.wideSize()));
                }
            }
        }

        List<PriceLevel> levels(TreeMap<Long, PriceLevel> side) {
            return new ArrayList<>(side.values());
        }
    }
}

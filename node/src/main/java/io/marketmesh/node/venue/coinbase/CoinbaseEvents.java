package io.marketmesh.node.venue.coinbase;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.node.venue.coinbase.CoinbaseFrame.EventType;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a read {@link CoinbaseFrame} into protocol events for the products of its socket: level2 snapshots and
 * updates, trades with the taker's side, tickers. Events of products the socket does not carry are dropped.
 */
final class CoinbaseEvents {

    private static final Comparator<PriceLevel> ASCENDING = Comparator.comparingLong(PriceLevel::price);
    private static final Comparator<PriceLevel> DESCENDING = ASCENDING.reversed();

    private final CoinbaseSession session;
    // Reused per frame: BookDelta and BookSnapshot copy what they are given.
    private final ArrayList<LevelUpdate> updates = new ArrayList<>();
    private final ArrayList<PriceLevel> bids = new ArrayList<>();
    private final ArrayList<PriceLevel> asks = new ArrayList<>();

    CoinbaseEvents(CoinbaseSession session) {
        this.session = session;
    }

    /**
     * {@code l2_data}: a {@code snapshot} replaces the book and ends its wait; an {@code update} sets absolute sizes
     * ({@code "0"} removes the level) and is dropped while the product waits for its snapshot.
     */
    void books(CoinbaseFrame f, long receivedAt, String text, SessionOutput out) {
        CoinbaseFrame.BookEvents books = f.books;
        long sequence = Math.max(0, f.sequence);
        for (int e = 0; e < books.count; e++) {
            Product p = books.products[e];
            EventType type = books.types[e];
            if (type == EventType.OTHER) {
                // Undocumented: worth reporting on any socket; a book of this socket may have missed a change.
                out.badFrame("level2 event of an unknown type" + (p.subscribed ? " for " + p.symbol : ""), text);
                if (p.subscribed) {
                    session.booksLost(List.of(p), "level2 event of an unknown type", out);
                }
                continue;
            }
            if (!p.subscribed) {
                continue;
            }
            if (type == EventType.UPDATE && p.awaitingSnapshot) {
                session.updateDroppedAwaitingSnapshot();
                continue;
            }
            try {
                if (type == EventType.SNAPSHOT) {
                    BookSnapshot snapshot = snapshot(p, f, books.from[e], books.to[e], sequence, receivedAt);
                    p.awaitingSnapshot = false;
                    out.event(snapshot);
                } else {
                    out.event(update(p, f, books.from[e], books.to[e], sequence, receivedAt));
                }
            } catch (NumberFormatException ex) {
                // A size that cannot be held exactly: never rounded, the change is lost, so the book is too.
                String kind = type.name().toLowerCase(java.util.Locale.ROOT);
                out.badFrame("level2 " + kind + " of " + p.symbol + ": " + ex.getMessage(), text);
                session.booksLost(List.of(p), "unreadable level2 size: " + ex.getMessage(), out);
            }
        }
    }

    private BookSnapshot snapshot(Product p, CoinbaseFrame f, int from, int to, long sequence, long receivedAt) {
        CoinbaseFrame.Levels levels = f.levels;
        bids.clear();
        asks.clear();
        for (int i = from; i < to; i++) {
            PriceLevel level = PriceLevel.parse(levels.prices[i], levels.size(i));
            (levels.sides[i] == Side.BID ? bids : asks).add(level);
        }
        return new BookSnapshot(p.key, bestFirst(bids, DESCENDING), bestFirst(asks, ASCENDING), sequence,
                f.timestamp, receivedAt);
    }

    /**
     * The venue sends each side best first (bids descending, offers ascending); that is checked, not relied on: out
     * of order, the side is sorted, a price sent twice keeps its later size, and zero sizes are dropped.
     */
    private static List<PriceLevel> bestFirst(ArrayList<PriceLevel> side, Comparator<PriceLevel> order) {
        boolean clean = true;
        for (int i = 0, n = side.size(); i < n && clean; i++) {
            clean = side.get(i).size() != 0 && (i == 0 || order.compare(side.get(i - 1), side.get(i)) < 0);
        }
        if (clean) {
            return side;
        }
        List<PriceLevel> sorted = new ArrayList<>(side);
        sorted.sort(order); // stable: of equal prices the later one stays last
        List<PriceLevel> result = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            PriceLevel level = sorted.get(i);
            boolean supersededByNext = i + 1 < sorted.size() && sorted.get(i + 1).price() == level.price();
            if (!supersededByNext && level.size() != 0) {
                result.add(level);
            }
        }
        return result;
    }

    private BookDelta update(Product p, CoinbaseFrame f, int from, int to, long sequence, long receivedAt) {
        CoinbaseFrame.Levels levels = f.levels;
        updates.clear();
        for (int i = from; i < to; i++) {
            updates.add(LevelUpdate.parse(levels.sides[i], levels.prices[i], levels.size(i)));
        }
        return new BookDelta(p.key, BookDelta.Mode.ABSOLUTE, updates, sequence, f.timestamp, receivedAt);
    }

    /**
     * {@code market_trades} updates. The venue's {@code side} is the MAKER's, the resting order's: a {@code SELL}
     * trade is a buyer lifting an offer (in the capture every trade printed at or through the touch agrees: SELL at or
     * above the best offer, BUY at or below the best bid; Coinbase's docs say so of the same field on its Exchange
     * feed), so the taker, the
     * node's aggressor, is the other side. The venue lists a batch newest first; trades go out oldest first, so the
     * market's last trade is the newest. The {@code snapshot} sent on subscribing is history (and would repeat trades
     * after every reconnect): skipped.
     */
    void trades(CoinbaseFrame f, long receivedAt, SessionOutput out) {
        CoinbaseFrame.Trades trades = f.trades;
        for (int i = trades.count - 1; i >= 0; i--) {
            Product p = trades.products[i];
            if (trades.snapshot[i] || !p.subscribed) {
                continue;
            }
            Side aggressor = trades.makerSides[i] == Side.BID ? Side.ASK : Side.BID;
            long time = trades.times[i] != 0 ? trades.times[i] : f.timestamp;
            out.event(new Trade(p.key, trades.ids[i], trades.prices[i], trades.sizes[i], aggressor, time, receivedAt));
        }
    }

    /** {@code ticker} snapshot and updates: best bid/ask with sizes, last price, 24-hour volume (base units). */
    void tickers(CoinbaseFrame f, long receivedAt, SessionOutput out) {
        CoinbaseFrame.Tickers t = f.tickers;
        for (int i = 0; i < t.count; i++) {
            Product p = t.products[i];
            if (p.subscribed) {
                out.event(new Ticker(p.key, t.bestBids[i], t.bestBidSizes[i], t.bestAsks[i], t.bestAskSizes[i],
                        t.prices[i], t.volumes[i], null, f.timestamp, receivedAt));
            }
        }
    }
}

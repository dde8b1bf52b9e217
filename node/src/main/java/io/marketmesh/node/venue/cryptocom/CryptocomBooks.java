package io.marketmesh.node.venue.cryptocom;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code u}/{@code pu} chain of each book on one socket. A {@code book} frame (the snapshot the venue sends on
 * subscribe) replaces the book and starts a chain at its {@code u}; a {@code book.update} applies only when its
 * {@code pu} is the last {@code u} (an idle delta, both arrays empty, has {@code u == pu} and keeps the chain). A
 * delta whose {@code pu} is anything else means a delta was lost: the book stops until a new snapshot, which only a
 * resubscription brings ({@code public/get-book} carries no {@code u} and cannot be spliced in). {@code u} is not a
 * counter (consecutive values differ by 10^4..10^6), so only equality is checked.
 */
final class CryptocomBooks {

    private static final Comparator<PriceLevel> BEST_BID_FIRST = Comparator.comparingLong(PriceLevel::price).reversed();
    private static final Comparator<PriceLevel> BEST_ASK_FIRST = Comparator.comparingLong(PriceLevel::price);

    /** One book's place in its chain. */
    private static final class Chain {
        boolean live;
        long lastU;
    }

    private final Map<String, Chain> chains = new HashMap<>();
    private final int configuredDepth;
    private long sequenceChecks;
    private long sequenceFailures;
    private long snapshots;
    private long deltasIgnored;

    CryptocomBooks(int configuredDepth) {
        this.configuredDepth = configuredDepth;
    }

    /** A book now subscribed: it waits for its snapshot. */
    void follow(String symbol) {
        chains.computeIfAbsent(symbol, s -> new Chain()).live = false;
    }

    void forget(String symbol) {
        chains.remove(symbol);
    }

    boolean follows(String symbol) {
        return chains.containsKey(symbol);
    }

    boolean live(String symbol) {
        Chain chain = chains.get(symbol);
        return chain != null && chain.live;
    }

    /** The book cannot be trusted until a new snapshot (a gap, a resubscription asked for). */
    void awaitSnapshot(String symbol) {
        Chain chain = chains.get(symbol);
        if (chain != null) {
            chain.live = false;
        }
    }

    /**
     * A snapshot: publishes it and starts the chain at its {@code u}.
     *
     * @return null, or why it cannot start a chain (the book then waits for another)
     */
    String onSnapshot(MarketKey key, CryptocomItem item, int frameDepth, long receivedAt, SessionOutput out) {
        Chain chain = chains.get(key.symbol());
        if (item.u == CryptocomFrame.ABSENT) {
            chain.live = false;
            return "book snapshot without 'u' (the legacy v2 API sends such books; v1 always numbers them)";
        }
        List<PriceLevel> bids = bestFirst(item.bids, BEST_BID_FIRST);
        List<PriceLevel> asks = bestFirst(item.asks, BEST_ASK_FIRST);
        int depth = frameDepth > 0 ? frameDepth : configuredDepth;
        out.event(new BookSnapshot(key, bids, asks, item.u, timestamp(item), receivedAt, depth, null));
        chain.live = true;
        chain.lastU = item.u;
        snapshots++;
        return null;
    }

    /**
     * A delta: published when it continues its book's chain.
     *
     * @return null when applied or ignored (its book awaits a snapshot); otherwise the gap that broke the chain
     */
    String onDelta(MarketKey key, CryptocomItem item, long receivedAt, SessionOutput out) {
        Chain chain = chains.get(key.symbol());
        if (!chain.live) {
            deltasIgnored++;
            return null;
        }
        sequenceChecks++;
        boolean inOrder = item.u != CryptocomFrame.ABSENT && item.pu != CryptocomFrame.ABSENT && item.pu == chain.lastU;
        out.sequenceChecked(inOrder);
        if (!inOrder) {
            sequenceFailures++;
            chain.live = false;
            return item.pu == CryptocomFrame.ABSENT || item.u == CryptocomFrame.ABSENT
                    ? "book.update without 'u'/'pu' after u=" + chain.lastU
                    : "book.update pu=" + item.pu + " does not follow u=" + chain.lastU + " (a delta was lost)";
        }
        chain.lastU = item.u;
        if (!item.updates.isEmpty()) {
            // Sizes are absolute; "0" removes the level. The list is copied by BookDelta, the buffer reused.
            out.event(new BookDelta(key, BookDelta.Mode.ABSOLUTE, item.updates, item.u, timestamp(item), receivedAt));
        }
        return null;
    }

    SyncCounters counters() {
        return new SyncCounters(sequenceChecks, sequenceFailures, 0, 0, snapshots, deltasIgnored);
    }

    private static long timestamp(CryptocomItem item) {
        return item.t == CryptocomFrame.ABSENT ? 0 : item.t;
    }

    /** Levels arrive best first in every capture; the venue does not promise it, so a disordered side is sorted. */
    private static List<PriceLevel> bestFirst(List<PriceLevel> side, Comparator<PriceLevel> order) {
        for (int i = 1; i < side.size(); i++) {
            int c = order.compare(side.get(i - 1), side.get(i));
            if (c >= 0) {
                if (c == 0) {
                    throw new IllegalArgumentException("book snapshot lists price "
                            + io.marketmesh.protocol.Decimals.toString(side.get(i).price()) + " twice");
                }
                List<PriceLevel> sorted = new ArrayList<>(side);
                sorted.sort(order);
                for (int j = 1; j < sorted.size(); j++) {
                    if (sorted.get(j - 1).price() == sorted.get(j).price()) {
                        throw new IllegalArgumentException("book snapshot lists price "
                                + io.marketmesh.protocol.Decimals.toString(sorted.get(j).price()) + " twice");
                    }
                }
                return sorted;
            }
        }
        return side;
    }
}

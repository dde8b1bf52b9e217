package io.marketmesh.node.market;

import io.marketmesh.protocol.MarketKey;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The followers of one market's top levels (instrument actors) and the top they were last sent: after every change
 * of the book, the top {@code depth} levels a side are compared with it (a few long comparisons) and sent only when
 * they differ, so a change deeper in the book costs nothing downstream. Owned by its MarketActor; with no follower it
 * costs one check per change.
 */
final class TopFollowers {

    private final MarketKey market;
    private final ActorRef<MarketActor.Command> actor;
    private final List<ActorRef<MarketTop>> followers = new ArrayList<>(2);
    /** Levels a side sent: the deepest any follower asked for. */
    private int depth;
    private long number;

    private long[] bidPrices = new long[0];
    private long[] bidSizes = new long[0];
    private long[] askPrices = new long[0];
    private long[] askSizes = new long[0];
    /** The exact sizes sent of levels wider than a long holds (null entries for the others). */
    private BigDecimal[] bidWide = new BigDecimal[0];
    private BigDecimal[] askWide = new BigDecimal[0];
    private int bids = -1;
    private int asks = -1;
    private boolean stale = true;
    private String staleReason;

    TopFollowers(MarketKey market, ActorRef<MarketActor.Command> actor) {
        this.market = market;
        this.actor = actor;
    }

    boolean active() {
        return !followers.isEmpty();
    }

    /** @return whether it is new (a known follower asking again only gets the top again) */
    boolean add(ActorRef<MarketTop> follower, int wantedDepth) {
        if (wantedDepth > depth) {
            depth = wantedDepth;
            bidPrices = new long[depth];
            bidSizes = new long[depth];
            askPrices = new long[depth];
            askSizes = new long[depth];
            bidWide = new BigDecimal[depth];
            askWide = new BigDecimal[depth];
            bids = -1;   // what was sent no longer says anything about the deeper levels
        }
        if (followers.contains(follower)) {
            return false;
        }
        followers.add(follower);
        return true;
    }

    void remove(ActorRef<MarketTop> follower) {
        followers.remove(follower);
    }

    /** The top as served now, to one follower (new, or asking again). */
    void sendTo(ActorRef<MarketTop> follower, OrderBook book, boolean isStale, String reason, long updatedAt) {
        remember(book, isStale, reason);
        follower.tell(message(book, updatedAt, System.nanoTime()));
    }

    /** After any change of the book or its trust: sends the top to every follower if it differs from the last sent. */
    void changed(OrderBook book, boolean isStale, String reason, long updatedAt, long changedNanos) {
        if (followers.isEmpty() || !remember(book, isStale, reason)) {
            return;
        }
        MarketTop top = message(book, updatedAt, changedNanos);
        for (ActorRef<MarketTop> follower : followers) {
            follower.tell(top);
        }
    }

    /** Copies the top into the last-sent arrays; whether anything differed. */
    private boolean remember(OrderBook book, boolean isStale, String reason) {
        boolean differs = isStale != stale || (isStale && !java.util.Objects.equals(reason, staleReason));
        stale = isStale;
        staleReason = isStale ? reason : null;
        int nb = Math.min(depth, book.bidDepth());
        int na = Math.min(depth, book.askDepth());
        if (nb != bids || na != asks) {
            differs = true;
        }
        bids = nb;
        asks = na;
        for (int i = 0; i < nb; i++) {
            long p = book.bidPriceAt(i);
            long s = book.bidSizeAt(i);
            if (p != bidPrices[i] || s != bidSizes[i]) {
                differs = true;
                bidPrices[i] = p;
                bidSizes[i] = s;
            }
            // A wide size can change beyond its 17-digit rounding while the long stays the same.
            BigDecimal w = book.bidWideSizeAt(i);
            if (w != bidWide[i] && (w == null || bidWide[i] == null || w.compareTo(bidWide[i]) != 0)) {
                differs = true;
                bidWide[i] = w;
            }
        }
        for (int i = 0; i < na; i++) {
            long p = book.askPriceAt(i);
            long s = book.askSizeAt(i);
            if (p != askPrices[i] || s != askSizes[i]) {
                differs = true;
                askPrices[i] = p;
                askSizes[i] = s;
            }
            BigDecimal w = book.askWideSizeAt(i);
            if (w != askWide[i] && (w == null || askWide[i] == null || w.compareTo(askWide[i]) != 0)) {
                differs = true;
                askWide[i] = w;
            }
        }
        return differs;
    }

    private MarketTop message(OrderBook book, long updatedAt, long changedNanos) {
        return new MarketTop(market, actor, ++number, Arrays.copyOf(bidPrices, bids), Arrays.copyOf(bidSizes, bids),
                wide(book, true, bids), Arrays.copyOf(askPrices, asks), Arrays.copyOf(askSizes, asks),
                wide(book, false, asks), stale, staleReason, updatedAt, changedNanos);
    }

    private static BigDecimal[] wide(OrderBook book, boolean bid, int n) {
        BigDecimal[] out = null;
        for (int i = 0; i < n; i++) {
            BigDecimal w = bid ? book.bidWideSizeAt(i) : book.askWideSizeAt(i);
            if (w != null) {
                if (out == null) {
                    out = new BigDecimal[n];
                }
                out[i] = w;
            }
        }
        return out;
    }
}

package io.marketmesh.node.venue.kalshi;

import static io.marketmesh.node.venue.kalshi.KalshiFrame.ABSENT;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live venue subscriptions (sids) of one Kalshi socket and which market is on which. A market's book counts only
 * from the one book sid it is on, so the sids' markets and each market's book sid change together, here.
 */
final class KalshiSids {

    /** One venue subscription on this socket: a channel, its markets and its seq counter. */
    static final class Subscription {
        final long sid;
        final String channel;
        final boolean book;
        final Set<String> tickers = new LinkedHashSet<>();
        long lastSeq = ABSENT;
        boolean retired;

        private Subscription(long sid, String channel) {
            this.sid = sid;
            this.channel = channel;
            this.book = KalshiSubscriptions.BOOK_CHANNEL.equals(channel);
        }
    }

    private final Map<Long, Subscription> bySid = new LinkedHashMap<>();
    /** Each market's live book subscription; a book frame counts only when it comes from this sid. */
    private final Map<String, Subscription> bookOf = new HashMap<>();
    /** The last looked-up subscription: consecutive frames nearly always share a sid. */
    private Subscription lastLookup;

    /** The subscription the venue confirmed with this sid (the first confirmation of a sid names its channel). */
    Subscription confirmed(long sid, String channel) {
        return bySid.computeIfAbsent(sid, s -> new Subscription(s, channel));
    }

    /** Puts the market on the subscription; a book subscription takes the market over from its previous one. */
    void add(Subscription sub, String ticker) {
        sub.tickers.add(ticker);
        if (sub.book) {
            Subscription previous = bookOf.put(ticker, sub);
            if (previous != null && previous != sub) {
                previous.tickers.remove(ticker);
            }
        }
    }

    /** The subscription with this sid, or null when it is unknown or was dropped. */
    Subscription live(long sid) {
        if (sid == ABSENT) {
            return null;
        }
        Subscription cached = lastLookup;
        if (cached != null && cached.sid == sid && !cached.retired) {
            return cached;
        }
        Subscription sub = bySid.get(sid);
        if (sub != null) {
            lastLookup = sub;
        }
        return sub;
    }

    /** The market's live book subscription, or null while it has none. */
    Subscription bookOf(String ticker) {
        return bookOf.get(ticker);
    }

    List<Subscription> all() {
        return List.copyOf(bySid.values());
    }

    /** The subscription is dropped with all its markets; frames of its sid are never applied again. */
    void retire(Subscription sub) {
        sub.retired = true;
        bySid.remove(sub.sid);
        for (String ticker : List.copyOf(sub.tickers)) {
            forget(sub, ticker);
        }
    }

    void forget(Subscription sub, String ticker) {
        sub.tickers.remove(ticker);
        if (sub.book) {
            bookOf.remove(ticker, sub);
        }
    }
}

package io.marketmesh.node.venue.cryptocom;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The newest trade published per market, kept by the adapter across sockets: {@code trade.{instrument}} "returns the
 * last 50 trades on subscribe", so every reconnect and resubscription replays trades already published. Those at or
 * before the newest one seen are dropped; at its very millisecond, trades already seen are told apart by their key
 * (trade id, match id, price, quantity; one taker's fills may share a trade id). Per node: a market that moves to
 * another node may publish its last 50 trades once more.
 */
final class TradeHistory {

    /** The newest millisecond seen and the trades of that millisecond. */
    private static final class Mark {
        long time;
        final Set<String> keysAtTime = new HashSet<>();
    }

    private final ConcurrentMap<String, Mark> marks = new ConcurrentHashMap<>();

    /** Whether a trade at {@code time} with {@code key} is not yet published. */
    boolean isNew(String symbol, long time, String key) {
        Mark mark = marks.get(symbol);
        if (mark == null) {
            return true;
        }
        synchronized (mark) {
            return time > mark.time || (time == mark.time && !mark.keysAtTime.contains(key));
        }
    }

    /** Remembers a published trade. */
    void published(String symbol, long time, String key) {
        Mark mark = marks.computeIfAbsent(symbol, s -> new Mark());
        synchronized (mark) {
            if (time > mark.time) {
                mark.time = time;
                mark.keysAtTime.clear();
                mark.keysAtTime.add(key);
            } else if (time == mark.time) {
                mark.keysAtTime.add(key);
            }
        }
    }

    /** Price as its exact {@code Decimals} encoding, quantity as its normalized exact text. */
    static String key(String tradeId, String matchId, long price, String quantity) {
        return tradeId + '|' + matchId + '|' + price + '|' + quantity;
    }
}

package io.marketmesh.node.venue.kalshi;

import static io.marketmesh.node.venue.kalshi.KalshiFrame.ABSENT;

import io.marketmesh.node.venue.SessionOutput;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The commands one Kalshi socket sends, numbered from 1 by one counter, and those the venue has not answered yet:
 * the venue's answers name only the id, so what was asked is kept here until they come.
 */
final class KalshiRequests {

    /** Heartbeat ids remembered for swallowing their replies; a venue that never answers cannot grow this. */
    private static final int MAX_OUTSTANDING_HEARTBEATS = 32;

    /** A command sent and not yet answered, by its id. */
    sealed interface Request permits SubscribeRequest, UpdateRequest, OtherRequest {
    }

    /** Kalshi confirms a subscribe once per channel, so the request stays until every channel is confirmed. */
    record SubscribeRequest(List<String> tickers, Set<String> unconfirmedChannels) implements Request {
    }

    /** An update_subscription: what it asked, so that a refused resync can take another way. */
    record UpdateRequest(long sid, String action, List<String> tickers) implements Request {
    }

    record OtherRequest(String command) implements Request {
    }

    private long nextId = 1;
    private final Map<Long, Request> pending = new HashMap<>();
    private final Set<Long> heartbeats = new LinkedHashSet<>();

    void subscribe(List<String> channels, List<String> tickers, SessionOutput out) {
        long id = nextId++;
        pending.put(id, new SubscribeRequest(tickers, new HashSet<>(channels)));
        out.send(KalshiCommands.subscribe(id, channels, tickers));
    }

    void update(long sid, String action, List<String> tickers, SessionOutput out) {
        long id = nextId++;
        pending.put(id, new UpdateRequest(sid, action, List.copyOf(tickers)));
        out.send(KalshiCommands.updateSubscription(id, sid, action, tickers));
    }

    void unsubscribe(List<Long> sids, SessionOutput out) {
        long id = nextId++;
        pending.put(id, new OtherRequest("unsubscribe"));
        out.send(KalshiCommands.unsubscribe(id, sids));
    }

    /**
     * Kalshi pings at the WebSocket frame level and the client library answers those invisibly, so nothing here
     * would otherwise prove the feed alive: a cheap {@code list_subscriptions} round trip does, and its reply is
     * swallowed.
     */
    void heartbeat(SessionOutput out) {
        long id = nextId++;
        heartbeats.add(id);
        if (heartbeats.size() > MAX_OUTSTANDING_HEARTBEATS) {
            Iterator<Long> oldest = heartbeats.iterator();
            oldest.next();
            oldest.remove();
        }
        out.send(KalshiCommands.listSubscriptions(id));
    }

    /** True when a frame with this id is a heartbeat's reply, which is then forgotten; nothing else reads it. */
    boolean heartbeatAnswered(long id) {
        return id != ABSENT && heartbeats.remove(id);
    }

    /** The unanswered request with this id; null for none (or an absent id). */
    Request get(long id) {
        return id == ABSENT ? null : pending.get(id);
    }

    /** The request needs no further answer. */
    void answered(long id) {
        pending.remove(id);
    }

    /** A book subscribe for this market is on its way: its confirmation and snapshot will follow. */
    boolean bookSubscribePending(String ticker) {
        for (Request r : pending.values()) {
            if (r instanceof SubscribeRequest s && s.unconfirmedChannels().contains(KalshiSubscriptions.BOOK_CHANNEL)
                    && s.tickers().contains(ticker)) {
                return true;
            }
        }
        return false;
    }
}

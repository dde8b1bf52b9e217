package io.marketmesh.node.testkit.fuzz;

import io.marketmesh.node.market.BookVerifier;
import io.marketmesh.node.market.OrderBook;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The books of one socket's markets as their MarketActors hold them, built with the node's own {@link OrderBook} and
 * {@link BookVerifier} and the actor's rules for what is served fresh (MarketActor.onSnapshot, onDelta, onReset,
 * onMarkStale, untrusted): a snapshot whose levels apply and whose claim holds makes a book LIVE; a change that does
 * not apply or breaks its claim, a session's stale notice or a reset makes it not LIVE until the next good snapshot.
 * The resyncs the actors would ask for are collected for the caller to hand to the session, as the connection does.
 * The actor's timers and backoff are left out: a resync is asked at once.
 */
final class ActorBooks {

    enum State { EMPTY, LIVE, STALE, RESET }

    static final class Market {
        final OrderBook book = new OrderBook();
        final BookVerifier verifier = new BookVerifier();
        State state = State.EMPTY;
        int depthLimit;
        boolean resyncPending;
        String reason = "no snapshot yet";
    }

    private final Map<MarketKey, Market> markets = new LinkedHashMap<>();
    /** Symbols whose actor asked for a resync since the last {@link #takeResyncs()}. */
    private final List<String> resyncs = new ArrayList<>();

    Market market(MarketKey key) {
        return markets.computeIfAbsent(key, k -> new Market());
    }

    Map<MarketKey, Market> markets() {
        return markets;
    }

    void apply(MarketEvent event) {
        if (event instanceof BookSnapshot s) {
            snapshot(s);
        } else if (event instanceof BookDelta d) {
            delta(d);
        } else if (event instanceof BookReset r) {
            Market m = market(r.market());
            m.book.clear();
            untrusted(r.market(), m, r.reason(), false);
            m.state = State.RESET;
        }
    }

    /** The session said the book is stale and has asked the venue for a snapshot itself (MarketActor.onMarkStale). */
    void stale(MarketKey key, String reason) {
        Market m = market(key);
        untrusted(key, m, reason, false);
        m.resyncPending = true;
    }

    List<String> takeResyncs() {
        List<String> out = List.copyOf(resyncs);
        resyncs.clear();
        return out;
    }

    private void snapshot(BookSnapshot s) {
        Market m = market(s.market());
        if (m.book.replace(s.bids(), s.asks()) != OrderBook.Result.APPLIED) {
            untrusted(s.market(), m, "snapshot with a negative size", true);
            return;
        }
        m.depthLimit = s.depthLimit();
        if (m.depthLimit > 0) {
            m.book.keepBest(m.depthLimit);
        }
        String failed = verify(m, s.claim());
        if (failed != null) {
            if (m.state != State.LIVE) {
                m.state = State.STALE;
            }
            untrusted(s.market(), m, "snapshot " + failed, true);
            return;
        }
        m.state = State.LIVE;
        m.reason = null;
        m.resyncPending = false;
    }

    private void delta(BookDelta d) {
        Market m = market(d.market());
        if (m.state != State.LIVE) {
            requestResync(d.market(), m);
            return;
        }
        OrderBook.Result result = m.book.apply(d.updates(), d.mode() == BookDelta.Mode.RELATIVE);
        if (result != OrderBook.Result.APPLIED) {
            untrusted(d.market(), m, "change refused: " + result, true);
            return;
        }
        if (m.depthLimit > 0) {
            m.book.keepBest(m.depthLimit);
        }
        String failed = verify(m, d.claim());
        if (failed != null) {
            untrusted(d.market(), m, failed, true);
        }
    }

    private static String verify(Market m, BookClaim claim) {
        return claim == null ? null : m.verifier.verify(claim, m.book);
    }

    private void untrusted(MarketKey key, Market m, String reason, boolean requestResync) {
        if (m.state == State.LIVE) {
            m.state = State.STALE;
        }
        m.reason = reason;
        if (requestResync) {
            m.resyncPending = false;
            requestResync(key, m);
        }
    }

    private void requestResync(MarketKey key, Market m) {
        if (!m.resyncPending) {
            m.resyncPending = true;
            resyncs.add(key.symbol());
        }
    }
}

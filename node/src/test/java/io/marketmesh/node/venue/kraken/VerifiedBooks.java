package io.marketmesh.node.venue.kraken;

import io.marketmesh.node.market.BookVerifier;
import io.marketmesh.node.market.OrderBook;
import io.marketmesh.protocol.BookClaim;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Books rebuilt from what a Kraken session emitted, the way a MarketActor does it: snapshot replaces, changes apply
 * whole, each side truncated to the snapshot's {@code depthLimit}, then the claim verified with the node's own
 * {@link BookVerifier} (the real verifier, not a copy of it).
 */
final class VerifiedBooks {

    private final BookVerifier verifier = new BookVerifier();
    private final Map<MarketKey, OrderBook> books = new HashMap<>();
    private final Map<MarketKey, Integer> depths = new HashMap<>();
    final List<String> failures = new ArrayList<>();
    int verified;
    int unclaimed;

    /** Applies every book event of {@code events}; other events are ignored. */
    void applyAll(List<MarketEvent> events) {
        for (MarketEvent event : events) {
            apply(event);
        }
    }

    void apply(MarketEvent event) {
        if (event instanceof BookSnapshot s) {
            OrderBook book = books.computeIfAbsent(s.market(), k -> new OrderBook());
            check(book.replace(s.bids(), s.asks()) == OrderBook.Result.APPLIED, s.market() + " snapshot refused");
            depths.put(s.market(), s.depthLimit());
            truncate(s.market(), book);
            verify(s.claim(), book, s.market() + " snapshot");
        } else if (event instanceof BookDelta d) {
            OrderBook book = books.get(d.market());
            if (book == null) {
                failures.add(d.market() + " change before any snapshot");
                return;
            }
            check(book.apply(d.updates(), d.mode() == BookDelta.Mode.RELATIVE) == OrderBook.Result.APPLIED,
                    d.market() + " change refused: " + d.updates());
            truncate(d.market(), book);
            verify(d.claim(), book, d.market() + " change " + d.updates());
        }
    }

    OrderBook book(MarketKey market) {
        return books.get(market);
    }

    /** The verifier's verdict on {@code claim} for the current book of {@code market}: null = the claim holds. */
    String verdict(BookClaim claim, MarketKey market) {
        return verdict(claim, books.get(market));
    }

    private void truncate(MarketKey market, OrderBook book) {
        int depth = depths.getOrDefault(market, 0);
        if (depth > 0) {
            book.keepBest(depth);
        }
    }

    private void verify(BookClaim claim, OrderBook book, String what) {
        if (claim == null) {
            unclaimed++;
            return;
        }
        String failed = verdict(claim, book);
        if (failed != null) {
            failures.add(what + ": " + failed);
        } else {
            verified++;
        }
    }

    private String verdict(BookClaim claim, OrderBook book) {
        return verifier.verify(claim, book);
    }

    private void check(boolean ok, String failure) {
        if (!ok) {
            failures.add(failure);
        }
    }
}

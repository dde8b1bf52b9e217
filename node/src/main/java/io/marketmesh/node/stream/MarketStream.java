package io.marketmesh.node.stream;

import io.marketmesh.node.market.MarketActor;
import io.marketmesh.node.market.MarketFeed;
import io.marketmesh.node.market.OrderBook;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One market as this node's hub follows it: a copy of its book kept exact from the market actor's feed (so any number
 * of local clients get snapshots and top-N views without asking the actor, wherever it runs), where the feed stands,
 * and the subscriptions it sends to. Owned by the hub.
 */
final class MarketStream {

    final MarketKey market;
    final OrderBook book = new OrderBook();
    final List<Subscription> subscribers = new ArrayList<>(2);

    /** The actor feeding it and that actor's run; null until its first snapshot. */
    ActorRef<MarketActor.Command> actor;
    long run;
    long lastUpdate;
    /** The book is the actor's (a snapshot of the current run came and no update was missed since). */
    boolean synced;
    /** When the hub last asked the actor for the feed (nanos; 0: not waiting for a snapshot). */
    long askedAtNanos;

    boolean stale = true;
    String staleReason = "no snapshot yet";
    String source = "";
    /** Why the hub itself told clients the book went stale (its actor stopped); null once a fresh snapshot healed it. */
    String staleSaidByHub;
    long bookSequence;
    long venueSequence;
    long venueTimestamp;
    long receivedAt;

    MarketStream(MarketKey market) {
        this.market = market;
    }

    /** Starts over from the actor's snapshot. */
    void reset(MarketFeed.Snapshot snapshot) {
        actor = snapshot.actor();
        run = snapshot.run();
        lastUpdate = snapshot.lastUpdate();
        synced = book.replace(snapshot.book().bids(), snapshot.book().asks()) == OrderBook.Result.APPLIED;
        askedAtNanos = 0;
        staleSaidByHub = null;
        stale = snapshot.stale();
        staleReason = snapshot.staleReason();
        source = snapshot.source();
        bookSequence = snapshot.bookSequence();
        venueSequence = snapshot.book().venueSequence();
        venueTimestamp = snapshot.book().venueTimestamp();
        receivedAt = snapshot.book().receivedAt();
    }

    /** @return false when it cannot be applied (the copy and the actor's book differ): a fresh snapshot is needed */
    boolean apply(BookDelta delta) {
        if (book.apply(delta.updates(), false) != OrderBook.Result.APPLIED) {
            return false;
        }
        venueSequence = delta.venueSequence();
        if (delta.venueTimestamp() > 0) {
            venueTimestamp = delta.venueTimestamp();
        }
        receivedAt = delta.receivedAt();
        return true;
    }

    /** The largest top-N any book subscription of this market holds; 0 when every one holds the whole book. */
    int deepestWindow() {
        int deepest = 0;
        for (int i = 0; i < subscribers.size(); i++) {
            Subscription s = subscribers.get(i);
            if (s.depth > deepest && s.wantsBook()) {
                deepest = s.depth;
            }
        }
        return deepest;
    }

    List<PriceLevel> bids(int depth) {
        return book.topBids(depth == 0 ? Integer.MAX_VALUE : depth);
    }

    List<PriceLevel> asks(int depth) {
        return book.topAsks(depth == 0 ? Integer.MAX_VALUE : depth);
    }
}

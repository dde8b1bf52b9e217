package io.marketmesh.node.market;

import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The live followers of one market (stream hubs, at most one per node) and what they were told: every update goes to
 * all of them as one shared message, numbered on from the snapshot each was given. Owned by its MarketActor; with no
 * follower it costs one list check per change.
 */
final class FeedFollowers {

    private final MarketKey market;
    private final ActorRef<MarketActor.Command> actor;
    private final Supplier<String> sourceOfNode;
    private String source;
    private final long run = ThreadLocalRandom.current().nextLong();
    private final List<ActorRef<MarketFeed>> followers = new ArrayList<>(2);
    private final LongSupplier bookSequence;
    private long lastUpdate;
    /** A {@code book_stale} went to followers since their last fresh snapshot: the next one is announced a resync. */
    private String staleAnnounced;

    /**
     * @param sourceOfNode the node's {@code host:port}, asked when the first follower comes
     * @param bookSequence the actor's count of changes applied to its book (what {@code GET /markets/..} shows)
     */
    FeedFollowers(MarketKey market, ActorRef<MarketActor.Command> actor, Supplier<String> sourceOfNode,
                  LongSupplier bookSequence) {
        this.market = market;
        this.actor = actor;
        this.sourceOfNode = sourceOfNode;
        this.bookSequence = bookSequence;
    }

    boolean active() {
        return !followers.isEmpty();
    }

    /** @return whether it was new (a known follower asking again only gets a fresh snapshot) */
    boolean add(ActorRef<MarketFeed> follower) {
        if (followers.contains(follower)) {
            return false;
        }
        followers.add(follower);
        if (source == null) {
            source = sourceOfNode.get();
        }
        return true;
    }

    void remove(ActorRef<MarketFeed> follower) {
        followers.remove(follower);
    }

    /**
     * {@code host:port} of each follower's node, sorted: one entry per follower, so a node whose hub followed the
     * market twice would show twice (it never should: a hub follows a market once, whatever its clients).
     */
    List<String> nodes() {
        List<String> nodes = new ArrayList<>(followers.size());
        for (ActorRef<MarketFeed> follower : followers) {
            Address address = follower.path().address();
            nodes.add(address.hasLocalScope() ? source : MarketFeed.hostPort(address));
        }
        nodes.sort(null);
        return nodes;
    }

    /** The book as served, to one follower (new, or asking again after it missed something). */
    void snapshotTo(ActorRef<MarketFeed> follower, OrderBook book, boolean stale, String staleReason,
                    long venueSequence, long venueTimestamp, long receivedAt) {
        follower.tell(snapshotOf(book, stale, staleReason, venueSequence, venueTimestamp, receivedAt));
    }

    /** The book was replaced (venue snapshot, resync, book from Kafka): every follower starts over from it. */
    void snapshot(OrderBook book, boolean stale, String staleReason, long venueSequence, long venueTimestamp,
                  long receivedAt) {
        if (followers.isEmpty()) {
            return;
        }
        // Numbered like an update: every follower gets it, in order, and can tell it from a repeated answer to Watch.
        lastUpdate++;
        MarketFeed.Snapshot snapshot = snapshotOf(book, stale, staleReason, venueSequence, venueTimestamp, receivedAt);
        followers.forEach(f -> f.tell(snapshot));
        if (!stale && staleAnnounced != null) {
            continuity(Continuity.Kind.BOOK_RESYNCED, "fresh snapshot after: " + staleAnnounced);
            staleAnnounced = null;
        }
    }

    /** A book record: a {@code book_delta} (absolute, only what changed) or a {@code book_reset}. */
    void book(MarketEvent event) {
        if (followers.isEmpty()) {
            return;
        }
        send(Channel.BOOK, event.receivedAt(), event, null);
    }

    void event(Channel channel, MarketEvent event) {
        if (!followers.isEmpty()) {
            send(channel, event.receivedAt(), event, null);
        }
    }

    /** The book stopped being trustworthy: followers are told once, and told again when a fresh snapshot heals it. */
    void stale(String reason) {
        if (!followers.isEmpty()) {
            staleAnnounced = reason;
            continuity(Continuity.Kind.BOOK_STALE, reason);
        }
    }

    private void continuity(Continuity.Kind kind, String reason) {
        long now = System.currentTimeMillis();
        send(Channel.CONTINUITY, now, null, new Continuity(market.venue(), market, kind, reason, now));
    }

    private void send(Channel channel, long receivedTimestamp, MarketEvent event, Continuity continuity) {
        MarketFeed.Update update = new MarketFeed.Update(market, run, ++lastUpdate, channel, bookSequence.getAsLong(),
                receivedTimestamp, event, continuity);
        for (int i = 0; i < followers.size(); i++) {
            followers.get(i).tell(update);
        }
    }

    private MarketFeed.Snapshot snapshotOf(OrderBook book, boolean stale, String staleReason, long venueSequence,
                                           long venueTimestamp, long receivedAt) {
        BookSnapshot full = new BookSnapshot(market, book.topBids(Integer.MAX_VALUE), book.topAsks(Integer.MAX_VALUE),
                venueSequence, venueTimestamp, receivedAt);
        return new MarketFeed.Snapshot(market, run, actor, lastUpdate, bookSequence.getAsLong(), full, stale,
                stale ? staleReason : null, source);
    }
}

package io.marketmesh.node.market;

import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import java.util.ArrayList;
import java.util.List;

/**
 * What one MarketActor has published, so its book topic stays gap-free and truthful: every record on the book
 * channel takes the next sequence number; a change that changes nothing and a full book equal to the last one are
 * not published again (counted). A book record that does not reach Kafka — refused by a full queue, lost in a
 * producer restart, or impossible to encode — leaves the market owing its consumers a full book: the next chance
 * publishes a {@code gap_detected} continuity record saying what was lost, then the whole book. That next chance waits
 * until the publisher {@link MarketPublisher#hasRoom() has room}: a thousand markets healing at once with full books
 * would otherwise refill the queue they overflowed, and keep it full. Owned by its actor.
 */
final class BookPublication {

    private final MarketKey market;
    private final boolean enabled;
    private final MarketPublisher publisher;
    private final MarketPublisher.Outlet outlet;
    private long sequence;
    /** Set when a book record was refused or lost: the next book record must be a full book. */
    private boolean owesFullBook;
    private long refusedSinceFullBook;
    private long lossesSinceFullBook;
    private boolean changedSinceFullBook;
    /** A {@code book_stale} went out since the last snapshot: the full book that heals it is announced as a resync. */
    private boolean staleAnnounced;
    private String lastStaleReason;
    /** The book holds something consumers were not given (withheld): the next snapshot goes out even if unchanged. */
    private boolean mustPublishNextSnapshot;
    /** A loss was announced at once and not yet healed (so it is not announced again until it is). */
    private boolean lossAnnounced;
    /** Loss heals at most one a second: a book that cannot be encoded must not loop at the actor's speed. */
    private long nextLossHealAt;

    private long published;
    private long refused;
    private long skippedUnchanged;

    /** @param onLoss run (on a publisher thread) when records this market handed over may have been lost */
    BookPublication(MarketKey market, MarketPublisher publisher, Runnable onLoss) {
        this.market = market;
        this.enabled = publisher != MarketPublisher.NONE;
        this.publisher = publisher;
        this.outlet = publisher.open(market.venue(), market.id(), onLoss);
    }

    boolean enabled() {
        return enabled;
    }

    /**
     * What an applied delta did to the book ({@code changes}, levels dropped from a venue's window included) as an
     * absolute {@code book_delta}, a level touched twice in one frame once with its final size; null when it changed
     * nothing. Built once for every outlet.
     */
    static BookDelta absolute(MarketKey market, BookDelta applied, BookChanges changes) {
        List<LevelUpdate> changed = changes.net();
        if (changed.isEmpty()) {
            return null;
        }
        return new BookDelta(market, BookDelta.Mode.ABSOLUTE, changed, applied.venueSequence(),
                applied.venueTimestamp(), applied.receivedAt());
    }

    /** An applied delta changed nothing. */
    void unchanged() {
        skippedUnchanged++;
    }

    /**
     * A delta has been applied; {@code changed} is what it did ({@link #absolute}). {@code receivedNanos} is its
     * frame's receipt on the monotonic clock (0: unknown), handed to the publisher for the receipt-to-ack latency.
     */
    void delta(BookDelta changed, OrderBook book, long receivedNanos) {
        if (!enabled) {
            return;
        }
        changedSinceFullBook = true;
        if (owesFullBook) {
            fullBook(book, changed.venueSequence(), changed.venueTimestamp(), changed.receivedAt());
            return;
        }
        publishBook(changed, receivedNanos);
    }

    /** A venue snapshot has replaced the book; {@code unchanged} when it equals the book it replaced. */
    void snapshot(BookSnapshot snapshot, boolean unchanged, OrderBook book) {
        // This run's first full book always goes out: consumers of this run's sequence need it as their base.
        if (unchanged && !owesFullBook && !mustPublishNextSnapshot && sequence > 0) {
            skippedUnchanged++;
            // Consumers' book is already this one: the resync needs no full book.
            announceResyncIfStale();
        } else {
            // When it goes out (maybe later, once the queue has room) it is announced as the resync.
            fullBook(book, snapshot.venueSequence(), snapshot.venueTimestamp(), snapshot.receivedAt());
        }
    }

    /** The book changed without consumers being told (a change the venue's own check rejected). */
    void withheld() {
        mustPublishNextSnapshot = true;
        changedSinceFullBook = true;
    }

    /** The periodic full book: only when something changed since the last one, or one is owed. */
    void periodic(OrderBook book, long venueSequence, long venueTimestamp) {
        if (changedSinceFullBook || owesFullBook) {
            fullBook(book, venueSequence, venueTimestamp, System.currentTimeMillis());
        }
    }

    /**
     * Records may have been lost on their way to Kafka: said at once (a {@code book_stale} may be among them, so a
     * stale book cannot wait for its snapshot to tell), and healed with a full book, at once if the book is trusted.
     */
    void lost(OrderBook book, boolean bookTrusted, long venueSequence, long venueTimestamp) {
        lossesSinceFullBook++;
        owesFullBook = true;
        if (!lossAnnounced && sequence > 0) {
            lossAnnounced = continuity(Continuity.Kind.GAP_DETECTED, lossText() + "; a full book follows"
                    + (bookTrusted ? "" : " the venue's next snapshot"));
        }
        if (bookTrusted) {
            fullBook(book, venueSequence, venueTimestamp, System.currentTimeMillis());
        }
    }

    /** The book was dropped (e.g. a tick size change): consumers drop theirs until the next full book. */
    void reset(BookReset reset) {
        changedSinceFullBook = true;
        if (!owesFullBook) {
            publishBook(reset, 0);
        }
    }

    /**
     * The market is no longer followed: consumers holding its book from this node drop it.
     *
     * @return false when the record was refused (the queue is full): ask again
     */
    boolean unfollowed() {
        if (sequence == 0) {
            return true;
        }
        long now = System.currentTimeMillis();
        return publishBook(new BookReset(market, "no longer followed", 0, now), 0);
    }

    void event(Channel channel, MarketEvent event) {
        outlet.publish(channel, sequence, event.receivedAt(), event);
    }

    /** The book stopped being trustworthy: said once per episode, and only to consumers that got a book from here. */
    void stale(String reason) {
        lastStaleReason = reason;
        if (sequence > 0) {
            staleAnnounced = true;
            continuity(Continuity.Kind.BOOK_STALE, reason);
        }
    }

    /** @return false when the publish queue refused it */
    private boolean continuity(Continuity.Kind kind, String reason) {
        long now = System.currentTimeMillis();
        return outlet.publish(Channel.CONTINUITY, sequence, now, new Continuity(market.venue(), market, kind, reason, now));
    }

    private void fullBook(OrderBook book, long venueSequence, long venueTimestamp, long receivedAt) {
        if (owesFullBook && !publisher.hasRoom()) {
            // Still owed: the next change, snapshot or periodic tick tries again.
            return;
        }
        if (owesFullBook && lossesSinceFullBook > 0) {
            long now = System.currentTimeMillis();
            if (now < nextLossHealAt) {
                return;
            }
            nextLossHealAt = now + 1000;
        }
        if (owesFullBook && !continuity(Continuity.Kind.GAP_DETECTED, lossText() + "; a full book follows")) {
            // Said before the book that heals it, so a consumer knows why the full book came; a full book after a
            // hole nobody announced would look like a gap-free topic. Refused too: still owed, the next chance tries.
            return;
        }
        BookSnapshot full = new BookSnapshot(market, book.topBids(Integer.MAX_VALUE), book.topAsks(Integer.MAX_VALUE),
                venueSequence, venueTimestamp, receivedAt);
        if (publishBook(full, 0)) {
            owesFullBook = false;
            refusedSinceFullBook = 0;
            lossesSinceFullBook = 0;
            lossAnnounced = false;
            changedSinceFullBook = false;
            mustPublishNextSnapshot = false;
            // The compacted topic's latest record per market is the latest full book.
            outlet.publish(Channel.SNAPSHOTS, sequence, receivedAt, full);
            announceResyncIfStale();
        }
    }

    private void announceResyncIfStale() {
        if (staleAnnounced) {
            staleAnnounced = false;
            continuity(Continuity.Kind.BOOK_RESYNCED, "fresh snapshot after: " + lastStaleReason);
        }
    }

    private String lossText() {
        StringBuilder why = new StringBuilder();
        if (refusedSinceFullBook > 0) {
            why.append(refusedSinceFullBook).append(" book record(s) refused by a full publish queue");
        }
        if (lossesSinceFullBook > 0) {
            why.append(why.length() > 0 ? " and " : "")
                    .append("book records possibly lost on the way to Kafka (producer restart or encoding failure)");
        }
        return why.toString();
    }

    private boolean publishBook(MarketEvent event, long receivedNanos) {
        if (outlet.publish(Channel.BOOK, sequence + 1, event.receivedAt(), event, receivedNanos)) {
            sequence++;
            published++;
            return true;
        }
        refused++;
        refusedSinceFullBook++;
        owesFullBook = true;
        return false;
    }

    void close() {
        outlet.close();
    }

    long published() {
        return published;
    }

    long refused() {
        return refused;
    }

    long skippedUnchanged() {
        return skippedUnchanged;
    }
}

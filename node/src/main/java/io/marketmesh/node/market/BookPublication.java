package io.marketmesh.node.market;

import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * What one MarketActor has published, so its book topic stays gap-free and truthful: every record on the book
 * channel takes the next sequence number; a change that changes nothing and a full book equal to the last one are
 * not published again (counted); a record the publisher refuses (its queue is full) takes no number, and the next
 * chance republishes the whole book behind a continuity record that says what was lost. That next chance waits until
 * the publisher {@link MarketPublisher#hasRoom() has room}: a thousand markets healing at once with full books would
 * otherwise refill the queue they overflowed, and keep it full. Owned by its actor.
 */
final class BookPublication {

    private final MarketKey market;
    /** {@code market.id()} and the venue's id, built once: every record carries them. */
    private final String marketId;
    private final String venueId;
    private final MarketPublisher publisher;
    private long sequence;
    /** Set when a book record was refused: the next book record must be a full book. */
    private boolean owesFullBook;
    private long refusedSinceFullBook;
    private boolean changedSinceFullBook;

    private long published;
    private long refused;
    private long skippedUnchanged;

    BookPublication(MarketKey market, MarketPublisher publisher) {
        this.market = market;
        this.marketId = market.id();
        this.venueId = market.venue().id();
        this.publisher = publisher;
    }

    boolean enabled() {
        return publisher != MarketPublisher.NONE;
    }

    /**
     * A delta has been applied; {@code sizesBefore[i]} is the size its i-th level had before; {@code receivedNanos}
     * its frame's receipt on the monotonic clock (0: unknown), handed to the publisher for the receipt-to-ack latency.
     */
    void delta(BookDelta applied, long[] sizesBefore, OrderBook book, long receivedNanos) {
        List<LevelUpdate> changed = new ArrayList<>(applied.updates().size());
        for (int i = 0; i < applied.updates().size(); i++) {
            LevelUpdate update = applied.updates().get(i);
            long now = book.sizeAt(update.side(), update.price());
            if (now != sizesBefore[i]) {
                changed.add(new LevelUpdate(update.side(), update.price(), now));
            }
        }
        if (changed.isEmpty()) {
            skippedUnchanged++;
            return;
        }
        changedSinceFullBook = true;
        if (owesFullBook) {
            fullBook(book, applied.venueSequence(), applied.venueTimestamp(), applied.receivedAt());
            return;
        }
        BookDelta absolute = new BookDelta(market, BookDelta.Mode.ABSOLUTE, changed, applied.venueSequence(),
                Decimals.NONE, Decimals.NONE, applied.venueTimestamp(), applied.receivedAt());
        publishBook(absolute, receivedNanos);
    }

    /** A venue snapshot has replaced the book; {@code unchanged} when it equals the book it replaced. */
    void snapshot(BookSnapshot snapshot, boolean unchanged, OrderBook book) {
        // This run's first full book always goes out: consumers of this run's sequence need it as their base.
        if (unchanged && !owesFullBook && sequence > 0) {
            skippedUnchanged++;
            return;
        }
        fullBook(book, snapshot.venueSequence(), snapshot.venueTimestamp(), snapshot.receivedAt());
    }

    /** The periodic full book: only when something changed since the last one, or one is owed. */
    void periodic(OrderBook book, boolean hasBook, long venueSequence, long venueTimestamp) {
        if (hasBook && (changedSinceFullBook || owesFullBook)) {
            fullBook(book, venueSequence, venueTimestamp, System.currentTimeMillis());
        }
    }

    /** The book was dropped (e.g. a tick size change): consumers drop theirs until the next full book. */
    void reset(io.marketmesh.protocol.BookReset reset) {
        changedSinceFullBook = true;
        if (!owesFullBook) {
            publishBook(reset);
        }
    }

    void event(String channel, MarketEvent event) {
        publisher.publish(record(channel, sequence, event.receivedAt(), event));
    }

    void continuity(Continuity.Kind kind, String reason) {
        long now = System.currentTimeMillis();
        publisher.publish(record(MarketRecord.CHANNEL_CONTINUITY, sequence, now,
                new Continuity(market.venue(), market, kind, reason, now)));
    }

    private void fullBook(OrderBook book, long venueSequence, long venueTimestamp, long receivedAt) {
        if (owesFullBook && !publisher.hasRoom()) {
            // Still owed: the next change, snapshot or periodic tick tries again.
            return;
        }
        if (owesFullBook) {
            // Said before the book that heals it, so a consumer knows why the full book came.
            continuity(Continuity.Kind.GAP_DETECTED, refusedSinceFullBook
                    + " book record(s) refused by a full publish queue; a full book follows");
        }
        BookSnapshot full = new BookSnapshot(market, book.topBids(Integer.MAX_VALUE), book.topAsks(Integer.MAX_VALUE),
                venueSequence, venueTimestamp, receivedAt);
        if (publishBook(full)) {
            owesFullBook = false;
            refusedSinceFullBook = 0;
            changedSinceFullBook = false;
            // The compacted topic's latest record per market is the latest full book.
            publisher.publish(record(MarketRecord.CHANNEL_SNAPSHOTS, sequence, receivedAt, full));
        }
    }

    private boolean publishBook(MarketEvent event) {
        return publishBook(event, 0);
    }

    private boolean publishBook(MarketEvent event, long receivedNanos) {
        if (publisher.publish(record(MarketRecord.CHANNEL_BOOK, sequence + 1, event.receivedAt(), event), receivedNanos)) {
            sequence++;
            published++;
            return true;
        }
        refused++;
        refusedSinceFullBook++;
        owesFullBook = true;
        return false;
    }

    private <T> MarketRecord<T> record(String channel, long seq, long receivedAt, T payload) {
        return new MarketRecord<>(MarketRecord.VERSION, venueId, marketId, channel, seq,
                publisher.source(), receivedAt, 0, payload);
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

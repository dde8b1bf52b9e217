package io.marketmesh.node.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.market.MarketPublisher;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BookPublicationTest {

    private static final MarketKey MARKET = MarketKey.of(Venue.KALSHI, "KXTEST-26-A");

    /** Takes records while {@code accepting}; reports room as told. */
    private static final class Publisher implements MarketPublisher {
        final List<MarketRecord<?>> taken = new ArrayList<>();
        boolean accepting = true;
        boolean room = true;

        @Override
        public boolean publish(MarketRecord<?> record) {
            if (accepting) {
                taken.add(record);
            }
            return accepting;
        }

        @Override
        public boolean hasRoom() {
            return room;
        }
    }

    private final Publisher publisher = new Publisher();
    private final BookPublication publication = new BookPublication(MARKET, publisher);
    private final OrderBook book = new OrderBook();
    private long venueSequence;

    private void change(long price, long size) {
        long before = book.sizeAt(Side.BID, price);
        book.set(Side.BID, price, size);
        BookDelta delta = new BookDelta(MARKET, BookDelta.Mode.ABSOLUTE, List.of(new LevelUpdate(Side.BID, price, size)),
                ++venueSequence, Decimals.NONE, Decimals.NONE, 0, 1);
        publication.delta(delta, new long[] {before}, book, 0);
    }

    @Test
    void aRefusedRecordIsHealedWithAFullBookOnlyOnceThePublisherHasRoom() {
        book.replace(List.of(new PriceLevel(Decimals.parse("0.40"), Decimals.parse("10"))), List.of());
        publication.snapshot(new BookSnapshot(MARKET, book.topBids(10), book.topAsks(10), 0, 0, 1), false, book);
        change(Decimals.parse("0.41"), Decimals.parse("5"));
        assertEquals(3, publisher.taken.size(), "first full book, its snapshot copy, one change");

        publisher.accepting = false;
        change(Decimals.parse("0.42"), Decimals.parse("5"));
        assertEquals(1, publication.refused());

        // The queue takes records again but is still more than half full: the full book waits.
        publisher.accepting = true;
        publisher.room = false;
        change(Decimals.parse("0.43"), Decimals.parse("5"));
        publication.periodic(book, true, venueSequence, 0);
        assertEquals(3, publisher.taken.size(), "nothing while the publisher has no room");

        publisher.room = true;
        change(Decimals.parse("0.44"), Decimals.parse("5"));
        List<MarketRecord<?>> healed = publisher.taken.subList(3, publisher.taken.size());
        assertEquals(3, healed.size(), "gap, full book, snapshot copy");
        assertInstanceOf(Continuity.class, healed.get(0).payload());
        assertEquals(Continuity.Kind.GAP_DETECTED, ((Continuity) healed.get(0).payload()).kind());
        BookSnapshot full = assertInstanceOf(BookSnapshot.class, healed.get(1).payload());
        assertEquals(5, full.bids().size(), "every change so far is in the full book");
        assertEquals(MarketRecord.CHANNEL_BOOK, healed.get(1).channel());
        assertEquals(publisher.taken.get(2).sequence() + 1, healed.get(1).sequence(), "the book topic stays gap-free");

        change(Decimals.parse("0.45"), Decimals.parse("5"));
        assertTrue(publisher.taken.get(publisher.taken.size() - 1).payload() instanceof BookDelta, "changes again");
    }
}

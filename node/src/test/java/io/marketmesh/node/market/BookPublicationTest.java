package io.marketmesh.node.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.node.testkit.RecordingPublisher;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Venue;
import java.util.List;
import org.junit.jupiter.api.Test;

class BookPublicationTest {

    private static final MarketKey MARKET = MarketKey.of(Venue.KALSHI, "KXTEST-26-A");

    private final RecordingPublisher publisher = new RecordingPublisher();
    private final BookPublication publication = new BookPublication(MARKET, publisher, () -> { });
    private final OrderBook book = new OrderBook();
    private long venueSequence;

    private void change(LevelUpdate... updates) {
        BookDelta delta = new BookDelta(MARKET, BookDelta.Mode.ABSOLUTE, List.of(updates), ++venueSequence, 0, 1);
        assertEquals(OrderBook.Result.APPLIED, book.apply(delta.updates(), false));
        BookDelta changed = BookPublication.absolute(MARKET, delta, book.changes());
        if (changed == null) {
            publication.unchanged();
        } else {
            publication.delta(changed, book, 0);
        }
    }

    private void change(long price, long size) {
        change(new LevelUpdate(Side.BID, price, size));
    }

    private void start() {
        book.replace(List.of(new PriceLevel(Decimals.parse("0.40"), Decimals.parse("10"))), List.of());
        publication.snapshot(new BookSnapshot(MARKET, book.topBids(10), book.topAsks(10), 0, 0, 1), false, book);
    }

    @Test
    void aRefusedRecordIsHealedWithAFullBookOnlyOnceThePublisherHasRoom() {
        start();
        change(Decimals.parse("0.41"), Decimals.parse("5"));
        assertEquals(3, publisher.records.size(), "first full book, its snapshot copy, one change");

        publisher.accepting = false;
        change(Decimals.parse("0.42"), Decimals.parse("5"));
        assertEquals(1, publication.refused());

        // The queue takes records again but is still more than half full: the full book waits.
        publisher.accepting = true;
        publisher.room = false;
        change(Decimals.parse("0.43"), Decimals.parse("5"));
        publication.periodic(book, venueSequence, 0);
        assertEquals(3, publisher.records.size(), "nothing while the publisher has no room");

        publisher.room = true;
        change(Decimals.parse("0.44"), Decimals.parse("5"));
        List<MarketRecord<?>> healed = publisher.records.subList(3, publisher.records.size());
        assertEquals(3, healed.size(), "gap, full book, snapshot copy");
        assertEquals(Continuity.Kind.GAP_DETECTED, assertInstanceOf(Continuity.class, healed.get(0).payload()).kind());
        BookSnapshot full = assertInstanceOf(BookSnapshot.class, healed.get(1).payload());
        assertEquals(5, full.bids().size(), "every change so far is in the full book");
        assertEquals(Channel.BOOK, healed.get(1).channel());
        assertEquals(publisher.records.get(2).sequence() + 1, healed.get(1).sequence(), "the book topic stays gap-free");

        change(Decimals.parse("0.45"), Decimals.parse("5"));
        assertTrue(publisher.records.get(publisher.records.size() - 1).payload() instanceof BookDelta, "changes again");
    }

    @Test
    void aFullBookAfterAHoleWaitsUntilItsAnnouncementIsTaken() {
        start();
        publisher.accepting = false;
        change(Decimals.parse("0.41"), Decimals.parse("5"));
        assertEquals(1, publication.refused());
        int before = publisher.records.size();

        // The queue takes book records again, but the gap_detected is refused: no full book may heal the hole unsaid.
        publisher.accepting = true;
        publisher.refusing = Channel.CONTINUITY;
        change(Decimals.parse("0.42"), Decimals.parse("5"));
        assertEquals(before, publisher.records.size(), "no full book without its announcement");

        publisher.refusing = null;
        publication.periodic(book, venueSequence, 0);
        List<MarketRecord<?>> healed = publisher.records.subList(before, publisher.records.size());
        assertEquals(3, healed.size(), "gap, full book, snapshot copy: " + healed);
        assertEquals(Continuity.Kind.GAP_DETECTED, assertInstanceOf(Continuity.class, healed.get(0).payload()).kind());
        assertEquals(3, assertInstanceOf(BookSnapshot.class, healed.get(1).payload()).bids().size());
    }

    @Test
    void recordsLostOnTheWayToKafkaAreAnnouncedAndHealedAtOnce() {
        start();
        change(Decimals.parse("0.41"), Decimals.parse("5"));
        int before = publisher.records.size();
        publication.lost(book, true, venueSequence, 0);
        List<MarketRecord<?>> healed = publisher.records.subList(before, publisher.records.size());
        // Said at once, then again right before the full book that heals it.
        Continuity atOnce = assertInstanceOf(Continuity.class, healed.get(0).payload());
        assertEquals(Continuity.Kind.GAP_DETECTED, atOnce.kind());
        assertTrue(atOnce.reason().contains("lost on the way to Kafka"), atOnce.reason());
        assertEquals(Continuity.Kind.GAP_DETECTED, assertInstanceOf(Continuity.class, healed.get(1).payload()).kind());
        assertEquals(2, assertInstanceOf(BookSnapshot.class, healed.get(2).payload()).bids().size());
        assertEquals(healed.get(1).sequence() + 1, healed.get(2).sequence());
    }

    @Test
    void aLossWhileTheBookIsStaleIsSaidAtOnceAndHealedWithTheNextSnapshot() {
        start();
        publication.stale("connection lost");
        int before = publisher.records.size();
        publication.lost(book, false, venueSequence, 0);
        List<MarketRecord<?>> said = publisher.records.subList(before, publisher.records.size());
        assertEquals(1, said.size(), "announced, nothing else while the book is stale");
        assertEquals(Continuity.Kind.GAP_DETECTED, assertInstanceOf(Continuity.class, said.get(0).payload()).kind());
        // The venue's next snapshot, even equal to the book, heals: a full book, then the resync is announced.
        publication.snapshot(new BookSnapshot(MARKET, book.topBids(10), book.topAsks(10), 0, 0, 1), true, book);
        List<MarketRecord<?>> healed = publisher.records.subList(before + 1, publisher.records.size());
        assertInstanceOf(BookSnapshot.class, healed.get(1).payload());
        Continuity resynced = assertInstanceOf(Continuity.class, healed.get(healed.size() - 1).payload());
        assertEquals(Continuity.Kind.BOOK_RESYNCED, resynced.kind());
    }

    @Test
    void aResyncIsAnnouncedOnlyWithTheFullBookThatHealsIt() {
        start();
        publication.stale("gap");
        publisher.accepting = false;
        change(Decimals.parse("0.41"), Decimals.parse("5"));
        publisher.accepting = true;
        publisher.room = false;
        int before = publisher.records.size();
        book.set(Side.BID, Decimals.parse("0.42"), Decimals.parse("1"));
        publication.snapshot(new BookSnapshot(MARKET, book.topBids(10), book.topAsks(10), 0, 0, 1), false, book);
        assertEquals(before, publisher.records.size(), "the full book is owed and waits for room: no resync claimed yet");
        publisher.room = true;
        publication.periodic(book, 0, 0);
        List<MarketRecord<?>> healed = publisher.records.subList(before, publisher.records.size());
        assertEquals(Continuity.Kind.GAP_DETECTED, assertInstanceOf(Continuity.class, healed.get(0).payload()).kind());
        assertInstanceOf(BookSnapshot.class, healed.get(1).payload());
        assertEquals(Continuity.Kind.BOOK_RESYNCED,
                assertInstanceOf(Continuity.class, healed.get(healed.size() - 1).payload()).kind());
    }

    @Test
    void aLevelChangedTwiceInOneFrameIsPublishedOnceWithItsFinalSize() {
        start();
        long p = Decimals.parse("0.41");
        change(new LevelUpdate(Side.BID, p, Decimals.parse("5")), new LevelUpdate(Side.BID, p, Decimals.parse("7")));
        BookDelta published = assertInstanceOf(BookDelta.class, publisher.records.get(publisher.records.size() - 1).payload());
        assertEquals(List.of(new LevelUpdate(Side.BID, p, Decimals.parse("7"))), published.updates());
        // Set and set back within one frame: nothing changed, nothing published.
        int count = publisher.records.size();
        change(new LevelUpdate(Side.BID, p, Decimals.parse("9")), new LevelUpdate(Side.BID, p, Decimals.parse("7")));
        assertEquals(count, publisher.records.size());
        assertEquals(1, publication.skippedUnchanged());
    }

    @Test
    void aDeepFrameIsPublishedAsTheNetChangeOfEachLevel() {
        start();
        List<LevelUpdate> updates = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            updates.add(new LevelUpdate(Side.ASK, Decimals.of(50 + i, 2), Decimals.of(i + 1, 0)));
        }
        // Changed twice (final size counts), set and set back (nothing), and the held bid removed.
        updates.add(new LevelUpdate(Side.ASK, Decimals.of(55, 2), Decimals.of(99, 0)));
        updates.add(new LevelUpdate(Side.BID, Decimals.parse("0.40"), Decimals.parse("11")));
        updates.add(new LevelUpdate(Side.BID, Decimals.parse("0.40"), Decimals.parse("10")));
        updates.add(new LevelUpdate(Side.BID, Decimals.parse("0.39"), Decimals.parse("1")));
        updates.add(new LevelUpdate(Side.BID, Decimals.parse("0.39"), 0));
        change(updates.toArray(LevelUpdate[]::new));
        BookDelta published = assertInstanceOf(BookDelta.class, publisher.records.get(publisher.records.size() - 1).payload());
        assertEquals(30, published.updates().size(), published.updates().toString());
        assertTrue(published.updates().contains(new LevelUpdate(Side.ASK, Decimals.of(55, 2), Decimals.of(99, 0))));
        assertTrue(published.updates().stream().noneMatch(u -> u.side() == Side.BID));
    }

    @Test
    void anUnfollowedMarketTellsItsConsumersToDropTheBook() {
        start();
        publication.unfollowed();
        MarketRecord<?> last = publisher.records.get(publisher.records.size() - 1);
        assertEquals(Channel.BOOK, last.channel());
        assertEquals("no longer followed",
                assertInstanceOf(io.marketmesh.protocol.BookReset.class, last.payload()).reason());
        // A market that never published anything has nothing to take back.
        RecordingPublisher quiet = new RecordingPublisher();
        new BookPublication(MARKET, quiet, () -> { }).unfollowed();
        assertTrue(quiet.records.isEmpty());
    }
}

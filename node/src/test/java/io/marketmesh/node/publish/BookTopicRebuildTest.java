package io.marketmesh.node.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookReset;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Channel;
import io.marketmesh.protocol.Continuity;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketEvent;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketRecord;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.Venue;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a consumer of the book topic sees, by docs/kafka.md's rules: holes, their announcements, moves between nodes. */
class BookTopicRebuildTest {

    private static final MarketKey MARKET = MarketKey.of(Venue.KALSHI, "KXSIM-1");
    private static final String A = "127.0.0.1:7356";
    private static final String B = "127.0.0.1:7357";

    @Test
    void anAnnouncedHoleHealedByAFullBookRebuildsTheBook() {
        BookTopicRebuild rebuild = new BookTopicRebuild();
        rebuild.apply(full(A, 1, level("0.50", "10")));
        rebuild.apply(delta(A, 2, Side.BID, "0.50", "12"));
        // records 3 and 4 lost on the way to Kafka; the node says so, then sends its full book
        rebuild.announce(gap(A, 4));
        rebuild.apply(full(A, 5, level("0.51", "7")));
        rebuild.apply(delta(A, 6, Side.BID, "0.51", "0"));
        rebuild.apply(delta(A, 7, Side.BID, "0.49", "3"));

        assertEquals(1, rebuild.holes().size());
        assertTrue(rebuild.holes().get(0).announced(), rebuild.holes().toString());
        assertTrue(rebuild.unannouncedHoles().isEmpty());
        BookTopicRebuild.MarketBook book = rebuild.book(MARKET.id()).orElseThrow();
        assertTrue(book.known());
        assertEquals(List.of(level("0.49", "3")), book.bids());
    }

    @Test
    void aLossKnownOnlyAtAProducerRestartIsAnnouncedAfterTheRecordsThatFollowedIt() {
        BookTopicRebuild rebuild = new BookTopicRebuild();
        rebuild.apply(full(A, 1, level("0.50", "10")));
        // 2 and 3 lost with the failed producer; 4 and 5 were queued behind them and survived the restart
        rebuild.apply(delta(A, 4, Side.BID, "0.50", "11"));
        rebuild.apply(delta(A, 5, Side.BID, "0.50", "12"));
        rebuild.announce(gap(A, 5));
        rebuild.apply(full(A, 6, level("0.50", "12")));

        assertEquals(List.of(new BookTopicRebuild.Hole(MARKET.id(), A, 1, 4, true)), rebuild.holes());
        assertEquals(List.of(level("0.50", "12")), rebuild.book(MARKET.id()).orElseThrow().bids());
    }

    @Test
    void anAnnouncementWithoutTheFullBookThatHealsItIsNoAnnouncement() {
        BookTopicRebuild rebuild = new BookTopicRebuild();
        rebuild.apply(full(A, 1, level("0.50", "10")));
        rebuild.apply(delta(A, 3, Side.BID, "0.50", "11"));
        rebuild.announce(gap(A, 3));
        rebuild.apply(delta(A, 4, Side.BID, "0.50", "12")); // not the full book the announcement promised

        assertEquals(1, rebuild.unannouncedHoles().size());
    }

    @Test
    void aHoleNoContinuityRecordAnnouncesIsReportedAndLeavesTheBookUnknown() {
        BookTopicRebuild rebuild = new BookTopicRebuild();
        rebuild.apply(full(A, 1, level("0.50", "10")));
        rebuild.announce(gap(A, 1)); // an announcement of an earlier sequence does not cover a later hole
        rebuild.apply(full(A, 2, level("0.50", "12"))); // (it is healed: 1 + 1 is a full book)
        rebuild.apply(delta(A, 4, Side.BID, "0.50", "15"));

        assertEquals(List.of(new BookTopicRebuild.Hole(MARKET.id(), A, 2, 4, false)), rebuild.unannouncedHoles());
        assertFalse(rebuild.book(MARKET.id()).orElseThrow().known(), "a delta after a hole is not applied");

        rebuild.apply(full(A, 5, level("0.52", "1")));
        assertTrue(rebuild.book(MARKET.id()).orElseThrow().known(), "the next full book makes it known again");
        assertEquals(1, rebuild.unannouncedHoles().size(), "the hole stays reported");
    }

    @Test
    void aMarketMovingToAnotherNodeStartsAtOneWithAFullBookAndIsNoHole() {
        BookTopicRebuild rebuild = new BookTopicRebuild();
        rebuild.apply(full(A, 1, level("0.50", "10")));
        rebuild.apply(delta(A, 2, Side.ASK, "0.60", "4"));
        // node A crashed; its last records never reached Kafka; B runs the market now
        rebuild.apply(full(B, 1, level("0.48", "2")));
        rebuild.apply(delta(B, 2, Side.BID, "0.47", "5"));
        // A restarted with the same address and the market moved back: numbering starts over
        rebuild.apply(full(A, 1, level("0.46", "1")));
        rebuild.apply(delta(A, 2, Side.BID, "0.45", "9"));

        assertTrue(rebuild.holes().isEmpty(), rebuild.holes().toString());
        BookTopicRebuild.MarketBook book = rebuild.book(MARKET.id()).orElseThrow();
        assertEquals(A, book.currentSource());
        assertEquals(List.of(level("0.46", "1"), level("0.45", "9")), book.bids());
        assertEquals(3, book.fullBooks());
    }

    @Test
    void aLateRecordOfTheEarlierNodeIsNotAppliedOverTheNewOne() {
        BookTopicRebuild rebuild = new BookTopicRebuild();
        rebuild.apply(full(A, 1, level("0.50", "10")));
        rebuild.apply(full(B, 1, level("0.48", "2")));
        rebuild.apply(delta(A, 2, Side.BID, "0.50", "99")); // A's producer was slower than B's first record
        rebuild.apply(delta(B, 2, Side.BID, "0.48", "3"));

        assertTrue(rebuild.holes().isEmpty());
        BookTopicRebuild.MarketBook book = rebuild.book(MARKET.id()).orElseThrow();
        assertEquals(List.of(level("0.48", "3")), book.bids());
        assertEquals(1, book.leftovers());
    }

    @Test
    void aResetClearsTheBookUntilTheNextFullBook() {
        BookTopicRebuild rebuild = new BookTopicRebuild();
        rebuild.apply(full(A, 1, level("0.50", "10")));
        rebuild.apply(record(A, 2, new BookReset(MARKET, "tick size changed", 0, 0)));
        assertFalse(rebuild.book(MARKET.id()).orElseThrow().known());
        rebuild.apply(delta(A, 3, Side.BID, "0.40", "1"));
        assertFalse(rebuild.book(MARKET.id()).orElseThrow().known());
        rebuild.apply(full(A, 4, level("0.41", "2")));
        assertEquals(List.of(level("0.41", "2")), rebuild.book(MARKET.id()).orElseThrow().bids());
        assertTrue(rebuild.holes().isEmpty());
    }

    private static PriceLevel level(String price, String size) {
        return PriceLevel.parse(Decimals.parse(price), size);
    }

    private static MarketRecord<MarketEvent> full(String source, long sequence, PriceLevel bid) {
        return record(source, sequence, new BookSnapshot(MARKET, List.of(bid), List.of(), 0, 0, 0));
    }

    private static MarketRecord<MarketEvent> delta(String source, long sequence, Side side, String price, String size) {
        return record(source, sequence, new BookDelta(MARKET, BookDelta.Mode.ABSOLUTE,
                List.of(LevelUpdate.parse(side, Decimals.parse(price), size)), 0, 0, 0));
    }

    private static MarketRecord<MarketEvent> record(String source, long sequence, MarketEvent event) {
        return new MarketRecord<>(MarketRecord.VERSION, "kalshi", MARKET.id(), Channel.BOOK, sequence, source, 0, 0, event);
    }

    private static MarketRecord<Continuity> gap(String source, long sequence) {
        return new MarketRecord<>(MarketRecord.VERSION, "kalshi", MARKET.id(), Channel.CONTINUITY, sequence, source, 0, 0,
                new Continuity(Venue.KALSHI, MARKET, Continuity.Kind.GAP_DETECTED, "2 book record(s) lost", 0));
    }
}

package io.marketmesh.node.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OrderBookTest {

    private static long d(String s) {
        return Decimals.parse(s);
    }

    private static PriceLevel level(String price, String size) {
        return new PriceLevel(d(price), d(size));
    }

    @Test
    void snapshotInAnyOrderIsServedBestFirst() {
        OrderBook book = new OrderBook();
        // Polymarket sends worst -> best: bids ascending, asks descending.
        book.replace(List.of(level("0.001", "100"), level("0.5", "20"), level("0.511", "7")),
                List.of(level("0.999", "10500100"), level("0.6", "5"), level("0.514", "3")));
        assertEquals(d("0.511"), book.bestBid());
        assertEquals(d("0.514"), book.bestAsk());
        assertEquals(List.of(level("0.511", "7"), level("0.5", "20"), level("0.001", "100")), book.topBids(10));
        assertEquals(List.of(level("0.514", "3"), level("0.6", "5")), book.topAsks(2));
        assertFalse(book.isCrossed());
    }

    @Test
    void aBookGrowsFarBeyondItsFirstRoomLevelByLevelAndStaysSorted() {
        OrderBook book = new OrderBook();
        // Inserted out of order, one level at a time, past every doubling of the arrays.
        for (int i = 0; i < 300; i++) {
            int cents = (i * 37) % 300 + 1;
            book.set(Side.BID, Decimals.of(cents, 4), d("1"));
            book.set(Side.ASK, Decimals.of(10_000 - cents, 4), d("2"));
        }
        List<PriceLevel> bids = book.topBids(1000);
        List<PriceLevel> asks = book.topAsks(1000);
        assertEquals(300, bids.size());
        assertEquals(300, asks.size());
        for (int i = 0; i < 300; i++) {
            assertEquals(level(Decimals.toString(Decimals.of(300 - i, 4)), "1"), bids.get(i));
            assertEquals(level(Decimals.toString(Decimals.of(10_000 - 300 + i, 4)), "2"), asks.get(i));
        }
        // One frame changing 50 levels: the change log grows with it, and the frame is applied whole.
        List<io.marketmesh.protocol.LevelUpdate> frame = new java.util.ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            frame.add(new io.marketmesh.protocol.LevelUpdate(Side.BID, Decimals.of(i, 4), d("5")));
        }
        assertEquals(OrderBook.Result.APPLIED, book.apply(frame, false));
        assertEquals(50, book.changes().size());
        assertEquals(d("5"), book.sizeAt(Side.BID, Decimals.of(50, 4)));
    }

    @Test
    void absoluteSetsReplaceAndZeroRemoves() {
        OrderBook book = new OrderBook();
        book.set(Side.BID, d("0.5"), d("10"));
        book.set(Side.BID, d("0.5"), d("3"));
        assertEquals(d("3"), book.sizeAt(Side.BID, d("0.5")));
        book.set(Side.BID, d("0.5"), 0);
        assertTrue(book.isEmpty());
        assertEquals(Decimals.NONE, book.bestBid());
        assertEquals(OrderBook.Result.INVALID_SIZE, book.set(Side.ASK, d("0.6"), d("-1")));
        assertTrue(book.isEmpty());
    }

    @Test
    void relativeDeltasAddRemoveAtZeroAndFlagNegativeAsCorruption() {
        OrderBook book = new OrderBook();
        assertEquals(OrderBook.Result.APPLIED, book.add(Side.BID, d("0.01"), d("1410")));
        assertEquals(OrderBook.Result.APPLIED, book.add(Side.BID, d("0.01"), d("10.00")));
        assertEquals(d("1420"), book.sizeAt(Side.BID, d("0.01")));
        assertEquals(OrderBook.Result.APPLIED, book.add(Side.BID, d("0.01"), d("-1420")));
        assertEquals(0, book.bidDepth());
        assertEquals(OrderBook.Result.NEGATIVE_SIZE, book.add(Side.BID, d("0.44"), d("-5.00")));
        assertEquals(0, book.bidDepth(), "a refused change leaves no level behind");
        book.add(Side.ASK, d("0.7"), d("3"));
        assertEquals(OrderBook.Result.NEGATIVE_SIZE, book.add(Side.ASK, d("0.7"), d("-4")));
        assertEquals(d("3"), book.sizeAt(Side.ASK, d("0.7")), "a refused change leaves the level as it was");
    }

    /** Found by the venue fuzzer: a Polymarket price_change priced "-0.5" was served as a fresh level. */
    @Test
    void aPriceAtOrBelowZeroIsRefusedBeforeAnyChange() {
        OrderBook book = new OrderBook();
        book.set(Side.BID, d("0.4"), d("2"));
        assertEquals(OrderBook.Result.INVALID_PRICE, book.apply(List.of(new LevelUpdate(Side.BID, d("0.45"), d("1")),
                new LevelUpdate(Side.ASK, d("-0.5"), d("21574.08"))), false));
        assertEquals(OrderBook.Result.INVALID_PRICE, book.apply(List.of(new LevelUpdate(Side.BID, 0, d("1"))), true));
        assertEquals(OrderBook.Result.INVALID_PRICE, book.set(Side.ASK, d("-1"), d("3")));
        assertEquals(OrderBook.Result.INVALID_PRICE, book.add(Side.ASK, 0, d("3")));
        assertEquals(List.of(level("0.4", "2")), book.topBids(10), "the book is as it was");
        assertTrue(book.topAsks(10).isEmpty());
        assertEquals(OrderBook.Result.INVALID_PRICE, book.replace(List.of(level("0.4", "1")), List.of(level("-0.5", "1"))));
        assertEquals(List.of(level("0.4", "2")), book.topBids(10), "a refused snapshot leaves the book as it was");
    }

    @Test
    void aFrameIsAppliedWholeOrNotAtAll() {
        OrderBook book = new OrderBook();
        book.set(Side.BID, d("0.4"), d("2"));
        OrderBook.Result r = book.apply(List.of(
                new LevelUpdate(Side.BID, d("0.4"), d("5")),
                new LevelUpdate(Side.BID, d("0.45"), d("1")),
                new LevelUpdate(Side.BID, d("0.3"), d("-1")),
                new LevelUpdate(Side.BID, d("0.2"), d("5"))), true);
        assertEquals(OrderBook.Result.NEGATIVE_SIZE, r);
        assertEquals(List.of(level("0.4", "2")), book.topBids(10), "the levels before the failure were undone");
        assertEquals(0, book.changes().size());

        r = book.apply(List.of(new LevelUpdate(Side.ASK, d("0.6"), d("1")), new LevelUpdate(Side.ASK, d("0.7"), d("-1"))),
                false);
        assertEquals(OrderBook.Result.INVALID_SIZE, r);
        assertTrue(book.topAsks(10).isEmpty(), "an absolute frame with a negative size is refused before any change");

        assertEquals(OrderBook.Result.APPLIED, book.apply(List.of(new LevelUpdate(Side.BID, d("0.4"), d("-2")),
                new LevelUpdate(Side.ASK, d("0.6"), d("3"))), true));
        assertEquals(2, book.changes().size());
        assertEquals(d("2"), book.changes().before(0));
        assertEquals(0, book.changes().after(0));
    }

    @Test
    void keepingTheBestLevelsRecordsTheOnesDropped() {
        OrderBook book = new OrderBook();
        book.replace(List.of(level("0.1", "1"), level("0.2", "2"), level("0.3", "3")),
                List.of(level("0.5", "5"), level("0.6", "6")));
        book.apply(List.of(new LevelUpdate(Side.BID, d("0.35"), d("4"))), false);
        book.keepBest(2);
        assertEquals(List.of(level("0.35", "4"), level("0.3", "3")), book.topBids(10));
        assertEquals(List.of(level("0.5", "5"), level("0.6", "6")), book.topAsks(10));
        assertEquals(3, book.changes().size(), "the set, then the two bids dropped");
        assertEquals(d("0.1"), book.changes().price(1));
        assertEquals(d("0.2"), book.changes().price(2));
        assertEquals(0, book.changes().after(2));
    }

    @Test
    void detectsACrossedBook() {
        OrderBook book = new OrderBook();
        book.set(Side.BID, d("0.6"), d("1"));
        book.set(Side.ASK, d("0.6"), d("1"));
        assertTrue(book.isCrossed());
        book.set(Side.ASK, d("0.6"), 0);
        book.set(Side.ASK, d("0.61"), d("1"));
        assertFalse(book.isCrossed());
    }

    /** Many random changes against a TreeMap model: the primitive sides must agree level for level. */
    @Test
    void agreesWithAReferenceModelOverManyRandomChanges() {
        Random random = new Random(7);
        OrderBook book = new OrderBook();
        TreeMap<Long, Long> bids = new TreeMap<>();
        TreeMap<Long, Long> asks = new TreeMap<>();
        for (int i = 0; i < 200_000; i++) {
            boolean bid = random.nextBoolean();
            long price = Decimals.of(bid ? 1 + random.nextInt(500) : 400 + random.nextInt(500), 3);
            TreeMap<Long, Long> model = bid ? bids : asks;
            Side side = bid ? Side.BID : Side.ASK;
            if (random.nextInt(3) == 0) {
                long delta = Decimals.of(random.nextInt(2000) - 1000, 2);
                long current = model.getOrDefault(price, 0L);
                OrderBook.Result r = book.add(side, price, delta);
                long after = Decimals.add(current, delta);
                if (after < 0) {
                    assertEquals(OrderBook.Result.NEGATIVE_SIZE, r);
                } else if (after == 0) {
                    model.remove(price);
                } else {
                    model.put(price, after);
                }
            } else {
                long size = random.nextInt(4) == 0 ? 0 : Decimals.of(1 + random.nextInt(1000), 2);
                book.set(side, price, size);
                if (size == 0) {
                    model.remove(price);
                } else {
                    model.put(price, size);
                }
            }
        }
        assertEquals(expected(bids.descendingMap()), book.topBids(10_000));
        assertEquals(expected(asks), book.topAsks(10_000));
    }

    private static List<PriceLevel> expected(Map<Long, Long> levels) {
        List<PriceLevel> out = new ArrayList<>();
        levels.forEach((p, s) -> out.add(new PriceLevel(p, s)));
        return out;
    }

    @Test
    void sizesWiderThanALongAreHeldExactlyThroughChangesUndoAndWindows() {
        OrderBook book = new OrderBook();
        long p1 = Decimals.parse("0.0000000123");
        long p2 = Decimals.parse("0.0000000122");
        long p3 = Decimals.parse("0.0000000121");
        assertEquals(OrderBook.Result.APPLIED, book.replace(
                List.of(PriceLevel.parse(p1, "123456789012.12345678"), PriceLevel.parse(p2, "5")), List.of()));
        assertEquals(List.of(PriceLevel.parse(p1, "123456789012.12345678"), PriceLevel.parse(p2, "5")),
                book.topBids(10));
        assertEquals("123456789012.12345678", book.topBids(1).get(0).sizeText());

        // A change that differs only beyond the 17th digit is a change, and is published exactly.
        assertEquals(OrderBook.Result.APPLIED, book.apply(List.of(LevelUpdate.parse(Side.BID, p1, "123456789012.12345679")), false));
        assertEquals(List.of(LevelUpdate.parse(Side.BID, p1, "123456789012.12345679")), book.changes().net());

        // A narrow size replaces a wide one, and a wide one a narrow one.
        book.apply(List.of(LevelUpdate.parse(Side.BID, p1, "7"), LevelUpdate.parse(Side.BID, p3, "99999999999999999999")), false);
        assertEquals(List.of(new PriceLevel(p1, Decimals.parse("7")), PriceLevel.parse(p2, "5"),
                PriceLevel.parse(p3, "99999999999999999999")), book.topBids(10));

        // A relative change to a wide level cannot be made exactly: refused, the book untouched.
        List<PriceLevel> before = book.topBids(10);
        assertEquals(OrderBook.Result.UNREPRESENTABLE,
                book.apply(List.of(new LevelUpdate(Side.BID, p2, Decimals.parse("1")),
                        new LevelUpdate(Side.BID, p3, Decimals.parse("1"))), true));
        assertEquals(before, book.topBids(10));

        // A window drops the worst level and publishes its removal; the wide size does not linger.
        book.apply(List.of(LevelUpdate.parse(Side.BID, p3, "88888888888888888888")), false);
        book.keepBest(2);
        assertEquals(List.of(new PriceLevel(p1, Decimals.parse("7")), PriceLevel.parse(p2, "5")), book.topBids(10));
        book.apply(List.of(new LevelUpdate(Side.BID, p3, Decimals.parse("1"))), false);
        assertEquals(new PriceLevel(p3, Decimals.parse("1")), book.topBids(3).get(2));
    }

    @Test
    void aDeepSnapshotInAnyOrderWithRepeatsAndZerosIsLoadedExactly() {
        // Coinbase sends BTC-USD's whole book, tens of thousands of levels, best first.
        Random random = new Random(5);
        List<PriceLevel> bids = new ArrayList<>();
        List<PriceLevel> asks = new ArrayList<>();
        TreeMap<Long, Long> trueBids = new TreeMap<>();
        TreeMap<Long, Long> trueAsks = new TreeMap<>();
        for (int i = 0; i < 50_000; i++) {
            long bid = Decimals.of(6_000_000 - i, 2);
            long ask = Decimals.of(6_000_001 + i, 2);
            bids.add(new PriceLevel(bid, Decimals.of(1 + i % 7, 0)));
            asks.add(new PriceLevel(ask, Decimals.of(1 + i % 5, 0)));
            trueBids.put(bid, Decimals.of(1 + i % 7, 0));
            trueAsks.put(ask, Decimals.of(1 + i % 5, 0));
        }
        for (int i = 0; i < 2_000; i++) {
            // a later level at a price already given replaces it; size 0 removes it
            long bid = Decimals.of(6_000_000 - random.nextInt(50_000), 2);
            long size = random.nextInt(3) == 0 ? 0 : Decimals.of(100 + i, 0);
            bids.add(new PriceLevel(bid, size));
            if (size == 0) {
                trueBids.remove(bid);
            } else {
                trueBids.put(bid, size);
            }
        }
        OrderBook book = new OrderBook();
        book.set(Side.BID, Decimals.of(1, 0), Decimals.of(1, 0)); // replaced, not kept
        assertEquals(OrderBook.Result.APPLIED, book.replace(bids, asks));
        List<PriceLevel> expectedBids = new ArrayList<>();
        trueBids.descendingMap().forEach((p, s) -> expectedBids.add(new PriceLevel(p, s)));
        List<PriceLevel> expectedAsks = new ArrayList<>();
        trueAsks.forEach((p, s) -> expectedAsks.add(new PriceLevel(p, s)));
        assertEquals(expectedBids, book.topBids(Integer.MAX_VALUE));
        assertEquals(expectedAsks, book.topAsks(Integer.MAX_VALUE));
        // and the book keeps working on top of it
        assertEquals(OrderBook.Result.APPLIED, book.set(Side.ASK, Decimals.of(6_000_001, 2), 0));
        assertEquals(Decimals.of(6_000_002, 2), book.bestAsk());
    }
}

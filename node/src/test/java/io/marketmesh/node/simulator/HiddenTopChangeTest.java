package io.marketmesh.node.simulator;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The simulator's hidden change of a best level (the fault behind "a checksum catches what no message said") must
 * survive until the venue's next message about that book: if the book's next random change put the level back at its
 * old price, the venue's next checksum or top-of-book claim would match the node's stale book and the fault would
 * go unseen. Each book's next change stays on the hidden side, at a worse price, and the venue's touch moves off it.
 */
class HiddenTopChangeTest {

    private static final int ROUNDS = 2_000;

    @Test
    void aCryptoBooksNextChangeNeverPutsTheHiddenLevelBack() {
        Random random = new Random(7);
        for (int round = 0; round < ROUNDS; round++) {
            CryptoBook book = CryptoBook.seeded(CryptoPair.ALL.get(round % CryptoPair.ALL.size()), random);
            for (int warm = random.nextInt(40); warm > 0; warm--) {
                book.move(random);
            }
            boolean bid = random.nextBoolean();
            CryptoBook.LevelChange hidden = book.removeBest(bid);
            CryptoBook.LevelChange next = book.move(random);
            assertTrue(next.bid() == bid, "round " + round + ": the next change is on the hidden side");
            int worse = bid ? hidden.price().compareTo(next.price()) : next.price().compareTo(hidden.price());
            assertTrue(worse > 0, "round " + round + ": " + next + " is not worse than the hidden " + hidden);
            BigDecimal touch = bid ? book.bestBid() : book.bestAsk();
            assertNotEquals(0, touch.compareTo(hidden.price()), "round " + round + ": the venue's touch left it");
            assertTrue(touch.signum() > 0 && book.bestBid().compareTo(book.bestAsk()) < 0, "round " + round);
        }
    }

    @Test
    void aShiftAfterAHiddenChangeLeavesTheBookUncrossed() {
        Random random = new Random(13);
        for (int round = 0; round < ROUNDS; round++) {
            CryptoBook book = CryptoBook.seeded(CryptoPair.ALL.get(round % CryptoPair.ALL.size()), random);
            boolean bid = random.nextBoolean();
            book.removeBest(bid);
            // The shift's own messages show the hidden change; the next change must not pick the old place.
            long ticks = bid ? -(2 + random.nextInt(4)) : 2 + random.nextInt(4);
            book.shiftChanges(ticks).forEach(book::apply);
            for (int move = 0; move < 3; move++) {
                book.move(random);
                assertTrue(book.bestBid().compareTo(book.bestAsk()) < 0 && book.bestBid().signum() > 0,
                        "round " + round + ": " + book.bids() + " " + book.asks());
            }
        }
    }

    @Test
    void aPredictionBooksNextChangeNeverPutsTheHiddenLevelBack() {
        Random random = new Random(11);
        for (int round = 0; round < ROUNDS; round++) {
            SimBook book = SimBook.seeded(random);
            for (int warm = random.nextInt(40); warm > 0; warm--) {
                book.move(random);
            }
            boolean bid = book.bids.size() > 1 && (book.asks.size() == 1 || random.nextBoolean());
            SimBook.LevelChange hidden = book.removeBest(bid);
            SimBook.LevelChange next = book.move(random);
            assertTrue(next.bid() == bid, "round " + round + ": the next change is on the hidden side");
            assertTrue(bid ? next.priceCents() < hidden.priceCents() : next.priceCents() > hidden.priceCents(),
                    "round " + round + ": " + next + " is not worse than the hidden " + hidden);
            assertNotEquals(hidden.priceCents(), bid ? book.bestBid() : book.bestAsk(), "round " + round);
            assertTrue(book.bestBid() >= 1 && book.bestAsk() <= 99 && book.bestBid() < book.bestAsk(),
                    "round " + round + ": " + book.bids + " " + book.asks);
        }
    }
}

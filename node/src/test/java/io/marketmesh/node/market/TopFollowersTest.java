package io.marketmesh.node.market;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Venue;
import io.marketmesh.protocol.WideSizes;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class TopFollowersTest {

    private static final ActorTestKit testKit = ActorTestKit.create();

    @AfterAll
    static void shutdown() {
        testKit.shutdownTestKit();
    }

    /**
     * A micro-priced token's level of more than 17 significant digits whose size changes only beyond the 17th digit:
     * the longs the book compares are equal, the exact sizes are not, and the instrument must get the new one.
     */
    @Test
    void aChangeOfAWideSizeBeyondItsLongRoundingIsSentToFollowers() {
        MarketKey market = new MarketKey(Venue.BINANCE, "PEPEUSDT");
        TestProbe<MarketActor.Command> marketActor = testKit.createTestProbe();
        TestProbe<MarketTop> follower = testKit.createTestProbe();
        TopFollowers tops = new TopFollowers(market, marketActor.ref());
        tops.add(follower.ref(), 10);
        OrderBook book = new OrderBook();
        long bid = Decimals.parse("0.000012346");
        long ask = Decimals.parse("0.000012347");
        book.replace(List.of(PriceLevel.parse(bid, "372592933446.3839862")),
                List.of(new PriceLevel(ask, Decimals.parse("5"))));
        tops.sendTo(follower.ref(), book, false, null, 1);
        assertEquals(new BigDecimal("372592933446.3839862"), follower.receiveMessage().bidWideSizes()[0]);

        book.replace(List.of(PriceLevel.parse(bid, "372592933446.3839863")),
                List.of(new PriceLevel(ask, Decimals.parse("5"))));
        assertEquals(WideSizes.approximate(new BigDecimal("372592933446.3839862")), book.bidSizeAt(0),
                "the two sizes share their 17-digit rounding");
        tops.changed(book, false, null, 2, 0);
        MarketTop top = follower.receiveMessage(Duration.ofSeconds(3));
        assertNotNull(top.bidWideSizes());
        assertEquals(new BigDecimal("372592933446.3839863"), top.bidWideSizes()[0]);
    }
}

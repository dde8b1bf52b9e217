package io.marketmesh.node.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.protocol.ArbitrageEvent;
import io.marketmesh.protocol.ConsolidatedBook;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.InstrumentSummary;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Quote;
import io.marketmesh.protocol.WideSizes;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Readable cases of the instrument math: what a user reads in a summary, a consolidated book, the arbitrage feed. */
class InstrumentBookTest {

    private static final String NO_TOKEN =
            "polymarket:71321045679252212594626385532706912750332728571942532289631379312455583992563";

    private final List<ArbitrageEvent> events = new ArrayList<>();

    private static InstrumentDefinition.Leg leg(String market, boolean yes) {
        return new InstrumentDefinition.Leg(MarketKey.parse(market), yes);
    }

    private static BigDecimal dec(String text) {
        return new BigDecimal(text);
    }

    /** Levels as "price@size" strings, best first. */
    private static void update(InstrumentBook book, int leg, List<String> bids, List<String> asks, long now) {
        long[] bp = new long[bids.size()];
        long[] bs = new long[bids.size()];
        long[] ap = new long[asks.size()];
        long[] as = new long[asks.size()];
        for (int i = 0; i < bids.size(); i++) {
            String[] l = bids.get(i).split("@");
            bp[i] = Decimals.parse(l[0]);
            bs[i] = Decimals.parse(l[1]);
        }
        for (int i = 0; i < asks.size(); i++) {
            String[] l = asks.get(i).split("@");
            ap[i] = Decimals.parse(l[0]);
            as[i] = Decimals.parse(l[1]);
        }
        book.update(leg, bp, bs, bids.size(), ap, as, asks.size(), now);
    }

    @Test
    void twoVenuesCrossingByOneTickOpenAnOpportunityThatClosesWhenTheyUncross() {
        InstrumentBook book = new InstrumentBook("BTC-USDT",
                List.of(leg("binance:BTCUSDT", true), leg("okx:BTC-USDT", true)), null, 10, events::add);
        update(book, 0, List.of("99.99@3"), List.of("100.00@1.5", "100.01@2"), 1_000);
        assertTrue(events.isEmpty(), "one venue alone never crosses");
        // OKX bids one tick above Binance's ask: buy 1 on Binance at 100.00, sell it on OKX at 100.01.
        update(book, 1, List.of("100.01@1", "100.00@3"), List.of("100.02@4"), 1_100);

        assertEquals(1, events.size());
        ArbitrageEvent opened = events.get(0);
        assertEquals(ArbitrageEvent.OPENED, opened.type());
        assertTrue(opened.id().startsWith("BTC-USDT/binance:BTCUSDT/okx:BTC-USDT#") && opened.id().endsWith("-1"), opened.id());
        assertEquals("binance:BTCUSDT", opened.buyMarket());
        assertEquals("okx:BTC-USDT", opened.sellMarket());
        assertEquals(dec("100"), opened.buyPrice());
        assertEquals(dec("100.01"), opened.sellPrice());
        assertEquals(dec("0.01"), opened.profitPercent());
        // The next bid (100.00) no longer beats the ask: only OKX's first level pays.
        assertEquals(dec("1"), opened.size());
        List<ArbitrageEvent> open = book.open(1_500);
        assertEquals(1, open.size());
        assertEquals(opened.id(), open.get(0).id());
        assertEquals(opened.size(), open.get(0).size());
        assertEquals(400, open.get(0).durationMs());

        InstrumentSummary summary = book.summary(7);
        assertEquals(new Quote(dec("100.01"), dec("1"), "okx:BTC-USDT"), summary.bestBid());
        assertEquals(new Quote(dec("100"), dec("1.5"), "binance:BTCUSDT"), summary.bestAsk());
        assertEquals(dec("-0.01"), summary.spread());
        assertEquals(dec("100.005"), summary.mid());
        assertEquals(7, summary.sequence());

        // OKX's bid falls back to 100.00: no profit left, the opportunity closes after 900 ms.
        update(book, 1, List.of("100.00@3"), List.of("100.02@4"), 2_000);
        ArbitrageEvent closed = events.get(events.size() - 1);
        assertEquals(ArbitrageEvent.CLOSED, closed.type());
        assertEquals(opened.id(), closed.id());
        assertEquals("uncrossed", closed.reason());
        assertEquals(2_000, closed.closedAt());
        assertEquals(900, closed.durationMs());
        assertTrue(book.open(2_000).isEmpty());

        // Crossing again is the pair's second opportunity.
        update(book, 1, List.of("100.02@1"), List.of("100.03@4"), 3_000);
        assertTrue(events.get(events.size() - 1).id().startsWith("BTC-USDT/binance:BTCUSDT/okx:BTC-USDT#") && events.get(events.size() - 1).id().endsWith("-2"), events.get(events.size() - 1).id());
    }

    @Test
    void anOpportunityIsUpdatedOnlyWhenItsPricesOrSizeMove() {
        InstrumentBook book = new InstrumentBook("BTC-USD",
                List.of(leg("coinbase:BTC-USD", true), leg("kraken:BTC/USD", true)), null, 5, events::add);
        update(book, 0, List.of("99@1"), List.of("100@2", "101@5"), 1);
        update(book, 1, List.of("102@1", "100.5@4", "90@1"), List.of("103@1"), 2);
        // Walk: 1 at 100 -> 102, then 1 at 100 -> 100.5 (Coinbase's 2 used up), then 100.5 vs 101 stops.
        assertEquals(dec("2"), events.get(0).size());

        update(book, 1, List.of("102@1", "100.5@4", "80@1"), List.of("103@1"), 3);
        assertEquals(1, events.size(), "a level the walk never reaches changed: no step");
        update(book, 0, List.of("99.5@1"), List.of("100@2", "101@5"), 4);
        assertEquals(1, events.size(), "Coinbase's bid is no part of this opportunity");

        update(book, 0, List.of("99@1"), List.of("100@3", "101@5"), 5);
        assertEquals(2, events.size());
        ArbitrageEvent updated = events.get(1);
        assertEquals(ArbitrageEvent.UPDATED, updated.type());
        assertEquals(events.get(0).id(), updated.id());
        assertEquals(dec("3"), updated.size());
        assertEquals(2, updated.openedAt());
        assertEquals(3, updated.durationMs());
    }

    @Test
    void feesThatEatTheWholeSpreadOpenNothingAndOneTickMoreDoes() {
        // Sell fee 1 % on Kraken: a bid of 100 keeps 99, exactly the ask on Coinbase: no profit, no opportunity.
        InstrumentBook book = new InstrumentBook("BTC-USD",
                List.of(leg("coinbase:BTC-USD", true), leg("kraken:BTC/USD", true)),
                List.of(dec("0"), dec("0.01")), 5, events::add);
        update(book, 0, List.of("98@1"), List.of("99@1"), 1);
        update(book, 1, List.of("100@1"), List.of("101@1"), 2);
        assertTrue(events.isEmpty());
        assertTrue(book.exactFeeDecisions() > 0, "the boundary was decided exactly");

        update(book, 1, List.of("100.01@1"), List.of("101@1"), 3);
        ArbitrageEvent opened = events.get(0);
        assertEquals(dec("0"), opened.buyFee());
        assertEquals(dec("0.01"), opened.sellFee());
        // 100.01 * 0.99 = 99.0099; (99.0099 - 99) / 99 * 100 = 0.01 %.
        assertEquals(dec("0.01"), opened.profitPercent());
    }

    @Test
    void aBoundaryWhereDoublesWouldSeeAProfitIsDecidedExactly() {
        // 0.2 * (1 - 0.1) is 0.18 exactly, but 0.18000000000000002 in doubles: a naive check would open a loss.
        assertTrue(0.2 * (1 - 0.1) > 0.18);
        InstrumentBook book = new InstrumentBook("X",
                List.of(leg("kalshi:KX-A", true), leg("polymarket:111", true)),
                List.of(dec("0"), dec("0.1")), 5, events::add);
        update(book, 0, List.of("0.17@10"), List.of("0.18@10"), 1);
        update(book, 1, List.of("0.2@10"), List.of("0.21@10"), 2);
        assertTrue(events.isEmpty());
        update(book, 1, List.of("0.201@10"), List.of("0.21@10"), 3);
        assertEquals(ArbitrageEvent.OPENED, events.get(0).type());
    }

    @Test
    void aKalshiYesAgainstAPolymarketNoTokenReadsTheNoBookTurnedOver() {
        // Instrument: "the event happens". Kalshi's market trades its YES; the Polymarket token is the NO outcome.
        InstrumentBook book = new InstrumentBook("fed-cut-2026-12",
                List.of(leg("kalshi:KXFEDDECISION-26DEC-C25", true), leg(NO_TOKEN, false)),
                null, 5, events::add);
        update(book, 0, List.of("0.52@100"), List.of("0.54@200"), 10);
        // The NO token: bid 0.44, asks 0.45 and 0.455. In the instrument's terms: bids 0.55 and 0.545, ask 0.56.
        update(book, 1, List.of("0.44@50"), List.of("0.45@80", "0.455@40"), 20);

        assertEquals(1, book.legOf(MarketKey.parse(NO_TOKEN)));
        assertEquals(-1, book.legOf(MarketKey.parse("kalshi:OTHER")));
        InstrumentSummary summary = book.summary(1);
        InstrumentSummary.Member no = summary.venues().get(1);
        assertFalse(no.yes());
        assertEquals(dec("0.55"), no.bestBid().price());
        assertEquals(dec("80"), no.bestBid().size());
        assertEquals(dec("0.56"), no.bestAsk().price());
        assertEquals(dec("50"), no.bestAsk().size());
        assertEquals(no.bestBid(), summary.bestBid());
        assertEquals(summary.venues().get(0).bestAsk(), summary.bestAsk());

        // Buy YES on Kalshi at 0.54 and NO on Polymarket at 0.45 (selling the instrument at 0.55): 0.01 on 0.54.
        ArbitrageEvent opened = events.get(0);
        assertEquals("kalshi:KXFEDDECISION-26DEC-C25", opened.buyMarket());
        assertEquals(dec("0.54"), opened.buyPrice());
        assertEquals(dec("0.55"), opened.sellPrice());
        assertEquals(dec("1.851852"), opened.profitPercent());
        assertEquals(dec("120"), opened.size(), "80 at 0.55, then 40 at 0.545, both above 0.54");

        ConsolidatedBook consolidated = book.consolidated(5);
        assertEquals(List.of(dec("0.55"), dec("0.545"), dec("0.52")),
                consolidated.bids().stream().map(ConsolidatedBook.Level::price).toList());
        assertEquals(List.of(dec("0.54"), dec("0.56")),
                consolidated.asks().stream().map(ConsolidatedBook.Level::price).toList());
    }

    @Test
    void aStaleMemberLeavesTheSummaryTheBookAndEveryOpportunity() {
        InstrumentBook book = new InstrumentBook("BTC-USDT",
                List.of(leg("binance:BTCUSDT", true), leg("bybit:BTCUSDT", true), leg("okx:BTC-USDT", true)),
                null, 5, events::add);
        InstrumentSummary fresh = book.summary(0);
        assertTrue(fresh.venues().stream().allMatch(m -> m.stale() && "no book yet".equals(m.staleReason())));
        assertNull(fresh.bestBid());

        update(book, 0, List.of("99@1"), List.of("100@1"), 1);
        update(book, 1, List.of("101@2"), List.of("102@1"), 2);
        update(book, 2, List.of("99.5@1"), List.of("101.5@1"), 3);
        assertEquals(1, events.size());

        assertTrue(book.markStale(1, "resyncing", 4));
        assertFalse(book.markStale(1, "resyncing", 5), "already stale for that reason");
        ArbitrageEvent closed = events.get(1);
        assertEquals(ArbitrageEvent.CLOSED, closed.type());
        assertEquals("stale", closed.reason());

        InstrumentSummary summary = book.summary(1);
        assertEquals("okx:BTC-USDT", summary.bestBid().market());
        assertEquals("binance:BTCUSDT", summary.bestAsk().market());
        InstrumentSummary.Member bybit = summary.venues().get(1);
        assertTrue(bybit.stale());
        assertEquals("resyncing", bybit.staleReason());
        assertEquals(dec("101"), bybit.bestBid().price(), "its last top is still shown, flagged stale");
        ConsolidatedBook consolidated = book.consolidated(5);
        assertEquals(List.of("bybit:BTCUSDT"), consolidated.staleMarkets());
        assertTrue(consolidated.bids().stream().noneMatch(l -> l.market().equals("bybit:BTCUSDT")));

        // Fresh again: the opportunity is back, as the pair's second.
        update(book, 1, List.of("101@2"), List.of("102@1"), 6);
        assertTrue(events.get(2).id().startsWith("BTC-USDT/binance:BTCUSDT/bybit:BTCUSDT#") && events.get(2).id().endsWith("-2"), events.get(2).id());
        book.remove(7);
        assertEquals("removed", events.get(3).reason());
        assertTrue(book.open(7).isEmpty());
    }

    @Test
    void tiesGoToTheLargerSizeThenTheMarketId() {
        InstrumentBook book = new InstrumentBook("BTC-USD",
                List.of(leg("kraken:BTC/USD", true), leg("coinbase:BTC-USD", true), leg("bitstamp:btcusd", true)),
                null, 5, events::add);
        update(book, 0, List.of("100@2"), List.of("101@1"), 1);
        update(book, 1, List.of("100@2"), List.of("101@3"), 2);
        update(book, 2, List.of("100@1"), List.of("101@3"), 3);
        InstrumentSummary summary = book.summary(0);
        assertEquals("coinbase:BTC-USD", summary.bestBid().market(), "2 = 2, and coinbase < kraken");
        assertEquals("bitstamp:btcusd", summary.bestAsk().market(), "3 = 3, and bitstamp < coinbase");
        ConsolidatedBook consolidated = book.consolidated(1);
        assertEquals(List.of("coinbase:BTC-USD", "kraken:BTC/USD", "bitstamp:btcusd"),
                consolidated.bids().stream().map(ConsolidatedBook.Level::market).toList());
    }

    @Test
    void updateSaysWhetherTheSummaryChanged() {
        InstrumentBook book = new InstrumentBook("BTC-USD",
                List.of(leg("kraken:BTC/USD", true), leg("coinbase:BTC-USD", true)), null, 5, events::add);
        long[] p = {Decimals.parse("100"), Decimals.parse("99")};
        long[] s = {Decimals.parse("1"), Decimals.parse("2")};
        long[] ap = {Decimals.parse("101")};
        long[] as = {Decimals.parse("1")};
        assertTrue(book.update(0, p, s, 2, ap, as, 1, 1), "first book: fresh");
        assertFalse(book.update(0, p, s, 2, ap, as, 1, 2), "same levels");
        s[1] = Decimals.parse("5");
        assertFalse(book.update(0, p, s, 2, ap, as, 1, 3), "a deeper level only");
        s[0] = Decimals.parse("3");
        assertTrue(book.update(0, p, s, 2, ap, as, 1, 4), "the best bid's size");
        assertEquals(4, book.summary(0).venues().get(0).updatedAt());
        assertEquals(4, book.summary(0).updatedAt());
    }

    @Test
    void wideSizesAreShownExactly() {
        InstrumentBook book = new InstrumentBook("PEPE-USDT",
                List.of(leg("binance:PEPEUSDT", true), leg("okx:PEPE-USDT", true)), null, 5, events::add);
        BigDecimal wide = new BigDecimal("123456789012.12345678");
        long[] bp = {Decimals.parse("0.0000101")};
        long[] bs = {WideSizes.approximate(wide)};
        long[] ap = {Decimals.parse("0.0000102")};
        long[] as = {Decimals.parse("5000")};
        book.update(0, bp, bs, new BigDecimal[] {wide}, 1, ap, as, null, 1, 1);
        long[] bp2 = {Decimals.parse("0.0000103")};
        long[] bs2 = {WideSizes.approximate(wide)};
        long[] ap2 = {Decimals.parse("0.0000104")};
        book.update(1, bp2, bs2, new BigDecimal[] {wide}, 1, ap2, as, null, 1, 2);
        assertEquals(wide, book.summary(0).venues().get(0).bestBid().size());
        assertEquals(wide, book.consolidated(5).bids().get(1).size());
        // Binance's ask (5000) is the smaller side of the crossing pair.
        assertEquals(dec("5000"), events.get(0).size());
        assertEquals(wide.add(dec("5000")), sizeOfTwoWideLevelsAgainstAnother());
    }

    /** A walk over two wide levels sums them exactly (beyond 17 digits). */
    private BigDecimal sizeOfTwoWideLevelsAgainstAnother() {
        List<ArbitrageEvent> seen = new ArrayList<>();
        InstrumentBook book = new InstrumentBook("PEPE-USDT",
                List.of(leg("binance:PEPEUSDT", true), leg("okx:PEPE-USDT", true)), null, 5, seen::add);
        BigDecimal wide = new BigDecimal("123456789012.12345678");
        book.update(0, new long[] {Decimals.parse("0.00001")}, new long[] {Decimals.parse("1")}, null, 1,
                new long[] {Decimals.parse("0.0000102"), Decimals.parse("0.0000103")},
                new long[] {WideSizes.approximate(wide), Decimals.parse("5000")}, new BigDecimal[] {wide, null}, 2, 1);
        book.update(1, new long[] {Decimals.parse("0.0000110")}, new long[] {Decimals.parse("1e15")}, null, 1,
                new long[] {Decimals.parse("0.0000111")}, new long[] {Decimals.parse("1")}, null, 1, 2);
        return seen.get(0).size();
    }

    @Test
    void aPriceThatCannotBeTurnedOverExactlyMakesTheLegStale() {
        InstrumentBook book = new InstrumentBook("X",
                List.of(leg("kalshi:KX-A", true), leg("polymarket:222", false)), null, 5, events::add);
        // 1 - 0.000000000000000001 needs 18 digits.
        assertTrue(book.update(1, new long[] {Decimals.parse("0.000000000000000001")}, new long[] {Decimals.ONE}, 1,
                new long[0], new long[0], 0, 5));
        InstrumentSummary.Member member = book.summary(0).venues().get(1);
        assertTrue(member.stale());
        assertNull(member.bestAsk());
    }

    @Test
    void refusesWhatCannotBeAnInstrument() {
        assertThrows(IllegalArgumentException.class, () -> new InstrumentBook("X",
                List.of(leg("kalshi:A", true), leg("kalshi:A", false)), null, 5, events::add));
        assertThrows(IllegalArgumentException.class, () -> new InstrumentBook("X",
                List.of(leg("kalshi:A", true)), List.of(dec("1")), 5, events::add));
        assertThrows(IllegalArgumentException.class, () -> new InstrumentBook("X",
                List.of(leg("kalshi:A", true)), Arrays.asList(dec("-0.1")), 5, events::add));
    }
}

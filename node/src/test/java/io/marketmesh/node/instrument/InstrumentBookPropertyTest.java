package io.marketmesh.node.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.marketmesh.protocol.ArbitrageEvent;
import io.marketmesh.protocol.ConsolidatedBook;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.InstrumentSummary;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Quote;
import io.marketmesh.protocol.WideSizes;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link InstrumentBook} against a naive reference in {@link BigDecimal}, written from the records' javadoc: random
 * books for up to 7 legs (prediction legs turned over, random fees, wide and mixed-scale sizes), random stale flags.
 * After every step the summary, the consolidated book and the open opportunities (sizes, profits) must equal the
 * reference's, the step's arbitrage events must be exactly the transitions the reference implies (opened, updated
 * only on a change, closed with the right reason), and at the end every opened opportunity has closed once.
 */
class InstrumentBookPropertyTest {

    private static final String[] CRYPTO_MARKETS = {"okx:BTC-USDT", "binance:BTCUSDT", "kraken:BTC/USD",
            "bybit:BTCUSDT", "coinbase:BTC-USD", "cryptocom:BTC_USDT", "bitstamp:btcusd"};
    private static final String[] PREDICTION_MARKETS = {"polymarket:8812", "kalshi:KX-B", "polymarket:1234",
            "kalshi:KX-A", "polymarket:99", "kalshi:KX-C", "polymarket:5"};
    private static final String[] FEES = {"0", "0", "0", "0.0001", "0.001", "0.0025", "0.01", "0.1"};
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    /** A venue level: its exact size, and what the book receives (the long, and the exact value when wide). */
    private record Level(BigDecimal price, BigDecimal size) {
    }

    private static final class RefLeg {
        final String market;
        final boolean yes;
        final BigDecimal fee;
        List<Level> venueBids = List.of();
        List<Level> venueAsks = List.of();
        boolean stale = true;
        String reason = "no book yet";
        long updatedAt;

        RefLeg(String market, boolean yes, BigDecimal fee) {
            this.market = market;
            this.yes = yes;
            this.fee = fee;
        }
    }

    private record Opportunity(BigDecimal buyPrice, BigDecimal sellPrice, BigDecimal size, BigDecimal profit) {
    }

    private final Random random = new Random();
    private final List<RefLeg> legs = new ArrayList<>();
    private int depth;
    private long summaryChangedAt;
    private long bookChangedAt;
    private int opened;
    private int updated;
    private int wideSizes;
    private int turnedOver;
    private long exactFeeDecisions;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void matchesTheReferenceAfterEveryStep(boolean prediction) {
        for (int seed = 1; seed <= 10; seed++) {
            run(prediction, seed, 1_000);
        }
        // The random books reached the cases that matter, or the comparison above proves little.
        assertTrue(opened > 200, "opportunities opened: " + opened);
        assertTrue(updated > 100, "opportunities updated: " + updated);
        assertTrue(wideSizes > 0, "opportunity sizes beyond 17 digits: " + wideSizes);
        assertTrue(exactFeeDecisions > 0, "fee comparisons decided exactly: " + exactFeeDecisions);
        assertTrue(!prediction || turnedOver > 0, "opportunities with a NO leg: " + turnedOver);
    }

    private void run(boolean prediction, long seed, int steps) {
        random.setSeed(seed * 31 + (prediction ? 1 : 0));
        legs.clear();
        summaryChangedAt = 0;
        bookChangedAt = 0;
        depth = new int[] {1, 3, 5, 10}[random.nextInt(4)];
        int legCount = 2 + random.nextInt(6);
        String[] markets = prediction ? PREDICTION_MARKETS : CRYPTO_MARKETS;
        List<InstrumentDefinition.Leg> definition = new ArrayList<>();
        List<BigDecimal> fees = new ArrayList<>();
        for (int i = 0; i < legCount; i++) {
            boolean yes = !prediction || random.nextInt(3) > 0;
            BigDecimal fee = new BigDecimal(FEES[random.nextInt(FEES.length)]);
            legs.add(new RefLeg(markets[i], yes, fee));
            definition.add(new InstrumentDefinition.Leg(MarketKey.parse(markets[i]), yes));
            fees.add(fee);
        }
        List<ArbitrageEvent> events = new ArrayList<>();
        InstrumentBook book = new InstrumentBook("I", definition, fees, depth, events::add);
        String context = "seed " + seed + (prediction ? " prediction" : " crypto") + ", legs " + legCount
                + ", depth " + depth;

        Map<String, Opportunity> open = new HashMap<>();
        Map<String, ArbitrageEvent> openEvents = new HashMap<>();
        Set<String> ids = new HashSet<>();
        Set<String> closedIds = new HashSet<>();
        long now = 1_000;
        // The instrument's fair value drifts; each leg quotes around it, so legs cross now and then.
        int centre = prediction ? 50 : 10_000;
        for (int step = 0; step < steps; step++) {
            now += 1 + random.nextInt(5);
            centre += random.nextInt(3) - 1;
            centre = prediction ? Math.max(20, Math.min(80, centre)) : centre;
            int leg = random.nextInt(legCount);
            RefLeg ref = legs.get(leg);
            InstrumentSummary before = content(0);
            int action = random.nextInt(20);
            boolean changed;
            events.clear();
            if (action < 2) {
                String reason = random.nextBoolean() ? "resyncing" : "feed down";
                changed = book.markStale(leg, reason, now);
                if (!ref.stale || !reason.equals(ref.reason)) {
                    ref.stale = true;
                    ref.reason = reason;
                    bookChangedAt = now;
                }
            } else {
                List<Level> oldTop = top(ref);
                if (action > 3 || ref.updatedAt == 0) {
                    List<Level> oldBids = ref.venueBids;
                    List<Level> oldAsks = ref.venueAsks;
                    randomBook(ref, prediction, centre);
                    // Often only one side moves (a top-of-book change), which may skip half the pair checks.
                    if (action < 8 && ref.updatedAt != 0) {
                        if (action < 6) {
                            ref.venueBids = oldBids;
                        } else {
                            ref.venueAsks = oldAsks;
                        }
                    }
                }
                changed = send(book, leg, ref, now);
                ref.stale = false;
                ref.reason = null;
                bookChangedAt = now;
                if (!Objects.equals(oldTop, top(ref)) || ref.updatedAt == 0) {
                    ref.updatedAt = now;
                }
            }
            InstrumentSummary after = content(0);
            String at = context + ", step " + step;
            assertEquals(!before.equals(after), changed, at + ": update/markStale says whether the summary changed");
            if (changed) {
                summaryChangedAt = now;
            }
            assertEquals(content(7), book.summary(7), at);
            int d = 1 + random.nextInt(depth + 1);
            assertEquals(consolidated(d), book.consolidated(d), at + ", book depth " + d);

            Map<String, Opportunity> expected = opportunities();
            checkSteps(events, open, expected, openEvents, ids, closedIds, now, at);
            open = expected;
            Map<String, Opportunity> actual = new HashMap<>();
            for (ArbitrageEvent e : book.open(now)) {
                assertEquals(now - e.openedAt(), e.durationMs(), at);
                actual.put(e.buyMarket() + ">" + e.sellMarket(),
                        new Opportunity(e.buyPrice(), e.sellPrice(), e.size(), e.profitPercent()));
            }
            assertEquals(expected, actual, at);
        }
        exactFeeDecisions += book.exactFeeDecisions();
        events.clear();
        book.remove(now + 1);
        for (ArbitrageEvent e : events) {
            assertEquals(ArbitrageEvent.CLOSED, e.type());
            assertEquals("removed", e.reason());
            assertTrue(closedIds.add(e.id()), "closed once: " + e.id());
        }
        assertEquals(ids, closedIds, context + ": every opened opportunity closed exactly once");
        assertTrue(book.open(now + 1).isEmpty());
    }

    /** The step's events are exactly the reference's transitions, in any order. */
    private void checkSteps(List<ArbitrageEvent> events, Map<String, Opportunity> before,
                            Map<String, Opportunity> after, Map<String, ArbitrageEvent> openEvents, Set<String> ids,
                            Set<String> closedIds, long now, String at) {
        Set<String> touched = new HashSet<>();
        for (ArbitrageEvent e : events) {
            String pair = e.buyMarket() + ">" + e.sellMarket();
            opened += e.type().equals(ArbitrageEvent.OPENED) ? 1 : 0;
            updated += e.type().equals(ArbitrageEvent.UPDATED) ? 1 : 0;
            wideSizes += WideSizes.fits(e.size()) ? 0 : 1;
            turnedOver += !legOf(e.buyMarket()).yes || !legOf(e.sellMarket()).yes ? 1 : 0;
            assertTrue(touched.add(pair), at + ": one step per pair and change, " + e);
            assertEquals(now, e.updatedAt(), at);
            assertEquals("I", e.instrument());
            switch (e.type()) {
                case ArbitrageEvent.OPENED -> {
                    assertFalse(before.containsKey(pair), at + ": opened while open " + e);
                    assertTrue(ids.add(e.id()), at + ": ids are unique " + e.id());
                    assertTrue(e.id().startsWith("I/" + e.buyMarket() + "/" + e.sellMarket() + "#"), e.id());
                    assertEquals(now, e.openedAt());
                    assertEquals(0, e.durationMs());
                    assertEquals(after.get(pair), opportunity(e), at);
                    openEvents.put(pair, e);
                }
                case ArbitrageEvent.UPDATED -> {
                    assertTrue(before.containsKey(pair) && after.containsKey(pair), at + ": updated " + e);
                    assertEquals(openEvents.get(pair).id(), e.id());
                    assertEquals(openEvents.get(pair).openedAt(), e.openedAt());
                    assertEquals(now - e.openedAt(), e.durationMs());
                    assertEquals(after.get(pair), opportunity(e), at);
                    assertFalse(before.get(pair).equals(after.get(pair)), at + ": updated without a change " + e);
                    openEvents.put(pair, e);
                }
                case ArbitrageEvent.CLOSED -> {
                    assertTrue(before.containsKey(pair) && !after.containsKey(pair), at + ": closed " + e);
                    ArbitrageEvent opened = openEvents.remove(pair);
                    assertEquals(opened.id(), e.id());
                    assertEquals(opportunity(opened), opportunity(e), at + ": closes with its last values");
                    assertEquals(now, e.closedAt());
                    assertEquals(now - e.openedAt(), e.durationMs());
                    String[] markets = pair.split(">");
                    boolean stale = legOf(markets[0]).stale || legOf(markets[1]).stale;
                    assertEquals(stale ? "stale" : "uncrossed", e.reason(), at);
                    assertTrue(closedIds.add(e.id()), "closed once: " + e.id());
                }
                default -> throw new AssertionError(e.type());
            }
        }
        for (String pair : union(before.keySet(), after.keySet())) {
            boolean moved = !Objects.equals(before.get(pair), after.get(pair));
            assertEquals(moved, touched.contains(pair), at + ": a step exactly when " + pair + " changed");
        }
    }

    private static Opportunity opportunity(ArbitrageEvent e) {
        return new Opportunity(e.buyPrice(), e.sellPrice(), e.size(), e.profitPercent());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private RefLeg legOf(String market) {
        return legs.stream().filter(l -> l.market.equals(market)).findFirst().orElseThrow();
    }

    // ---- random books -------------------------------------------------------------------------------------------

    /** A book around the fair value (in the venue's terms: a NO leg quotes 1 - value), strictly ordered, best first. */
    private void randomBook(RefLeg leg, boolean prediction, int centre) {
        BigDecimal tick = prediction && random.nextInt(4) == 0 ? new BigDecimal("0.001") : new BigDecimal("0.01");
        int ticksPerUnit = tick.scale() == 3 ? 10 : 1;
        int venueCentre = (leg.yes ? centre : 100 - centre) * ticksPerUnit + (random.nextInt(7) - 3) * ticksPerUnit;
        int bid = venueCentre - random.nextInt(3) * ticksPerUnit;
        int ask = bid + 1 + random.nextInt(2 * ticksPerUnit + 1);
        int maxTicks = prediction ? 100 * ticksPerUnit - 1 : Integer.MAX_VALUE;
        List<Level> bids = new ArrayList<>();
        List<Level> asks = new ArrayList<>();
        int bidCount = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(depth + 2);
        int askCount = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(depth + 2);
        for (int i = 0, price = bid; i < bidCount && price >= 1; i++, price -= 1 + random.nextInt(2)) {
            bids.add(new Level(WideSizes.normalize(tick.multiply(BigDecimal.valueOf(price))), randomSize()));
        }
        for (int i = 0, price = Math.max(ask, 1); i < askCount && price <= maxTicks;
             i++, price += 1 + random.nextInt(2)) {
            asks.add(new Level(WideSizes.normalize(tick.multiply(BigDecimal.valueOf(price))), randomSize()));
        }
        leg.venueBids = bids;
        leg.venueAsks = asks;
    }

    /** Mostly small sizes; some tiny and some huge (their sums outgrow 17 digits), a few wider than a long holds. */
    private BigDecimal randomSize() {
        int kind = random.nextInt(100);
        long units = 1 + random.nextInt(20);
        BigDecimal size;
        if (kind < 65) {
            size = BigDecimal.valueOf(units);
        } else if (kind < 82) {
            size = BigDecimal.valueOf(units * 100 + random.nextInt(100), 2);
        } else if (kind < 90) {
            size = BigDecimal.valueOf(units, 8);
        } else if (kind < 97) {
            size = BigDecimal.valueOf(units).multiply(new BigDecimal("1e11"));
        } else {
            size = new BigDecimal("12345678901234567.891").add(BigDecimal.valueOf(units));
        }
        return WideSizes.normalize(size);
    }

    private boolean send(InstrumentBook book, int leg, RefLeg ref, long now) {
        // Arrays larger than needed, as a caller reusing buffers passes them.
        int room = Math.max(ref.venueBids.size(), ref.venueAsks.size()) + 2;
        long[] bp = new long[room];
        long[] bs = new long[room];
        long[] ap = new long[room];
        long[] as = new long[room];
        BigDecimal[] bw = new BigDecimal[room];
        BigDecimal[] aw = new BigDecimal[room];
        boolean anyWide = fill(ref.venueBids, bp, bs, bw) | fill(ref.venueAsks, ap, as, aw);
        if (!anyWide && random.nextBoolean()) {
            return book.update(leg, bp, bs, ref.venueBids.size(), ap, as, ref.venueAsks.size(), now);
        }
        return book.update(leg, bp, bs, bw, ref.venueBids.size(), ap, as, aw, ref.venueAsks.size(), now);
    }

    private static boolean fill(List<Level> levels, long[] prices, long[] sizes, BigDecimal[] wide) {
        boolean any = false;
        for (int i = 0; i < levels.size(); i++) {
            prices[i] = Decimals.fromBigDecimal(levels.get(i).price());
            wide[i] = WideSizes.exactIfWide(levels.get(i).size());
            sizes[i] = WideSizes.approximate(levels.get(i).size());
            any |= wide[i] != null;
        }
        return any;
    }

    // ---- the reference ------------------------------------------------------------------------------------------

    private List<Level> bids(RefLeg leg) {
        return leg.yes ? first(leg.venueBids) : turnedOver(first(leg.venueAsks));
    }

    private List<Level> asks(RefLeg leg) {
        return leg.yes ? first(leg.venueAsks) : turnedOver(first(leg.venueBids));
    }

    private List<Level> first(List<Level> levels) {
        return levels.subList(0, Math.min(depth, levels.size()));
    }

    private static List<Level> turnedOver(List<Level> levels) {
        return levels.stream().map(l -> new Level(WideSizes.normalize(BigDecimal.ONE.subtract(l.price())), l.size()))
                .toList();
    }

    private List<Level> top(RefLeg leg) {
        List<Level> bids = bids(leg);
        List<Level> asks = asks(leg);
        List<Level> top = new ArrayList<>();
        top.add(bids.isEmpty() ? null : bids.get(0));
        top.add(asks.isEmpty() ? null : asks.get(0));
        return top;
    }

    /** Larger size first, then the lower market id. */
    private static Comparator<Quote> atOnePrice() {
        return Comparator.comparing(Quote::size, Comparator.reverseOrder()).thenComparing(Quote::market);
    }

    private InstrumentSummary content(long sequence) {
        List<Quote> bids = new ArrayList<>();
        List<Quote> asks = new ArrayList<>();
        List<InstrumentSummary.Member> members = new ArrayList<>();
        for (RefLeg leg : legs) {
            List<Level> b = bids(leg);
            List<Level> a = asks(leg);
            Quote bid = b.isEmpty() ? null : new Quote(b.get(0).price(), b.get(0).size(), leg.market);
            Quote ask = a.isEmpty() ? null : new Quote(a.get(0).price(), a.get(0).size(), leg.market);
            members.add(new InstrumentSummary.Member(leg.market, leg.yes, bid, ask, leg.stale, leg.reason,
                    leg.updatedAt));
            if (!leg.stale && bid != null) {
                bids.add(bid);
            }
            if (!leg.stale && ask != null) {
                asks.add(ask);
            }
        }
        bids.sort(Comparator.comparing(Quote::price, Comparator.reverseOrder()).thenComparing(atOnePrice()));
        asks.sort(Comparator.comparing(Quote::price).thenComparing(atOnePrice()));
        Quote bestBid = bids.isEmpty() ? null : bids.get(0);
        Quote bestAsk = asks.isEmpty() ? null : asks.get(0);
        BigDecimal spread = null;
        BigDecimal mid = null;
        if (bestBid != null && bestAsk != null) {
            spread = WideSizes.normalize(bestAsk.price().subtract(bestBid.price()));
            mid = WideSizes.normalize(bestAsk.price().add(bestBid.price()).multiply(new BigDecimal("0.5")));
        }
        // The content compared for "changed" has no timestamps; the summary checked against the book has them.
        long updatedAt = sequence == 0 ? 0 : summaryChangedAt;
        if (sequence == 0) {
            members.replaceAll(m -> new InstrumentSummary.Member(m.market(), m.yes(), m.bestBid(), m.bestAsk(),
                    m.stale(), m.staleReason(), 0));
        }
        return new InstrumentSummary("I", bestBid, bestAsk, spread, mid, members, sequence, updatedAt);
    }

    private ConsolidatedBook consolidated(int d) {
        List<ConsolidatedBook.Level> bids = new ArrayList<>();
        List<ConsolidatedBook.Level> asks = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        for (RefLeg leg : legs) {
            if (leg.stale) {
                stale.add(leg.market);
                continue;
            }
            bids(leg).stream().limit(d)
                    .forEach(l -> bids.add(new ConsolidatedBook.Level(l.price(), l.size(), leg.market)));
            asks(leg).stream().limit(d)
                    .forEach(l -> asks.add(new ConsolidatedBook.Level(l.price(), l.size(), leg.market)));
        }
        Comparator<ConsolidatedBook.Level> ties = Comparator.comparing(ConsolidatedBook.Level::size,
                Comparator.reverseOrder()).thenComparing(ConsolidatedBook.Level::market);
        bids.sort(Comparator.comparing(ConsolidatedBook.Level::price, Comparator.reverseOrder()).thenComparing(ties));
        asks.sort(Comparator.comparing(ConsolidatedBook.Level::price).thenComparing(ties));
        return new ConsolidatedBook("I", d, bids, asks, stale, bookChangedAt);
    }

    private Map<String, Opportunity> opportunities() {
        Map<String, Opportunity> result = new HashMap<>();
        for (RefLeg buy : legs) {
            for (RefLeg sell : legs) {
                if (buy == sell || buy.stale || sell.stale) {
                    continue;
                }
                List<Level> asks = asks(buy);
                List<Level> bids = bids(sell);
                if (asks.isEmpty() || bids.isEmpty() || asks.get(0).price().signum() <= 0
                        || !pays(buy, asks.get(0).price(), sell, bids.get(0).price())) {
                    continue;
                }
                BigDecimal size = BigDecimal.ZERO;
                int i = 0;
                int j = 0;
                BigDecimal askLeft = asks.get(0).size();
                BigDecimal bidLeft = bids.get(0).size();
                while (i < asks.size() && j < bids.size()
                        && pays(buy, asks.get(i).price(), sell, bids.get(j).price())) {
                    BigDecimal take = askLeft.min(bidLeft);
                    size = size.add(take);
                    askLeft = askLeft.subtract(take);
                    bidLeft = bidLeft.subtract(take);
                    if (askLeft.signum() == 0 && ++i < asks.size()) {
                        askLeft = asks.get(i).size();
                    }
                    if (bidLeft.signum() == 0 && ++j < bids.size()) {
                        bidLeft = bids.get(j).size();
                    }
                }
                BigDecimal cost = asks.get(0).price().multiply(BigDecimal.ONE.add(buy.fee));
                BigDecimal proceeds = bids.get(0).price().multiply(BigDecimal.ONE.subtract(sell.fee));
                BigDecimal profit = proceeds.subtract(cost).multiply(HUNDRED).divide(cost, 6, RoundingMode.HALF_EVEN);
                result.put(buy.market + ">" + sell.market, new Opportunity(asks.get(0).price(), bids.get(0).price(),
                        WideSizes.normalize(size), WideSizes.normalize(profit)));
            }
        }
        return result;
    }

    private static boolean pays(RefLeg buy, BigDecimal ask, RefLeg sell, BigDecimal bid) {
        return bid.multiply(BigDecimal.ONE.subtract(sell.fee)).compareTo(ask.multiply(BigDecimal.ONE.add(buy.fee))) > 0;
    }
}

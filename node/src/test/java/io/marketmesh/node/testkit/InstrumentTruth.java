package io.marketmesh.node.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.marketmesh.node.simulator.VenueSimulator;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.PriceLevel;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What an instrument's summary, consolidated book and arbitrage opportunities must be, computed plainly with
 * {@link BigDecimal} from the simulator's true books: the reference the node's answers are compared with.
 */
public final class InstrumentTruth {

    /** One member: its market, whether its YES is the instrument's, its venue's taker fee. */
    public record Leg(MarketKey market, boolean yes, BigDecimal fee) {
        public static Leg of(MarketKey market) {
            return new Leg(market, true, BigDecimal.ZERO);
        }
    }

    /** A level in the instrument's terms. */
    public record Level(BigDecimal price, BigDecimal size, String market) {
    }

    /** An opportunity as its fields must read. */
    public record Opportunity(String buyMarket, String sellMarket, BigDecimal buyPrice, BigDecimal sellPrice,
                              BigDecimal size, BigDecimal profitPercent) {
    }

    private record Side(List<Level> bids, List<Level> asks) {
    }

    private final List<Leg> legs;
    private final List<Side> books = new ArrayList<>();
    private final int depth;

    /** The true books of {@code legs} now, each cut to {@code depth} levels a side (what an instrument holds). */
    public InstrumentTruth(VenueSimulator simulator, List<Leg> legs, int depth) {
        this.legs = List.copyOf(legs);
        this.depth = depth;
        for (Leg leg : legs) {
            BookSnapshot truth = simulator.trueBook(leg.market().venue(), leg.market().symbol());
            List<Level> bids = levels(truth.bids(), leg.market().id());
            List<Level> asks = levels(truth.asks(), leg.market().id());
            if (!leg.yes()) {
                // The market's YES is the instrument's NO: its asks at 1 - p are the instrument's bids, and so on.
                List<Level> flippedBids = flip(asks);
                asks = flip(bids);
                bids = flippedBids;
            }
            books.add(new Side(bids.subList(0, Math.min(depth, bids.size())),
                    asks.subList(0, Math.min(depth, asks.size()))));
        }
    }

    private static List<Level> levels(List<PriceLevel> side, String market) {
        List<Level> out = new ArrayList<>();
        for (PriceLevel level : side) {
            out.add(new Level(Decimals.toBigDecimal(level.price()), level.exactSize(), market));
        }
        return out;
    }

    private static List<Level> flip(List<Level> side) {
        return side.stream().map(l -> new Level(BigDecimal.ONE.subtract(l.price()), l.size(), l.market())).toList();
    }

    /** The best bid over the members (highest price, then larger size, then market id), null when none. */
    public Level bestBid() {
        return books.stream().filter(b -> !b.bids().isEmpty()).map(b -> b.bids().get(0))
                .min(Comparator.comparing(Level::price).reversed().thenComparing(Level::size, Comparator.reverseOrder())
                        .thenComparing(Level::market)).orElse(null);
    }

    public Level bestAsk() {
        return books.stream().filter(b -> !b.asks().isEmpty()).map(b -> b.asks().get(0))
                .min(Comparator.comparing(Level::price).thenComparing(Level::size, Comparator.reverseOrder())
                        .thenComparing(Level::market)).orElse(null);
    }

    /** Whether the summary JSON says what the true books do: best bid and ask, spread, mid, each member's top. */
    public boolean matchesSummary(JsonNode summary) {
        Level bid = bestBid();
        Level ask = bestAsk();
        if (!matches(summary.path("bestBid"), bid) || !matches(summary.path("bestAsk"), ask)) {
            return false;
        }
        if (bid != null && ask != null) {
            if (!same(summary.path("spread"), ask.price().subtract(bid.price()))
                    || !same(summary.path("mid"), bid.price().add(ask.price()).divide(BigDecimal.valueOf(2)))) {
                return false;
            }
        }
        JsonNode venues = summary.path("venues");
        if (venues.size() != legs.size()) {
            return false;
        }
        for (int i = 0; i < legs.size(); i++) {
            JsonNode member = venues.get(i);
            Side book = books.get(i);
            if (!member.path("market").asText().equals(legs.get(i).market().id()) || member.path("stale").asBoolean(true)
                    || !matches(member.path("bestBid"), book.bids().isEmpty() ? null : book.bids().get(0))
                    || !matches(member.path("bestAsk"), book.asks().isEmpty() ? null : book.asks().get(0))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The consolidated book of {@code ?depth=levels}: every member's top {@code levels} levels of the side merged (so
     * up to that many per member), ties by larger size then market id.
     */
    public List<Level> consolidated(boolean bids, int levels) {
        List<Level> all = new ArrayList<>();
        books.forEach(b -> {
            List<Level> side = bids ? b.bids() : b.asks();
            all.addAll(side.subList(0, Math.min(levels, side.size())));
        });
        Comparator<Level> byPrice = bids ? Comparator.comparing(Level::price).reversed() : Comparator.comparing(Level::price);
        all.sort(byPrice.thenComparing(Level::size, Comparator.reverseOrder()).thenComparing(Level::market));
        return all;
    }

    public static boolean matchesLevels(JsonNode side, List<Level> expected) {
        if (side.size() != expected.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            JsonNode level = side.get(i);
            Level want = expected.get(i);
            if (!same(level.path("price"), want.price()) || !same(level.path("size"), want.size())
                    || !level.path("market").asText().equals(want.market())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every pair of members where buying at one's ask and selling at the other's bid pays after fees, with the size
     * both books allow while each next unit still pays.
     */
    public List<Opportunity> opportunities() {
        List<Opportunity> out = new ArrayList<>();
        for (int buy = 0; buy < legs.size(); buy++) {
            for (int sell = 0; sell < legs.size(); sell++) {
                if (buy == sell || books.get(buy).asks().isEmpty() || books.get(sell).bids().isEmpty()) {
                    continue;
                }
                BigDecimal buyFee = BigDecimal.ONE.add(legs.get(buy).fee());
                BigDecimal sellFee = BigDecimal.ONE.subtract(legs.get(sell).fee());
                List<Level> asks = books.get(buy).asks();
                List<Level> bids = books.get(sell).bids();
                BigDecimal cost = asks.get(0).price().multiply(buyFee);
                BigDecimal proceeds = bids.get(0).price().multiply(sellFee);
                if (proceeds.compareTo(cost) <= 0) {
                    continue;
                }
                BigDecimal size = BigDecimal.ZERO;
                int a = 0;
                int b = 0;
                BigDecimal askLeft = asks.get(0).size();
                BigDecimal bidLeft = bids.get(0).size();
                while (a < asks.size() && b < bids.size()
                        && bids.get(b).price().multiply(sellFee).compareTo(asks.get(a).price().multiply(buyFee)) > 0) {
                    BigDecimal take = askLeft.min(bidLeft);
                    size = size.add(take);
                    askLeft = askLeft.subtract(take);
                    bidLeft = bidLeft.subtract(take);
                    if (askLeft.signum() == 0 && ++a < asks.size()) {
                        askLeft = asks.get(a).size();
                    }
                    if (bidLeft.signum() == 0 && ++b < bids.size()) {
                        bidLeft = bids.get(b).size();
                    }
                }
                BigDecimal profit = proceeds.subtract(cost).multiply(BigDecimal.valueOf(100))
                        .divide(cost, 6, RoundingMode.HALF_EVEN);
                out.add(new Opportunity(legs.get(buy).market().id(), legs.get(sell).market().id(),
                        asks.get(0).price(), bids.get(0).price(), size, profit));
            }
        }
        out.sort(Comparator.comparing(Opportunity::buyMarket).thenComparing(Opportunity::sellMarket));
        return out;
    }

    /** Whether {@code GET /api/v1/arbitrage}'s list for this instrument equals {@link #opportunities()}. */
    public boolean matchesArbitrage(JsonNode page, String instrument) {
        List<Opportunity> listed = new ArrayList<>();
        for (JsonNode o : page.path("opportunities")) {
            if (o.path("instrument").asText().equals(instrument)) {
                listed.add(new Opportunity(o.path("buyMarket").asText(), o.path("sellMarket").asText(),
                        decimal(o.path("buyPrice")), decimal(o.path("sellPrice")), decimal(o.path("size")),
                        decimal(o.path("profitPercent"))));
            }
        }
        listed.sort(Comparator.comparing(Opportunity::buyMarket).thenComparing(Opportunity::sellMarket));
        List<Opportunity> expected = opportunities();
        if (listed.size() != expected.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            Opportunity want = expected.get(i);
            Opportunity got = listed.get(i);
            if (!want.buyMarket().equals(got.buyMarket()) || !want.sellMarket().equals(got.sellMarket())
                    || !equal(want.buyPrice(), got.buyPrice()) || !equal(want.sellPrice(), got.sellPrice())
                    || !equal(want.size(), got.size()) || !equal(want.profitPercent(), got.profitPercent())) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(JsonNode quote, Level level) {
        if (level == null) {
            return quote.isNull() || quote.isMissingNode();
        }
        return same(quote.path("price"), level.price()) && same(quote.path("size"), level.size())
                && quote.path("market").asText().equals(level.market());
    }

    private static boolean same(JsonNode text, BigDecimal value) {
        return text.isTextual() && equal(new BigDecimal(text.asText()), value);
    }

    private static boolean equal(BigDecimal a, BigDecimal b) {
        return Objects.equals(a == null ? null : a.stripTrailingZeros(), b == null ? null : b.stripTrailingZeros());
    }

    private static BigDecimal decimal(JsonNode text) {
        return text.isTextual() ? new BigDecimal(text.asText()) : null;
    }

    public int depth() {
        return depth;
    }

    /**
     * Waits until the node's summary, consolidated book ({@code ?depth=depth}) and open opportunities of instrument
     * {@code id} all equal what the simulator's true books imply; returns that truth. Fails saying which part differed.
     */
    public static InstrumentTruth awaitNodeAgrees(TestNode node, VenueSimulator simulator, String id, List<Leg> legs,
                                                  int depth, java.time.Duration timeout) {
        InstrumentTruth[] truth = new InstrumentTruth[1];
        String[] last = new String[1];
        try {
            TestNode.await(() -> {
                InstrumentTruth now = new InstrumentTruth(simulator, legs, depth);
                truth[0] = now;
                JsonNode summary = node.get("/api/v1/instruments/" + id).body();
                JsonNode book = node.get("/api/v1/instruments/" + id + "/book?depth=" + depth).body();
                JsonNode arbitrage = node.get("/api/v1/arbitrage").body();
                boolean summaryOk = now.matchesSummary(summary);
                boolean bidsOk = matchesLevels(book.path("bids"), now.consolidated(true, depth));
                boolean asksOk = matchesLevels(book.path("asks"), now.consolidated(false, depth));
                boolean arbitrageOk = now.matchesArbitrage(arbitrage, id);
                last[0] = "summary " + summaryOk + ", bids " + bidsOk + ", asks " + asksOk + ", arbitrage " + arbitrageOk
                        + "; expected best " + now.bestBid() + " / " + now.bestAsk() + ", opportunities "
                        + now.opportunities() + "; got " + summary + " / " + book + " / " + arbitrage;
                return summaryOk && bidsOk && asksOk && arbitrageOk;
            }, timeout, "instrument " + id + " on port " + node.httpPort() + " equals what the true books imply");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + last[0], e);
        }
        return truth[0];
    }
}

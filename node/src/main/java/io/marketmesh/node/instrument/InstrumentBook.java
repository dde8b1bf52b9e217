package io.marketmesh.node.instrument;

import io.marketmesh.protocol.ArbitrageEvent;
import io.marketmesh.protocol.ConsolidatedBook;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.InstrumentSummary;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.Quote;
import io.marketmesh.protocol.WideSizes;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One instrument across its member markets: each member's top levels, the best bid and ask over the members that can
 * be trusted, and the arbitrage opportunities between them. Owned by one actor (not thread-safe).
 *
 * <p>The hot path is {@link #update}: a member's top levels arrive (in its venue's terms), are copied into arrays
 * allocated once, the best bid and ask are found again over the members (a scan of a few legs) and every pair with
 * this member is checked for arbitrage; nothing is allocated unless an opportunity takes a step. Records are built on
 * demand: {@link #summary}, {@link #consolidated}, {@link #open}.
 *
 * <p>A member is stale until its first book and whenever {@link #markStale} says so: it then takes no part in the
 * best bid and ask, the consolidated book or any opportunity (its open ones close with reason {@code stale}); its last
 * top of book is still shown in the summary, flagged stale.
 *
 * <p>Sizes wider than a long holds ({@link WideSizes}) come as an optional exact value per level beside its long
 * rounding; comparisons of equal roundings and everything shown use the exact value.
 */
public final class InstrumentBook {

    private final String instrument;
    private final LegBook[] legs;
    /** Each leg's place in the legs sorted by market id: the last tie-break, as an int comparison. */
    private final int[] marketRank;
    private final Map<MarketKey, Integer> legByMarket = new HashMap<>();
    private final int depth;
    private final TakerFees fees;
    private final ArbitrageTracker arbitrage;
    private int bestBidLeg = -1;
    private int bestAskLeg = -1;
    /** Epoch ms of the last change the summary reflects, and of the last change of any member. */
    private long summaryChangedAt;
    private long bookChangedAt;

    /**
     * @param instrument the instrument's id
     * @param legs       its member markets in their stable order
     * @param takerFees  one taker fee rate per leg (0.001 = 0.1 %; null entries or a null list: no fee)
     * @param depth      levels kept per side and member
     * @param listener   receives every arbitrage step
     */
    public InstrumentBook(String instrument, List<InstrumentDefinition.Leg> legs, List<BigDecimal> takerFees, int depth,
                          ArbitrageListener listener) {
        if (legs.isEmpty()) {
            throw new IllegalArgumentException("an instrument has at least one leg");
        }
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be at least 1, got " + depth);
        }
        if (takerFees != null && takerFees.size() != legs.size()) {
            throw new IllegalArgumentException(legs.size() + " legs but " + takerFees.size() + " taker fees");
        }
        this.instrument = instrument;
        this.depth = depth;
        this.legs = new LegBook[legs.size()];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < legs.size(); i++) {
            InstrumentDefinition.Leg leg = legs.get(i);
            if (!seen.add(leg.market().id())) {
                throw new IllegalArgumentException("market " + leg.market().id() + " is a leg of " + instrument
                        + " twice");
            }
            this.legs[i] = new LegBook(leg.market().id(), leg.yes(), depth);
            legByMarket.put(leg.market(), i);
        }
        this.marketRank = new int[legs.size()];
        List<Integer> byMarket = new ArrayList<>();
        for (int i = 0; i < legs.size(); i++) {
            byMarket.add(i);
        }
        byMarket.sort(Comparator.comparing(i -> this.legs[i].market));
        for (int rank = 0; rank < byMarket.size(); rank++) {
            marketRank[byMarket.get(rank)] = rank;
        }
        this.fees = new TakerFees(takerFees != null ? takerFees : Collections.nCopies(legs.size(), null));
        this.arbitrage = new ArbitrageTracker(instrument, this.legs, fees, listener);
    }

    /**
     * As {@link #update(int, long[], long[], BigDecimal[], int, long[], long[], BigDecimal[], int, long)}, every size
     * exact in its long.
     */
    public boolean update(int leg, long[] bidPrices, long[] bidSizes, int bids, long[] askPrices, long[] askSizes,
                          int asks, long now) {
        return update(leg, bidPrices, bidSizes, null, bids, askPrices, askSizes, null, asks, now);
    }

    /**
     * The member's top levels, in its own venue's terms, best first (only the first {@code depth} are kept; the arrays
     * are copied, the caller may reuse them). The member becomes fresh. A price that cannot be turned over exactly
     * ({@code 1 - price} beyond 17 digits) makes the member stale instead.
     *
     * @param bidWide exact sizes of the bid levels that are wider than a long holds (null entries, or a null array,
     *                where the long is exact); likewise {@code askWide}
     * @return whether the summary changed: the member's best bid or ask (price or size), its staleness, and so
     *         possibly the best bid and ask
     */
    public boolean update(int leg, long[] bidPrices, long[] bidSizes, BigDecimal[] bidWide, int bids,
                          long[] askPrices, long[] askSizes, BigDecimal[] askWide, int asks, long now) {
        LegBook book = legs[leg];
        boolean topChanged;
        try {
            topChanged = book.take(bidPrices, bidSizes, bidWide, bids, askPrices, askSizes, askWide, asks);
        } catch (ArithmeticException e) {
            // Its levels are gone (take cleared them): the summary changes whatever it said before.
            book.updatedAt = now;
            becomeStale(leg, LegBook.UNREPRESENTABLE, now);
            return true;
        }
        bookChangedAt = now;
        boolean wasStale = book.stale;
        book.stale = false;
        book.staleReason = null;
        if (topChanged || book.updatedAt == 0) {
            book.updatedAt = now;
        }
        boolean changed = topChanged || wasStale;
        if (changed) {
            findBest();
            summaryChangedAt = now;
        }
        arbitrage.legChanged(leg, now, wasStale || book.asksChanged, wasStale || book.bidsChanged);
        return changed;
    }

    /**
     * The member can no longer be trusted (its book is resyncing, its feed is down): it leaves the best bid and ask,
     * the consolidated book and every opportunity, which close with reason {@code stale}.
     *
     * @return whether the summary changed (it was fresh, or the reason differs)
     */
    public boolean markStale(int leg, String reason, long now) {
        LegBook book = legs[leg];
        reason = reason == null ? ArbitrageTracker.STALE : reason;
        if (book.stale && Objects.equals(book.staleReason, reason)) {
            return false;
        }
        becomeStale(leg, reason, now);
        return true;
    }

    private void becomeStale(int leg, String reason, long now) {
        LegBook book = legs[leg];
        book.stale = true;
        book.staleReason = reason;
        bookChangedAt = now;
        summaryChangedAt = now;
        findBest();
        arbitrage.legChanged(leg, now);
    }

    /** Closes every open opportunity with {@code reason} (the instrument, or a leg, is being removed). */
    public void closeAll(String reason, long now) {
        arbitrage.closeAll(reason, now);
    }

    /** Closes every open opportunity with reason {@code removed}. */
    public void remove(long now) {
        closeAll(ArbitrageTracker.REMOVED, now);
    }

    public String instrument() {
        return instrument;
    }

    /** The leg index of {@code market}, -1 when it is no member. */
    public int legOf(MarketKey market) {
        Integer leg = legByMarket.get(market);
        return leg == null ? -1 : leg;
    }

    public int legCount() {
        return legs.length;
    }

    public int depth() {
        return depth;
    }

    public boolean isStale(int leg) {
        return legs[leg].stale;
    }

    /** The best bid price over the fresh members as a {@link Decimals} long, {@link Decimals#NONE} when none. */
    public long bestBid() {
        return bestBidLeg < 0 ? Decimals.NONE : legs[bestBidLeg].bidPrices[0];
    }

    /** The best ask price over the fresh members, {@link Decimals#NONE} when none. */
    public long bestAsk() {
        return bestAskLeg < 0 ? Decimals.NONE : legs[bestAskLeg].askPrices[0];
    }

    // ---- cold path: records on demand ---------------------------------------------------------------------------

    /** The summary as it stands, numbered {@code sequence}. */
    public InstrumentSummary summary(long sequence) {
        Quote bestBid = bestBidLeg < 0 ? null : bidQuote(legs[bestBidLeg], 0);
        Quote bestAsk = bestAskLeg < 0 ? null : askQuote(legs[bestAskLeg], 0);
        BigDecimal spread = null;
        BigDecimal mid = null;
        if (bestBid != null && bestAsk != null) {
            spread = WideSizes.normalize(bestAsk.price().subtract(bestBid.price()));
            mid = WideSizes.normalize(bestAsk.price().add(bestBid.price()).divide(BigDecimal.valueOf(2)));
        }
        List<InstrumentSummary.Member> members = new ArrayList<>(legs.length);
        for (LegBook book : legs) {
            members.add(new InstrumentSummary.Member(book.market, book.yes,
                    book.bidCount == 0 ? null : bidQuote(book, 0), book.askCount == 0 ? null : askQuote(book, 0),
                    book.stale, book.staleReason, book.updatedAt));
        }
        return new InstrumentSummary(instrument, bestBid, bestAsk, spread, mid, members, sequence, summaryChangedAt);
    }

    /**
     * Every fresh member's top {@code depth} levels (at most the depth held) merged: bids highest first, asks lowest
     * first; at one price the larger size first, then the market id.
     */
    public ConsolidatedBook consolidated(int depth) {
        int perMember = Math.max(0, Math.min(depth, this.depth));
        List<Merged> bids = new ArrayList<>();
        List<Merged> asks = new ArrayList<>();
        List<String> staleMarkets = new ArrayList<>();
        for (int leg = 0; leg < legs.length; leg++) {
            LegBook book = legs[leg];
            if (book.stale) {
                staleMarkets.add(book.market);
                continue;
            }
            for (int i = 0; i < Math.min(perMember, book.bidCount); i++) {
                bids.add(new Merged(book.bidPrices[i], book.bidSizes[i], book.bidWide[i], leg));
            }
            for (int i = 0; i < Math.min(perMember, book.askCount); i++) {
                asks.add(new Merged(book.askPrices[i], book.askSizes[i], book.askWide[i], leg));
            }
        }
        bids.sort((a, b) -> a.price != b.price ? Long.compare(b.price, a.price) : atOnePrice(a, b));
        asks.sort((a, b) -> a.price != b.price ? Long.compare(a.price, b.price) : atOnePrice(a, b));
        return new ConsolidatedBook(instrument, depth, levels(bids), levels(asks), staleMarkets, bookChangedAt);
    }

    /** The open opportunities, each as its last step with {@code durationMs} up to {@code now}. */
    public List<ArbitrageEvent> open(long now) {
        return arbitrage.open(now);
    }

    /** How many fee comparisons were close enough to need exact arithmetic (for tests). */
    long exactFeeDecisions() {
        return fees.exactDecisions();
    }

    // ---- internals ----------------------------------------------------------------------------------------------

    private record Merged(long price, long size, BigDecimal wide, int leg) {
    }

    private int atOnePrice(Merged a, Merged b) {
        int bySize = compareSizes(b.size, b.wide, a.size, a.wide);
        return bySize != 0 ? bySize : Integer.compare(marketRank[a.leg], marketRank[b.leg]);
    }

    private List<ConsolidatedBook.Level> levels(List<Merged> merged) {
        List<ConsolidatedBook.Level> levels = new ArrayList<>(merged.size());
        for (Merged m : merged) {
            levels.add(new ConsolidatedBook.Level(Decimals.toBigDecimal(m.price),
                    m.wide != null ? m.wide : Decimals.toBigDecimal(m.size), legs[m.leg].market));
        }
        return levels;
    }

    /** Best bid and ask over the fresh members: best price, then the larger size, then the lower market id. */
    private void findBest() {
        int bid = -1;
        int ask = -1;
        for (int leg = 0; leg < legs.length; leg++) {
            LegBook book = legs[leg];
            if (book.stale) {
                continue;
            }
            if (book.bidCount > 0 && (bid < 0 || better(book.bidPrices[0], legs[bid].bidPrices[0], true, leg, bid))) {
                bid = leg;
            }
            if (book.askCount > 0 && (ask < 0 || better(book.askPrices[0], legs[ask].askPrices[0], false, leg, ask))) {
                ask = leg;
            }
        }
        bestBidLeg = bid;
        bestAskLeg = ask;
    }

    private boolean better(long price, long incumbentPrice, boolean bidSide, int leg, int incumbent) {
        if (price != incumbentPrice) {
            return bidSide ? price > incumbentPrice : price < incumbentPrice;
        }
        LegBook a = legs[leg];
        LegBook b = legs[incumbent];
        int bySize = bidSide ? compareSizes(a.bidSizes[0], a.bidWide[0], b.bidSizes[0], b.bidWide[0])
                : compareSizes(a.askSizes[0], a.askWide[0], b.askSizes[0], b.askWide[0]);
        return bySize != 0 ? bySize > 0 : marketRank[leg] < marketRank[incumbent];
    }

    /** Compares two sizes exactly: the longs when both are exact, else the exact values (rare). */
    private static int compareSizes(long a, BigDecimal aWide, long b, BigDecimal bWide) {
        if (aWide == null && bWide == null) {
            return Long.compare(a, b);
        }
        BigDecimal x = aWide != null ? aWide : Decimals.toBigDecimal(a);
        BigDecimal y = bWide != null ? bWide : Decimals.toBigDecimal(b);
        return x.compareTo(y);
    }

    private static Quote bidQuote(LegBook book, int i) {
        return new Quote(Decimals.toBigDecimal(book.bidPrices[i]), book.exactBidSize(i), book.market);
    }

    private static Quote askQuote(LegBook book, int i) {
        return new Quote(Decimals.toBigDecimal(book.askPrices[i]), book.exactAskSize(i), book.market);
    }
}

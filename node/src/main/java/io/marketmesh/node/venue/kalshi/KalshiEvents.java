package io.marketmesh.node.venue.kalshi;

import static io.marketmesh.node.venue.kalshi.KalshiFrame.ABSENT;

import io.marketmesh.node.venue.SessionOutput;
import io.marketmesh.protocol.BookDelta;
import io.marketmesh.protocol.BookSnapshot;
import io.marketmesh.protocol.Decimals;
import io.marketmesh.protocol.LevelUpdate;
import io.marketmesh.protocol.MarketKey;
import io.marketmesh.protocol.MarketStatus;
import io.marketmesh.protocol.PriceLevel;
import io.marketmesh.protocol.Side;
import io.marketmesh.protocol.StatusUpdate;
import io.marketmesh.protocol.Ticker;
import io.marketmesh.protocol.Trade;
import io.marketmesh.protocol.Venue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns Kalshi's data frames (book, trade, ticker, lifecycle) into protocol events, publishing those that
 * {@link KalshiSubscriptions} admits. A frame is read in full before it is admitted, so a malformed one is a bad
 * frame that takes no seq number.
 *
 * <p>The normalized book is the YES market: bids are YES bids, asks are NO bids seen from the YES side
 * (ask price = 1 − NO price, same size).
 */
final class KalshiEvents {

    private static final Comparator<PriceLevel> DESCENDING = Comparator.comparingLong(PriceLevel::price).reversed();
    private static final Comparator<PriceLevel> ASCENDING = Comparator.comparingLong(PriceLevel::price);

    private final KalshiSubscriptions subscriptions;
    private final Map<String, MarketKey> keys = new HashMap<>();

    KalshiEvents(KalshiSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    void onDelta(KalshiFrame frame, long receivedAt, SessionOutput out) {
        String ticker = requireTicker(frame);
        long price = either(frame.priceDollars, frame.priceCents);
        long change = either(frame.deltaFp, frame.delta);
        if (price == ABSENT || change == ABSENT) {
            throw new IllegalArgumentException("orderbook_delta without price or delta");
        }
        checkProbability(price);
        LevelUpdate update = switch (frame.side) {
            case YES -> new LevelUpdate(Side.BID, price, change);
            case NO -> new LevelUpdate(Side.ASK, Decimals.subtract(Decimals.ONE, price), change);
            default -> throw new IllegalArgumentException("orderbook_delta side is neither yes nor no");
        };
        if (!subscriptions.admitDelta(frame, ticker, out)) {
            return;
        }
        out.event(new BookDelta(key(ticker), BookDelta.Mode.RELATIVE, List.of(update), seqOrZero(frame),
                frame.venueTimestamp(), receivedAt));
    }

    void onSnapshot(KalshiFrame frame, long receivedAt, SessionOutput out) {
        String ticker = requireTicker(frame);
        List<PriceLevel> bids = levels(pick(frame.yesFp, frame.yesDollars, frame.yesCents), false);
        List<PriceLevel> asks = levels(pick(frame.noFp, frame.noDollars, frame.noCents), true);
        if (!subscriptions.admitSnapshot(frame, ticker, out)) {
            return;
        }
        out.event(new BookSnapshot(key(ticker), bids, asks, seqOrZero(frame), frame.venueTimestamp(), receivedAt));
    }

    void onTrade(KalshiFrame frame, long receivedAt, SessionOutput out) {
        String ticker = requireTicker(frame);
        long price = either(frame.yesPriceDollars, frame.yesPriceCents);
        long size = either(frame.countFp, frame.count);
        if (price == ABSENT || size == ABSENT) {
            throw new IllegalArgumentException("trade without yes price or count");
        }
        Side aggressor = takerSide(frame.takerOutcomeSide);
        if (aggressor == null) {
            aggressor = takerSide(frame.takerSide);
        }
        if (!subscriptions.admitData(frame, ticker, out)) {
            return;
        }
        out.event(new Trade(key(ticker), frame.tradeId, price, size, aggressor, frame.venueTimestamp(), receivedAt));
    }

    void onTicker(KalshiFrame frame, long receivedAt, SessionOutput out) {
        String ticker = requireTicker(frame);
        if (!subscriptions.admitData(frame, ticker, out)) {
            return;
        }
        // The legacy integer fields are whole cents for prices and whole contracts for volume and open interest.
        out.event(new Ticker(key(ticker),
                either(frame.yesBidDollars, frame.yesBidCents), frame.yesBidSizeFp,
                either(frame.yesAskDollars, frame.yesAskCents), frame.yesAskSizeFp,
                either(frame.priceDollars, frame.priceCents),
                total(either(frame.volumeFp, frame.volume)),
                total(either(frame.openInterestFp, frame.openInterest)),
                frame.venueTimestamp(), receivedAt));
    }

    void onLifecycle(KalshiFrame frame, String text, long receivedAt, SessionOutput out) {
        String ticker = requireTicker(frame);
        if (!subscriptions.follows(ticker)) {
            // The channel is venue-wide: another market's event is dropped whatever its type, after taking its seq
            // (admitting it only does that, and counts it ignored).
            subscriptions.admitData(frame, ticker, out);
            return;
        }
        String event = frame.eventType == null ? "" : frame.eventType;
        MarketStatus status;
        String detail = event;
        long venueTime = frame.venueTimestamp();
        switch (event) {
            case "created", "activated" -> status = MarketStatus.ACTIVE;
            case "deactivated" -> status = MarketStatus.PAUSED;
            case "close_date_updated" -> status = MarketStatus.ACTIVE;
            case "determined" -> {
                status = MarketStatus.DETERMINED;
                detail = "determined: result=" + orEmpty(frame.result) + ", settlement_value=" + orEmpty(frame.settlementValue);
                venueTime = venueTime != 0 ? venueTime : secondsToMillis(frame.determinationTs);
            }
            case "settled" -> {
                status = MarketStatus.SETTLED;
                venueTime = venueTime != 0 ? venueTime : secondsToMillis(frame.settledTs);
            }
            case "price_level_structure_updated" -> {
                // A documented event about tick structure, not about trading status: nothing to publish.
                subscriptions.takeSeq(frame, out);
                return;
            }
            default -> {
                out.badFrame("unknown Kalshi market_lifecycle_v2 event_type '" + event + "'", text);
                return;
            }
        }
        if (!subscriptions.admitData(frame, ticker, out)) {
            return;
        }
        out.event(new StatusUpdate(key(ticker), status, detail, venueTime, receivedAt));
    }

    /** Drops the keys of markets no longer followed. */
    void forget(Collection<String> tickers) {
        keys.keySet().removeAll(tickers);
    }

    /** Events are only made for admitted frames of followed markets, so this holds one key per market followed. */
    private MarketKey key(String ticker) {
        MarketKey key = keys.get(ticker);
        if (key == null) {
            key = new MarketKey(Venue.KALSHI, ticker);
            keys.put(ticker, key);
        }
        return key;
    }

    private static String requireTicker(KalshiFrame frame) {
        String ticker = frame.marketTicker;
        if (ticker == null || ticker.isBlank()) {
            throw new IllegalArgumentException("no market_ticker");
        }
        return ticker;
    }

    private static long seqOrZero(KalshiFrame frame) {
        return frame.seq == ABSENT ? 0 : frame.seq;
    }

    /** The 2026 field when present, else its legacy counterpart (either may be absent). */
    /** A volume or open interest as the ticker's exact total; null when absent. */
    private static java.math.BigDecimal total(long value) {
        return value == ABSENT ? null : Decimals.toBigDecimal(value);
    }

    private static long either(long current, long legacy) {
        return current != ABSENT ? current : legacy;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static long secondsToMillis(long seconds) {
        return seconds == ABSENT ? 0 : seconds * 1000;
    }

    private static Side takerSide(KalshiFrame.Outcome outcome) {
        return switch (outcome) {
            case YES -> Side.BID;
            case NO -> Side.ASK;
            default -> null;
        };
    }

    private static void checkProbability(long price) {
        if (price < 0 || price > Decimals.ONE) {
            throw new IllegalArgumentException("price " + Decimals.toString(price) + " is outside 0..1");
        }
    }

    /** The side in the newest format the frame carries; a frame in transition may carry several of the same book. */
    private static KalshiFrame.Levels pick(KalshiFrame.Levels fp, KalshiFrame.Levels dollars, KalshiFrame.Levels cents) {
        return fp.present ? fp : dollars.present ? dollars : cents.present ? cents : null;
    }

    /** YES bids as bids (best = highest first) or NO bids as asks at 1 − price (best = lowest first). */
    private static List<PriceLevel> levels(KalshiFrame.Levels side, boolean noSide) {
        if (side == null || side.count == 0) {
            return List.of();
        }
        List<PriceLevel> levels = new ArrayList<>(side.count);
        for (int i = 0; i < side.count; i++) {
            long price = side.prices[i];
            long size = side.sizes[i];
            checkProbability(price);
            if (size < 0) {
                throw new IllegalArgumentException("negative size " + Decimals.toString(size));
            }
            if (size != 0) {
                levels.add(new PriceLevel(noSide ? Decimals.subtract(Decimals.ONE, price) : price, size));
            }
        }
        levels.sort(noSide ? ASCENDING : DESCENDING);
        return levels;
    }
}
